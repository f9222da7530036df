"""Respondents replaced by their roles (``--anonymise``), before anything is scored or written.

Each respondent becomes their role ("AP clerk"), numbered in order of first appearance when
several share it ("AP clerk 1", "AP clerk 2"), or "Respondent N" without a role. Their names are
also replaced wherever a comment mentions them (the full name and each part of it), and the
answer file's name, which often is the respondent's, gives way to the label. The answers are
checked against the real files first, so an error still names the file to fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from boaudit.questionnaire.answers import AnswerRecord


def pseudonyms(records: Sequence[AnswerRecord]) -> dict[str, str]:
    """Respondent -> the label that replaces them."""
    roles: dict[str, str | None] = {}
    for record in records:
        roles.setdefault(record.respondent, (record.role or "").strip() or None)
    shared: dict[str, int] = {}
    for role in roles.values():
        if role is not None:
            shared[role.casefold()] = shared.get(role.casefold(), 0) + 1
    seen: dict[str, int] = {}
    unnamed = 0
    out: dict[str, str] = {}
    for respondent, role in roles.items():
        if role is None:
            unnamed += 1
            out[respondent] = f"Respondent {unnamed}"
            continue
        key = role.casefold()
        seen[key] = seen.get(key, 0) + 1
        out[respondent] = role if shared[key] == 1 else f"{role} {seen[key]}"
    return out


def _scrubber(names: dict[str, str]) -> re.Pattern[str] | None:
    """One pattern for every name and name part (longest first), whole words only."""
    parts: dict[str, str] = {}
    for name, label in names.items():
        if name == label:
            continue
        parts[name.casefold()] = label
        for token in re.findall(r"\w{2,}", name):
            parts.setdefault(token.casefold(), label)
    if not parts:
        return None
    alternatives = "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def anonymise(records: Sequence[AnswerRecord]) -> list[AnswerRecord]:
    """The records with every respondent replaced by their label, in names and in comments."""
    names = pseudonyms(records)
    pattern = _scrubber(names)
    lookup: dict[str, str] = {}
    for name, label in names.items():
        lookup[name.casefold()] = label
        for token in re.findall(r"\w{2,}", name):
            lookup.setdefault(token.casefold(), label)

    def scrub(text: str) -> str:
        if pattern is None or not text:
            return text
        return pattern.sub(lambda m: lookup.get(m.group(0).casefold(), m.group(0)), text)

    return [
        replace(
            record,
            respondent=names[record.respondent],
            comment=scrub(record.comment),
            source=f"answers of {names[record.respondent]}",
        )
        for record in records
    ]
