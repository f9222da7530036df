"""Pure text renderings of questionnaires and assessments (JSON, Markdown, CSV).

The rich terminal tables live in the CLI; everything here returns a string.
"""

from __future__ import annotations

import re
from typing import Any

from boaudit.document import JsonObject
from boaudit.fileio import csv_text, dumps_json
from boaudit.questionnaire.models import RUBRIC_KEYS, Questionnaire
from boaudit.questionnaire.scoring import (
    Assessment,
    InterviewMeta,
    PitfallResult,
    confidence_rule,
    round_score,
)
from boaudit.taxonomy import load_taxonomy


def questionnaire_dict(questionnaire: Questionnaire) -> JsonObject:
    """The JSON shape of ``boaudit questionnaires show --format json``."""
    taxonomy = load_taxonomy()
    return {
        "id": questionnaire.id,
        "title": questionnaire.title,
        "source": questionnaire.source,
        "description": questionnaire.description,
        "pitfalls": [
            {
                "id": pitfall_id,
                "title": taxonomy.get(pitfall_id).title,
                "questions": [
                    {
                        "id": q.id,
                        "section": questionnaire.section_of(q.id).number,
                        "text": q.text,
                        "guidance": q.guidance,
                        "weight": q.weight,
                        "rubric": q.rubric.as_dict(),
                        **(
                            {"verify": [check.model_dump() for check in q.verify]}
                            if q.verify
                            else {}
                        ),
                    }
                    for q in questionnaire.questions_for(pitfall_id)
                ],
            }
            for pitfall_id in questionnaire.pitfall_ids
        ],
    }


def questionnaire_summary(questionnaire: Questionnaire) -> JsonObject:
    """One line of ``boaudit questionnaires list``."""
    return {
        "id": questionnaire.id,
        "title": questionnaire.title,
        "source": questionnaire.source,
        "pitfalls": len(questionnaire.pitfall_ids),
        "questions": len(questionnaire.questions),
    }


_MD_SPECIAL = re.compile(r"([\\|\[\]<>`*_~])")


