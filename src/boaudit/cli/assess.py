"""``boaudit template`` and ``boaudit assess``: answer sheets out, scores back in."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from boaudit.cli.common import (
    display,
    handles_errors,
    note,
    reject_flag_values,
    rendered_xlsx,
    write_output,
)
from boaudit.cli.ingest_options import INGEST_OPTIONS, write_quarantine
from boaudit.cli.metrics_options import METRICS_OPTIONS
from boaudit.errors import UsageError

if TYPE_CHECKING:
    from rich.table import Table

    from boaudit.findings.claims import ClaimChecks
    from boaudit.ingest.options import IngestOptions
    from boaudit.metrics import MetricsOptions
    from boaudit.questionnaire.scoring import Assessment

_DATA = "Checking the answers against exports"

# The questionnaire package (pydantic models, krippendorff) and openpyxl are imported inside
# the commands: importing this module must stay cheap, every command's start-up pays for it.

BAND_STYLES = {"critical": "bold red", "needs work": "yellow", "healthy": "green"}


class AssessFormat(StrEnum):
    """Formats of ``boaudit assess``."""

    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


QuestionnaireOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--questionnaire",
        "-q",
        help="A bundled id or a .toml path; repeat to merge several on the taxonomy; "
        "inferred from the question ids when omitted.",
    ),
]


@handles_errors
def template(
    questionnaire: Annotated[str, typer.Argument(help="A bundled id or a path to a .toml file.")],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="The sheet to write: .csv (long format) or .xlsx."),
    ],
    respondent: Annotated[
        list[str] | None,
        typer.Option(
            "--respondent", "-r", help="A respondent's name; repeat for several respondents."
        ),
    ] = None,
) -> None:
    """Write a blank answer sheet for a questionnaire.

    .csv: long format respondent,question_id,answer,comment with one row per respondent and
    question. .xlsx: an Instructions sheet, a Roster sheet and one answer sheet per respondent,
    with the question text and rubric visible and answers restricted to 1-5 and n/a.
    """
    # Imported here: openpyxl is only needed for templates, not at every command's start-up.
    from boaudit.questionnaire import load_questionnaire
    from boaudit.questionnaire.template import csv_template, xlsx_template

    loaded = load_questionnaire(questionnaire)
    names = [name.strip() for name in respondent or [] if name.strip()]
    suffix = output.suffix.lower()
    if suffix == ".csv":
        write_output(csv_template(loaded, names), output)
    elif suffix == ".xlsx":
        write_output(rendered_xlsx(lambda: xlsx_template(loaded, names), output), output)
    else:
        raise UsageError(f"{output}: unknown sheet type '{suffix or '(none)'}'; use .csv or .xlsx")
    typer.echo(
        f"wrote {output}: {len(loaded.questions)} questions x {max(len(names), 1)} respondent(s)",
        err=True,
    )


GuideOpt = Annotated[
    Path | None,
    typer.Option(
        "--guide",
        help="Write the interview guide here (Markdown): each respondent's follow-up "
        "questions, with the numbers in them, for the next round of interviews.",
        rich_help_panel=_DATA,
    ),
]


@handles_errors
@INGEST_OPTIONS
@METRICS_OPTIONS
def assess(
    answers: Annotated[
        list[Path],
        typer.Argument(help="Answer files: long-format CSV or the XLSX template, mixed."),
    ],
    questionnaire: QuestionnaireOpt = None,
    format: Annotated[AssessFormat, typer.Option("--format", "-f", help="Output format.")] = (
        AssessFormat.table
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
    ] = None,
    by_role: Annotated[
        bool,
        typer.Option(
            "--by-role", help="Also score each role separately (a gap between roles is a finding)."
        ),
    ] = False,
    anonymise: Annotated[
        bool,
        typer.Option(
            "--anonymise",
            help="Replace each respondent by their role (numbered when shared) in every output, "
            "their names in comments too.",
        ),
    ] = False,
    tasks: Annotated[
        list[str] | None,
        typer.Option(
            "--tasks",
            help="Task or ticket export to check the answers against; repeat.",
            rich_help_panel=_DATA,
        ),
    ] = None,
    invoices: Annotated[
        list[str] | None,
        typer.Option(
            "--invoices",
            help="Invoice export to check the answers against; repeat.",
            rich_help_panel=_DATA,
        ),
    ] = None,
    events: Annotated[
        list[str] | None,
        typer.Option(
            "--events",
            help="Event log to check the answers against; repeat.",
            rich_help_panel=_DATA,
        ),
    ] = None,
    guide: GuideOpt = None,
    *,
    metrics_options: MetricsOptions,
    ingest_options: IngestOptions,
    quarantine: Path | None,
) -> None:
    """Score interview answers per pitfall and overall, across respondents; with exports
    (--invoices, --tasks, --events), check each answer against the data.

    \b
    Scoring (redo it by hand):
    - question score = (answer - 1) / 4 x 100; n/a and blank are unanswered, never zero
    - several respondents: a question's answer is the mean of the answers given
    - pitfall score = weighted mean of its answered questions' scores (weights 1-3)
    - overall score = mean of the assessed pitfall scores
    - answers from several questionnaires are merged on the taxonomy: a pitfall is
      scored from every questionnaire that asks about it, and its coverage names them
    - section score = weighted mean of one questionnaire section's answered questions
      (the source article's item), shown beside the pitfall scores
    - bands (on the score rounded to one decimal): below 40 critical, 40 to below 70
      needs work, 70 and above healthy
    - coverage = answered questions / questions asked; a pitfall with no answer is
      not assessed (null), never 0
    - a question whose answers differ by 2 points or more is flagged as disagreement
    - confidence per answer (CSV/XLSX column 'confidence'): seen evidence 1.0, told
      0.7, guess 0.4, not given 1.0; it weighs the answer among respondents and the
      question within its pitfall (weight x mean confidence weight)
    - agreement: Krippendorff's alpha (ordinal) with 2+ respondents; 0.8 and above
      reliable, below 0.667 needs follow-up interviews
    With exports, each question the questionnaire links to a metric is checked:
    - data score = 100 at the check's healthy value, 0 at its unhealthy one, linear
      between; the mean over the question's checks the exports measure
    - perception gap = the answer's score minus the data score (positive: rosier
      than the data); respondents ranked by the mean size of their gaps
    - a gap of 25 points or more either way gives a follow-up question with the
      numbers in it (--guide writes them per respondent)
    The CSV format holds the pitfall scores only; the checks are in the other formats.
    """
    from boaudit.questionnaire.render import assessment_csv

    reject_flag_values(answers, "--by-role")
    files = {"tasks": tasks or [], "invoices": invoices or [], "events": events or []}
    if not any(files.values()):
        for given, flag in ((quarantine, "--quarantine"), (guide, "--guide")):
            if given is not None:
                raise UsageError(f"{flag} needs exports (--tasks, --invoices or --events)")
    assessment = run_assessment(answers, questionnaire, by_role=by_role, anonymise=anonymise)
    claims = None
    if any(files.values()):
        claims = check_answers(assessment, files, metrics_options, ingest_options, quarantine)
    if format is AssessFormat.json:
        write_output(_json(assessment, claims, any(files.values())), output)
    elif format is AssessFormat.markdown:
        write_output(_markdown(assessment, claims), output)
    elif format is AssessFormat.csv:
        write_output(assessment_csv(assessment), output)
    else:
        display(lambda console: _print(assessment, claims, console), output)
    if guide is not None:
        from boaudit.report.markdown import interview_guide

        if claims is None:
            raise UsageError(
                f"--guide {guide}: no question of the questionnaire could be checked against "
                "these exports, so there is no follow-up question to write"
            )
        write_output(interview_guide(claims, assessment.questionnaire_title), guide)
        note(f"wrote {guide}: {len(claims.follow_ups)} follow-up question(s)")


def check_answers(
    assessment: Assessment,
    files: dict[str, list[str]],
    metrics_options: MetricsOptions,
    ingest_options: IngestOptions,
    quarantine: Path | None,
) -> ClaimChecks | None:
    """Load and measure the exports, and check the answers against them (None: no question
    could be checked)."""
    from boaudit.audit.pipeline import measure_sources, sources_from_files
    from boaudit.findings.claims import claim_checks

    sources = sources_from_files(files, ingest_options)  # type: ignore[arg-type]
    loads, results = measure_sources(sources, metrics_options)
    if quarantine is not None:
        write_quarantine(
            quarantine, [r for load in loads.values() for r in load.account.quarantined]
        )
    claims = claim_checks(assessment, results)
    if claims is None:
        note(
            "no question of the questionnaire could be checked against these exports "
            "(no verify link, or no metric it links to is measured)"
        )
    return claims


def _json(assessment: Assessment, claims: ClaimChecks | None, with_data: bool) -> str:
    from boaudit.fileio import dumps_json

    document = assessment.to_dict()
    if with_data:
        document["claims"] = None if claims is None else claims.to_dict()
    return dumps_json(document)


def _markdown(assessment: Assessment, claims: ClaimChecks | None) -> str:
    from boaudit.questionnaire.render import assessment_markdown
    from boaudit.report.markdown import claims_markdown

    text = assessment_markdown(assessment)
    lines = claims_markdown(claims)
    return text if not lines else text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"


def _print(assessment: Assessment, claims: ClaimChecks | None, console: object) -> None:
    print_assessment(assessment, console)
    if claims is not None:
        print_claims(claims, console)


def print_claims(claims: ClaimChecks, console: object) -> None:
    """The answers checked against the data, as rich tables on ``console``."""
    from rich.console import Console
    from rich.table import Table

    from boaudit.report.text import claim_tables

    assert isinstance(console, Console)
    tables = claim_tables(claims)
    assert tables is not None
    questions = Table(title="Interviews against the data", caption=tables.rule)
    for i, header in enumerate(tables.questions_header):
        questions.add_column(header, justify="right" if i == 3 else "left")
    for row in tables.questions:
        questions.add_row(*row)
    console.print(questions)
    ranked = Table(title="Respondents from the closest to the data to the furthest")
    for i, header in enumerate(tables.respondents_header):
        ranked.add_column(header, justify="right" if i in {0, 3, 4, 5} else "left")
    for row in tables.respondents:
        ranked.add_row(*row)
    console.print(ranked)
    for who, asked in tables.follow_ups:
        console.print(Text(f"Follow-up questions for {who}", style="bold"))
        for number, question in enumerate(asked, start=1):
            console.print(f"{number}. {question}", markup=False)


def run_assessment(
    answers: list[Path],
    questionnaire: list[str] | None,
    *,
    by_role: bool = False,
    anonymise: bool = False,
) -> Assessment:
    """Read, check and score answer files: the whole of ``boaudit assess`` but the output."""
    from boaudit.questionnaire.assess import assess_files

    return assess_files(answers, questionnaire, by_role=by_role, anonymise=anonymise)


def _score_text(value: float | None, band: str | None) -> Text:
    if value is None:
        return Text("n/a", style="dim")
    return Text(f"{value:.1f}", style=BAND_STYLES.get(band or "", ""))


def print_assessment(assessment: Assessment, console: object) -> None:
    """Print the assessment as rich tables on ``console``."""
    from rich.console import Console
    from rich.table import Table

    from boaudit.questionnaire.scoring import confidence_rule, round_score

    assert isinstance(console, Console)
    table = Table(
        title=f"{assessment.questionnaire_title} ({assessment.questionnaire_id})",
        caption=(
            f"{len(assessment.respondents)} respondent(s); scores 0-100, "
            f"below 40 critical, 70+ healthy; {confidence_rule()}"
        ),
    )
    table.add_column("pitfall")
    table.add_column("score", justify="right")
    table.add_column("band")
    table.add_column("coverage", justify="right")
    table.add_column("disagree", justify="right")
    several = len(assessment.parts) > 1
    if several:
        table.add_column("questionnaires (answered/asked)")
    for pitfall in assessment.pitfalls:
        share = pitfall.disagreement_share
        fed = [
            Text(", ".join(f"{s.questionnaire} {s.answered}/{s.asked}" for s in pitfall.sources))
        ]
        table.add_row(
            f"{pitfall.title} ({pitfall.id})",
            _score_text(round_score(pitfall.score), pitfall.band),
            Text(pitfall.band or "not assessed", style=BAND_STYLES.get(pitfall.band or "", "dim")),
            f"{pitfall.answered}/{pitfall.asked}",
            "-" if share is None else f"{share * 100:.0f}%",
            *(fed if several else []),
        )
    overall = round_score(assessment.score)
    table.add_section()
    table.add_row(
        Text("Overall", style="bold"),
        _score_text(overall, assessment.band),
        Text(assessment.band or "not assessed", style=BAND_STYLES.get(assessment.band or "", "")),
        f"{assessment.answered}/{assessment.asked}",
        "",
        *([""] if several else []),
    )
    console.print(table)
    if assessment.sections:
        console.print(_section_table(assessment))
    if assessment.by_role:
        console.print(_role_table(assessment))
    alpha = assessment.agreement_alpha
    console.print(
        "Agreement (Krippendorff's alpha, ordinal): "
        + ("n/a" if alpha is None else f"{alpha:.3f} ({assessment.agreement})")
    )
    for problem in assessment.problems:
        if problem.code in {"disagreement", "unanswered-question"}:
            continue
        console.print(f"- {problem.message}", markup=False)
    flagged = sum(1 for p in assessment.problems if p.code == "disagreement")
    if flagged:
        console.print(
            f"- {flagged} question(s) with answers 2+ points apart; see --format json or markdown"
        )


def _section_table(assessment: Assessment) -> Table:
    """A score per section of each questionnaire (the article's items), beside the pitfalls."""
    from rich.table import Table

    from boaudit.questionnaire.scoring import round_score

    several = len(assessment.parts) > 1
    table = Table(title="Scores by section")
    if several:
        table.add_column("questionnaire")
    table.add_column("section")
    table.add_column("score", justify="right")
    table.add_column("coverage", justify="right")
    table.add_column("pitfalls")
    for section in assessment.sections:
        table.add_row(
            *([section.questionnaire] if several else []),
            f"{section.number}. {section.title}",
            _score_text(round_score(section.score), section.band),
            f"{section.answered}/{section.asked}",
            ", ".join(section.pitfalls),
        )
    return table


def _role_table(assessment: Assessment) -> Table:
    """Pitfall scores per role, side by side."""
    from rich.table import Table

    from boaudit.questionnaire.scoring import round_score

    assert assessment.by_role is not None
    table = Table(title="Scores by role")
    table.add_column("pitfall")
    for role in assessment.by_role:
        table.add_column(role, justify="right")
    for pitfall in assessment.pitfalls:
        cells = [
            _score_text(round_score(sub.pitfall(pitfall.id).score), sub.pitfall(pitfall.id).band)
            for sub in assessment.by_role.values()
        ]
        table.add_row(pitfall.id, *cells)
    return table
