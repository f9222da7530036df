"""Generate the sample organisation's files, deterministically (seeded).

The organisation is fictional: a mid-sized distributor whose back office pays supplier invoices
and works a task queue, partly in-house and partly through an outsourcing partner. Three people
in different roles were interviewed with the ``full`` questionnaire; they sometimes disagree.

    python sample_data/generate.py            # rewrite the files in sample_data/
    python sample_data/generate.py --out DIR  # write them somewhere else

Answers are drawn from a per-pitfall "true" level plus each role's bias and a little noise, so
the sample shows both agreement and the disagreements a real audit meets.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from pathlib import Path

from openpyxl import load_workbook

from boaudit.questionnaire import load_bundled
from boaudit.questionnaire.template import xlsx_template

HERE = Path(__file__).resolve().parent
SEED = 20261123

# The organisation as it really is, per pitfall, on the 1 (mistake present) to 5 scale.
TRUTH = {
    "processes": 2.0,
    "complexity": 3.0,
    "technology": 2.0,
    "communication": 3.0,
    "data": 2.0,
    "metrics": 2.5,
    "feedback": 3.0,
    "training": 2.5,
    "wellbeing": 3.5,
    "resources": 2.0,
    "change": 3.0,
    "security": 4.0,
    "partner-selection": 3.0,
    "outsourcing-strategy": 2.0,
    "outsourcing-scope": 3.0,
    "over-dependence": 3.5,
    "contracts": 2.5,
    "partner-governance": 2.0,
}

# Respondent (named by role), file, biases by pitfall, pitfalls they answer n/a on.
RESPONDENTS = [
    (
        "Finance manager",
        "finance-manager.csv",
        # Management sees the processes and the reporting as better than they are.
        {"processes": 1.5, "metrics": 1.5, "technology": 0.5, "resources": 1.0},
        set(),
    ),
    (
        "AP team lead",
        "ap-team-lead.csv",
        # The front line feels the manual work and the staffing gaps.
        {"technology": -0.5, "resources": -0.5, "training": -0.5, "communication": -0.5},
        {"contracts"},
    ),
    (
        "Outsourcing manager",
        "outsourcing-manager.xlsx",
        {"partner-selection": 0.5, "partner-governance": 0.5, "wellbeing": 0.0},
        {"wellbeing"},
    ),
]

COMMENTS = {
    "processes": "Each clerk has their own way of coding invoices.",
    "technology": "Invoices are keyed in by hand from PDF attachments.",
    "data": "The vendor master has duplicates; nobody owns it.",
    "resources": "Month-end backlog every month; overtime is normal.",
    "partner-governance": "We meet the partner only when something goes wrong.",
    "metrics": "We track volumes, not cycle time or error rates.",
    "outsourcing-strategy": "We outsourced AP in a hurry during a hiring freeze.",
}


def answers_for(
    role: str, biases: dict[str, float], skip: set[str], rng: random.Random
) -> list[tuple[str, str, str]]:
    """(question_id, answer, comment) rows for one respondent."""
    questionnaire = load_bundled("full")
    rows: list[tuple[str, str, str]] = []
    commented: set[str] = set()
    for question in questionnaire.questions:
        if question.pitfall in skip:
            rows.append((question.id, "n/a", ""))
            continue
        level = TRUTH[question.pitfall] + biases.get(question.pitfall, 0.0)
        noise = rng.choice([-1, *([0] * 10), 1])
        answer = max(1, min(5, round(level + noise)))
        comment = ""
        if (
            question.pitfall in COMMENTS
            and question.pitfall not in commented
            and rng.random() < 0.5
        ):
            comment = COMMENTS[question.pitfall]
            commented.add(question.pitfall)
        rows.append((question.id, str(answer), comment))
    return rows


def write_csv(path: Path, respondent: str, rows: list[tuple[str, str, str]]) -> None:
    """A long-format answer file with a role column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["respondent", "role", "question_id", "answer", "comment"])
    for question_id, answer, comment in rows:
        writer.writerow([respondent, respondent, question_id, answer, comment])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_xlsx(path: Path, respondent: str, rows: list[tuple[str, str, str]]) -> None:
    """The XLSX template for one respondent, filled in as an interviewer would."""
    workbook = load_workbook(io.BytesIO(xlsx_template(load_bundled("full"), [respondent])))
    sheet = workbook[respondent]
    header = [cell.value for cell in sheet[1]]
    answer_col, comment_col = header.index("answer") + 1, header.index("comment") + 1
    for row, (_question_id, answer, comment) in enumerate(rows, start=2):
        sheet.cell(row=row, column=answer_col).value = int(answer) if answer.isdigit() else answer
        if comment:
            sheet.cell(row=row, column=comment_col).value = comment
    roster = workbook["Roster"]
    roster["B2"] = respondent
    roster["C2"] = "2026-11-02"
    workbook.save(path)


def generate_answers(out: Path) -> list[Path]:
    """Write the three respondents' answer files into ``out/answers``."""
    folder = out / "answers"
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    written = []
    for respondent, name, biases, skip in RESPONDENTS:
        rows = answers_for(respondent, biases, skip, rng)
        path = folder / name
        if path.suffix == ".xlsx":
            write_xlsx(path, respondent, rows)
        else:
            write_csv(path, respondent, rows)
        written.append(path)
    return written


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into")
    args = parser.parse_args()
    for path in generate_answers(args.out):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
