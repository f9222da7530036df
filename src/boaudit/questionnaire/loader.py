"""Load questionnaires: bundled ones by id, a consultant's own file by path.

Validation collects every problem in a file (TOML syntax, a missing rubric, a bad weight, a
duplicate id, an unknown pitfall, too few questions for a pitfall) so a consultant can fix them
all in one pass; each problem names the file and the key.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from boaudit.errors import InputMissingError, QuestionnaireError, UsageError
from boaudit.fileio import parse_problem
from boaudit.questionnaire.models import MIN_QUESTIONS_PER_PITFALL, RUBRIC_KEYS, Questionnaire
from boaudit.taxonomy import load_taxonomy

_PACKAGE_DIR = "questionnaires"


def _bundled_dir() -> Any:
    return resources.files("boaudit").joinpath(_PACKAGE_DIR)


@cache
def bundled_ids() -> tuple[str, ...]:
    """Ids of the bundled questionnaires, sorted."""
    names = [entry.name for entry in _bundled_dir().iterdir() if entry.name.endswith(".toml")]
    return tuple(sorted(name.removesuffix(".toml") for name in names))


@cache
def load_bundled(questionnaire_id: str) -> Questionnaire:
    """Load a bundled questionnaire by id (cached); unknown ids are a usage error."""
    if questionnaire_id not in bundled_ids():
        raise UsageError(
            f"unknown questionnaire '{questionnaire_id}'; choose one of "
            f"{', '.join(bundled_ids())} or give the path of a .toml file"
        )
    entry = _bundled_dir().joinpath(f"{questionnaire_id}.toml")
    return _parse(entry.read_text("utf-8"), f"{questionnaire_id}.toml")


@cache
def _owners() -> dict[str, tuple[str, ...]]:
    """Question id -> the bundled questionnaires holding it, in id order (built once)."""
    owners: dict[str, list[str]] = {}
    for questionnaire_id in bundled_ids():
        for question in load_bundled(questionnaire_id).questions:
            owners.setdefault(question.id, []).append(questionnaire_id)
    return {key: tuple(value) for key, value in owners.items()}


def owners_of(question_id: str) -> tuple[str, ...]:
    """The bundled questionnaires that hold ``question_id``."""
    return _owners().get(question_id, ())


def load_questionnaire(ref: str | Path) -> Questionnaire:
    """Load ``ref``: a path to a TOML file when it looks like one, else a bundled id."""
    text = str(ref)
    if isinstance(ref, Path) or text.endswith(".toml") or "/" in text or "\\" in text:
        return load_file(Path(text))
    return load_bundled(text)


def load_file(path: Path) -> Questionnaire:
    """Load and validate a questionnaire file; every problem goes into one error."""
    questionnaire, problems = validate_file(path)
    if questionnaire is None:
        raise QuestionnaireError(
            f"{path}: invalid questionnaire ({len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''}); check it with "
            "'boaudit questionnaires validate'",
            problems,
        )
    return questionnaire


def validate_file(path: Path) -> tuple[Questionnaire | None, list[str]]:
    """Validate the file at ``path``: the questionnaire (or ``None``) and every problem found."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputMissingError(f"{path}: no such file; check the path") from exc
    except OSError as exc:
        raise InputMissingError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8"]
    return _check(text, str(path))


def _parse(text: str, name: str) -> Questionnaire:
    questionnaire, problems = _check(text, name)
    if questionnaire is None:  # pragma: no cover - bundled files are validated by the tests
        raise AssertionError(f"bundled questionnaire {name} is invalid: {problems}")
    return questionnaire


def _check(text: str, name: str) -> tuple[Questionnaire | None, list[str]]:
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        return None, [f"{name}: not valid TOML: {parse_problem(exc)}"]
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A failed item also empties its container, which pydantic reports as "too short";
        # keep only the errors that say what is actually wrong.
        errors = [
            error
            for error in errors
            if not (
                error["type"] == "too_short"
                and any(
                    other is not error and other["loc"][: len(error["loc"])] == error["loc"]
                    for other in errors
                )
            )
        ]
        return None, [f"{name}: {_key(error['loc'], data)}: {_reason(error)}" for error in errors]
    problems = semantic_problems(questionnaire, name)
    return (None if problems else questionnaire), problems


def semantic_problems(questionnaire: Questionnaire, name: str) -> list[str]:
    """Problems that the field types cannot catch: ids, pitfalls and coverage."""
    problems: list[str] = []
    known = load_taxonomy().ids
    counts = Counter(q.id for q in questionnaire.questions)
    for question_id, count in counts.items():
        if count > 1:
            problems.append(
                f"{name}: question id '{question_id}' is used {count} times; ids must be unique"
            )
    for index, section in enumerate(questionnaire.sections):
        for position, question in enumerate(section.questions):
            if question.pitfall not in known:
                problems.append(
                    f"{name}: sections[{index}].questions[{position}].pitfall "
                    f"(question {question.id}): unknown pitfall '{question.pitfall}'; "
                    f"use one of {', '.join(known)}"
                )
    section_numbers = Counter(s.number for s in questionnaire.sections)
    problems.extend(
        f"{name}: section number '{number}' is used {count} times; numbers must be unique"
        for number, count in section_numbers.items()
        if count > 1
    )
    for pitfall_id in questionnaire.pitfall_ids:
        asked = len(questionnaire.questions_for(pitfall_id))
        if pitfall_id in known and asked < MIN_QUESTIONS_PER_PITFALL:
            problems.append(
                f"{name}: pitfall '{pitfall_id}' has {asked} question{'s' if asked != 1 else ''}; "
                f"ask at least {MIN_QUESTIONS_PER_PITFALL} so one answer cannot decide its score"
            )
    return problems


def _key(loc: tuple[int | str, ...], data: Any) -> str:
    """Render a pydantic error location as a TOML-ish key, naming the question id if known."""
    parts: list[str] = []
    node = data
    question_id: str | None = None
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]" if parts else f"[{item}]"
        else:
            parts.append(str(item))
        node = _step(node, item)
        if isinstance(node, dict) and isinstance(node.get("id"), str) and "rubric" in node:
            question_id = node["id"]
    key = ".".join(parts) or "(top level)"
    return f"{key} (question {question_id})" if question_id else key


def _step(node: Any, item: int | str) -> Any:
    if isinstance(node, dict):
        return node.get(item)
    if isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node):
        return node[item]
    return None


def _reason(error: Any) -> str:
    kind = error["type"]
    loc = error["loc"]
    if kind == "missing":
        if loc and loc[-1] in RUBRIC_KEYS:
            return (
                f"missing rubric anchor for answer {loc[-1]}; every question needs anchors "
                "for all five answers 1 to 5"
            )
        return "missing; add this key"
    if kind == "extra_forbidden":
        return "unknown key; remove it or check its spelling"
    if loc and loc[-1] == "weight":
        return f"bad weight {error.get('input')!r}; use a whole number 1, 2 or 3"
    return str(error["msg"])