def md_escape(text: str) -> str:
    """Escape text for a Markdown line or table cell: no table breaks, no inline HTML, no
    links or images (``[text](url)``, ``![x](url)``), no code spans, emphasis or strikethrough
    (`` ` * _ ~``) made from answers or exports."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")


def questionnaire_markdown(questionnaire: Questionnaire) -> str:
    """The questionnaire as an interview guide in Markdown."""
    taxonomy = load_taxonomy()
    lines = [f"# {md_escape(questionnaire.title)}", ""]
    lines.append(
        f"Questionnaire `{questionnaire.id}`, built from {md_escape(questionnaire.source)}."
    )
    if questionnaire.description:
        lines += ["", md_escape(questionnaire.description)]
    lines += [
        "",
        "Answer each question from 1 (the mistake is fully present) to 5 (best practice), or n/a.",
    ]
    for section in questionnaire.sections:
        pitfalls = dict.fromkeys(q.pitfall for q in section.questions)
        names = ", ".join(f"{taxonomy.get(p).title} (`{p}`)" for p in pitfalls)
        lines += ["", f"## {section.number}. {md_escape(section.title)}", "", f"Pitfall: {names}"]
        if section.summary:
            lines += ["", md_escape(section.summary)]
        for q in section.questions:
            rubric = q.rubric.as_dict()
            lines += [
                "",
                f"### `{q.id}` (weight {q.weight})",
                "",
                md_escape(q.text),
                "",
                f"*Guidance:* {md_escape(q.guidance)}",
                "",
                *(f"- **{key}**: {md_escape(rubric[key])}" for key in RUBRIC_KEYS),
            ]
    return "\n".join(lines) + "\n"


def _fmt(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def assessment_json(assessment: Assessment) -> str:
    """``boaudit assess --format json``."""
    return dumps_json(assessment.to_dict())


def assessment_markdown(assessment: Assessment) -> str:
    """``boaudit assess --format markdown``: a summary, the pitfall table and the problems."""
    alpha = assessment.agreement_alpha
    who = assessment.respondents
    agreement = "n/a" if alpha is None else f"{alpha:.3f} ({assessment.agreement})"
    lines = [
        f"# Assessment: {md_escape(assessment.questionnaire_title)}",
        "",
        f"- Questionnaire: `{assessment.questionnaire_id}`",
        f"- Respondents: {md_escape(', '.join(_who(assessment, r) for r in who))}",
        f"- Overall score: **{_fmt(round_score(assessment.score))}** "
        f"({assessment.band or 'not assessed'})",
        f"- Coverage: {assessment.answered} of {assessment.asked} questions answered "
        f"({_pct(assessment.coverage)})",
        f"- Agreement (Krippendorff's alpha, ordinal): {agreement}",
        f"- Answers weighted by how respondents know them, {confidence_rule()}",
        "",
    ]
    several = len(assessment.parts) > 1
    if several:
        lines[-1:-1] = [
            "- Questionnaires merged on the taxonomy: "
            + ", ".join(f"`{pid}` ({md_escape(title)})" for pid, title in assessment.parts)
        ]
        lines += [
            "| Pitfall | Score | Band | Coverage | Disagreement "
            "| Questionnaires (answered/asked, score) |",
            "|---|---:|---|---:|---:|---|",
        ]
    else:
        lines += [
            "| Pitfall | Score | Band | Coverage | Disagreement |",
            "|---|---:|---|---:|---:|",
        ]
    lines.extend(
        f"| {md_escape(pitfall.title)} (`{pitfall.id}`) | {_fmt(round_score(pitfall.score))} | "
        f"{pitfall.band or 'not assessed'} | {pitfall.answered}/{pitfall.asked} | "
        f"{_pct(pitfall.disagreement_share)} |" + (f" {fed_by(pitfall)} |" if several else "")
        for pitfall in assessment.pitfalls
    )
    if assessment.sections:
        lines += ["", "## Scores by section", ""]
        lines += section_table(assessment)
    lines += ["", "## Respondents", "", *respondent_table(assessment)]
    if assessment.by_role:
        lines += ["", "## Scores by role", "", *role_table(assessment)]
    if assessment.problems:
        lines += ["", "## Problems", ""]
        lines += [f"- `{p.code}`: {md_escape(p.message)}" for p in assessment.problems]
    return "\n".join(lines) + "\n"


def role_scores(assessment: Assessment) -> tuple[list[str], list[tuple[str, str, list[str]]]]:
    """The roles (``--by-role``), and per pitfall its id, title and each role's printed
    score; nothing without roles."""
    if not assessment.by_role:
        return [], []
    roles = list(assessment.by_role)
    rows = [
        (
            pitfall.id,
            pitfall.title,
            [_fmt(round_score(assessment.by_role[r].pitfall(pitfall.id).score)) for r in roles],
        )
        for pitfall in assessment.pitfalls
    ]
    return roles, rows


def role_table(assessment: Assessment) -> list[str]:
    """The Markdown table of each pitfall's score by role."""
    roles, rows = role_scores(assessment)
    lines = [
        "| Pitfall | " + " | ".join(md_escape(r) for r in roles) + " |",
        "|---|" + "---:|" * len(roles),
    ]
    lines += [f"| `{pid}` | " + " | ".join(scores) + " |" for pid, _, scores in rows]
    return lines


def respondent_table(assessment: Assessment) -> list[str]:
    """Who was interviewed, when, by whom and for how long, and how they know their answers."""
    counts = assessment.confidence_counts()
    lines = [
        f"Answers are weighted by how the respondent knows them ({confidence_rule()}).",
        "",
        "| Respondent | Role | Date | Interviewer | Minutes | Seen evidence | Told | Guess "
        "| Not given |",
        "|---|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for who in assessment.respondents:
        meta = assessment.interviews.get(who, InterviewMeta())
        minutes = "-" if meta.duration_minutes is None else f"{meta.duration_minutes:.0f}"
        mix = counts[who]
        lines.append(
            f"| {md_escape(who)} | {md_escape(assessment.roles.get(who, '-'))} | "
            f"{', '.join(meta.dates) or '-'} | {md_escape(', '.join(meta.interviewers)) or '-'} | "
            f"{minutes} | {mix['seen']} | {mix['told']} | {mix['guess']} | {mix['not given']} |"
        )
    return lines


def section_table(assessment: Assessment) -> list[str]:
    """The Markdown table of section scores (a questionnaire column when several merged)."""
    several = len(assessment.parts) > 1
    lines = [
        ("| Questionnaire " if several else "")
        + "| Section | Score | Band | Coverage | Pitfalls |",
        ("|---" if several else "") + "|---|---:|---|---:|---|",
    ]
    lines.extend(
        (f"| `{s.questionnaire}` " if several else "")
        + f"| {md_escape(s.number)}. {md_escape(s.title)} | {_fmt(round_score(s.score))} | "
        f"{s.band or 'not assessed'} | {s.answered}/{s.asked} | "
        + ", ".join(f"`{p}`" for p in s.pitfalls)
        + " |"
        for s in assessment.sections
    )
    return lines


def fed_by(pitfall: PitfallResult) -> str:
    """``a 3/3 (score 50.0), b 0/4`` for a Markdown cell: each questionnaire asking about it."""
    return ", ".join(
        f"`{s.questionnaire}` {s.answered}/{s.asked}"
        + ("" if s.score is None else f" ({_fmt(round_score(s.score))})")
        for s in pitfall.sources
    )


def _who(assessment: Assessment, respondent: str) -> str:
    role = assessment.roles.get(respondent)
    return f"{respondent} ({role})" if role else respondent


ASSESSMENT_CSV_HEADER = [
    "scope",
    "id",
    "pitfall",
    "score",
    "band",
    "coverage",
    "answered",
    "asked",
    "disagreement",
    "agreement_alpha",
]


def assessment_csv(assessment: Assessment) -> str:
    """``boaudit assess --format csv``: one tidy row for overall, each pitfall and question."""
    rows: list[list[Any]] = [
        [
            "overall",
            assessment.questionnaire_id,
            "",
            round_score(assessment.score),
            assessment.band,
            round(assessment.coverage, 3),
            assessment.answered,
            assessment.asked,
            None,
            None if assessment.agreement_alpha is None else round(assessment.agreement_alpha, 3),
        ]
    ]
    for pitfall in assessment.pitfalls:
        rows.append(
            [
                "pitfall",
                pitfall.id,
                pitfall.id,
                round_score(pitfall.score),
                pitfall.band,
                round(pitfall.coverage, 3),
                pitfall.answered,
                pitfall.asked,
                (
                    None
                    if pitfall.disagreement_share is None
                    else round(pitfall.disagreement_share, 3)
                ),
                None,
            ]
        )
        rows.extend(
            [
                "question",
                q.id,
                pitfall.id,
                round_score(q.score),
                None,
                None,
                len(q.given),
                len(q.answers),
                q.disagreement,
                None,
            ]
            for q in pitfall.questions
        )
    rows.extend(
        [
            "section",
            f"{section.questionnaire}/{section.number}",
            ";".join(section.pitfalls),
            round_score(section.score),
            section.band,
            round(section.answered / section.asked, 3),
            section.answered,
            section.asked,
            None,
            None,
        ]
        for section in assessment.sections
    )
    if len(assessment.parts) > 1:
        rows.extend(
            [
                "source",
                source.questionnaire,
                pitfall.id,
                round_score(source.score),
                None,
                round(source.answered / source.asked, 3) if source.asked else 0.0,
                source.answered,
                source.asked,
                None,
                None,
            ]
            for pitfall in assessment.pitfalls
            for source in pitfall.sources
        )
    for role, sub in (assessment.by_role or {}).items():
        rows.extend(
            [
                "role",
                role,
                pitfall.id,
                round_score(pitfall.score),
                pitfall.band,
                round(pitfall.coverage, 3),
                pitfall.answered,
                pitfall.asked,
                None,
                None,
            ]
            for pitfall in sub.pitfalls
        )
    return csv_text(ASSESSMENT_CSV_HEADER, rows)
