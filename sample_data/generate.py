"""Generate the sample organisation's files, deterministically (seeded).

The organisation is fictional: a mid-sized distributor whose back office pays supplier invoices
and works a task queue, partly in-house and partly through an outsourcing partner. Three people
in different roles were interviewed with the ``full`` questionnaire; they sometimes disagree.

    python sample_data/generate.py            # rewrite the files in sample_data/
    python sample_data/generate.py --out DIR  # write them somewhere else
    python sample_data/generate.py --invoices 1000000 --tasks 0 --csv-only --out DIR

Answers are drawn from a per-pitfall "true" level plus each role's bias and a little noise, so
the sample shows both agreement and the disagreements a real audit meets.

The exports (``exports/invoices.csv|xlsx`` and ``exports/tasks.csv|xlsx``) are drawn with NumPy
from a seeded generator, so any size is quick and the same seed gives the same files. They carry
what the interviews hint at: an in-house AP team and an outsourcing partner with
more exceptions, late payments and SLA breaches; one in-house clerk far slower than the others;
a few exact and near duplicate invoices; reopened tickets.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from pathlib import Path

import numpy as np
import pandas as pd
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

# When, by whom and for how long each respondent was interviewed (people named by role).
INTERVIEWS = {
    "Finance manager": ("2026-10-28", "Lead auditor", "55"),
    "AP team lead": ("2026-10-29", "Lead auditor", "40"),
    "Outsourcing manager": ("2026-11-02", "Second auditor", "65"),
}

COMMENTS = {
    "processes": "Each clerk has their own way of coding invoices.",
    "technology": "Invoices are keyed in by hand from PDF attachments.",
    "data": "The vendor master has duplicates; nobody owns it.",
    "resources": "Month-end backlog every month; overtime is normal.",
    "partner-governance": "We meet the partner only when something goes wrong.",
    "metrics": "We track volumes, not cycle time or error rates.",
    "outsourcing-strategy": "We outsourced AP in a hurry during a hiring freeze.",
}


# Questions split off a double-barrelled question: each respondent answers them as they
# answered the question they came from, drawing nothing from the seeded generator, so every
# other answer stays what it was before the split.
SPLIT_FROM = {
    "full.metrics.5": "full.metrics.2",
    "full.partner-selection.5": "full.partner-selection.4",
    "full.outsourcing-strategy.5": "full.outsourcing-strategy.4",
}


def answers_for(
    role: str, biases: dict[str, float], skip: set[str], rng: random.Random
) -> list[tuple[str, str, str]]:
    """(question_id, answer, comment) rows for one respondent."""
    questionnaire = load_bundled("full")
    rows: list[tuple[str, str, str]] = []
    given: dict[str, str] = {}
    commented: set[str] = set()
    for question in questionnaire.questions:
        if question.id in SPLIT_FROM:
            rows.append((question.id, given[SPLIT_FROM[question.id]], ""))
            continue
        if question.pitfall in skip:
            given[question.id] = "n/a"
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
        given[question.id] = str(answer)
        rows.append((question.id, str(answer), comment))
    return rows


def write_csv(path: Path, respondent: str, rows: list[tuple[str, str, str]]) -> None:
    """A long-format answer file with a role column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            *("respondent", "role", "question_id", "answer", "comment"),
            *("date", "interviewer", "duration_minutes"),
        ]
    )
    day, interviewer, minutes = INTERVIEWS[respondent]
    for question_id, answer, comment in rows:
        writer.writerow(
            [respondent, respondent, question_id, answer, comment, day, interviewer, minutes]
        )
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
    roster["C2"], roster["D2"], roster["E2"] = INTERVIEWS[respondent]
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


# --- Exports: invoices (an AP system export) and tasks (a ticketing export) -------------------

EXPORT_SEED = 20261124
START = np.datetime64("2026-01-05T00:00")
DAYS = 270  # January to September 2026

# Who processes invoices: (name, team, provider, speed factor, error rate).
CLERKS = [
    ("AP clerk 1", "Accounts Payable", "In-house", 1.0, 0.05),
    ("AP clerk 2", "Accounts Payable", "In-house", 0.9, 0.04),
    ("AP clerk 3", "Accounts Payable", "In-house", 1.1, 0.06),
    # Far slower than everyone else: the interviews' "each clerk has their own way".
    ("AP clerk 4", "Accounts Payable", "In-house", 6.0, 0.09),
    ("Partner AP agent 1", "Partner AP desk", "Outsourcing partner", 1.3, 0.16),
    ("Partner AP agent 2", "Partner AP desk", "Outsourcing partner", 1.4, 0.18),
    ("Partner AP agent 3", "Partner AP desk", "Outsourcing partner", 1.2, 0.15),
    ("Partner AP agent 4", "Partner AP desk", "Outsourcing partner", 1.5, 0.20),
]
# The outsourcing partner takes most of the volume.
CLERK_SHARE = [0.12, 0.12, 0.11, 0.08, 0.15, 0.15, 0.14, 0.13]

VENDORS = [
    "Acme Packaging Ltd",
    "Baltic Freight GmbH",
    "Cedar Office Supply",
    "Delta Pallets Inc",
    "Evergreen Logistics",
    "Fjord Cold Chain AS",
    "Granite Industrial",
    "Harbor Fuel Co",
    "Ironwood Tools",
    "Juniper IT Services",
    "Keystone Labels",
    "Lakeside Cleaning",
    "Maple Forklift Rental",
    "Northstar Telecom",
    "Orion Security",
    "Pioneer Tires",
    "Quarry Stone Works",
    "Riverbend Printing",
    "Summit Insurance Brokers",
    "Tidewater Energy",
    "Union Steel Racking",
    "Vista Staffing",
    "Westfield Utilities",
    "Yardley Catering",
]

AGENTS = [
    ("Vendor support agent 1", "Vendor Support", "In-house", 1.0),
    ("Vendor support agent 2", "Vendor Support", "In-house", 0.9),
    ("Vendor support agent 3", "Vendor Support", "In-house", 1.1),
    ("Partner helpdesk agent 1", "Partner helpdesk", "Outsourcing partner", 1.6),
    ("Partner helpdesk agent 2", "Partner helpdesk", "Outsourcing partner", 1.5),
    ("Partner helpdesk agent 3", "Partner helpdesk", "Outsourcing partner", 1.7),
]
PRIORITIES = ["Urgent", "High", "Medium", "Low"]
SLA_HOURS = [4, 24, 72, 120]
TICKET_TYPES = ["Payment status", "Remittance query", "Vendor master change", "Invoice dispute"]


def _stamp(values: np.ndarray, unit: str) -> np.ndarray:
    """ISO text (``2026-03-04`` or ``2026-03-04 14:22``) with empty cells for NaT."""
    text = np.datetime_as_string(values, unit=unit)
    text = np.char.replace(text, "T", " ")
    return np.where(np.isnat(values), "", text)


def _minutes(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """Durations in days as timedelta64 minutes."""
    return (days * 1440).round().astype("timedelta64[m]")


def invoice_frame(count: int, seed: int = EXPORT_SEED) -> pd.DataFrame:
    """``count`` invoices as an AP system would export them (text cells, like the CSV)."""
    rng = np.random.default_rng(seed)
    base = max(count - count // 100, 1) if count > 1 else count
    clerk = rng.choice(len(CLERKS), size=base, p=CLERK_SHARE)
    speed = np.array([c[3] for c in CLERKS])[clerk]
    error_p = np.array([c[4] for c in CLERKS])[clerk]
    outsourced = np.array([c[2] != "In-house" for c in CLERKS])[clerk]
    vendor = rng.integers(0, len(VENDORS), size=base)
    invoice_date = START + rng.integers(0, DAYS, size=base).astype("timedelta64[D]")
    invoice_date = invoice_date.astype("datetime64[m]")
    received = invoice_date + _minutes(rng, rng.uniform(0.2, 4.0, size=base))
    exception = rng.random(base) < error_p
    approve_days = rng.gamma(2.0, 1.4, size=base) * speed + exception * rng.uniform(2, 8, base)
    approved = received + _minutes(rng, approve_days)
    paid = approved + _minutes(rng, rng.uniform(1.0, 6.0, size=base) + outsourced * 3.0)
    terms = rng.choice([30, 45, 60], size=base, p=[0.6, 0.25, 0.15])
    due = (invoice_date.astype("datetime64[D]") + terms.astype("timedelta64[D]")).astype(
        "datetime64[m]"
    )
    # Payment runs slip: some invoices wait for the next run well past their due date.
    slip = rng.random(base) < np.where(outsourced, 0.22, 0.08)
    paid = np.where(slip, due + _minutes(rng, rng.uniform(1, 25, size=base)), paid)
    paid = np.maximum(paid, approved)
    end = START + np.timedelta64(DAYS, "D")
    status = np.full(base, "Paid", dtype=object)
    not_approved = approved > end
    not_paid = paid > end
    status[not_paid] = "Approved"
    status[not_approved] = "Pending Approval"
    on_hold = exception & not_paid & (rng.random(base) < 0.5)
    status[on_hold] = "On Hold"
    cancelled = rng.random(base) < 0.01
    status[cancelled] = "Cancelled"
    paid = np.where(not_paid | cancelled, np.datetime64("NaT"), paid)
    approved = np.where(not_approved, np.datetime64("NaT"), approved)
    amount = np.round(np.exp(rng.normal(6.6, 1.1, size=base)), 2)
    currency = rng.choice(["USD", "EUR", "CAD"], size=base, p=[0.85, 0.1, 0.05])
    disputed = rng.random(base) < np.where(outsourced, 0.05, 0.025)
    po = np.char.add("PO-", (40000 + rng.integers(0, 60000, size=base)).astype(str))
    po = np.where(rng.random(base) < 0.2, "", po)
    handling = np.round(
        rng.gamma(3.0, 3.5, size=base) * np.where(outsourced, 0.8, 1.0) + exception * 15, 1
    )
    number = np.char.add("INV-", (100000 + np.arange(base)).astype(str))
    frame = pd.DataFrame(
        {
            "Invoice Number": number,
            "Vendor": np.array(VENDORS, dtype=object)[vendor],
            "Invoice Date": _stamp(invoice_date, "D"),
            "Received": _stamp(received, "m"),
            "Approved": _stamp(approved, "m"),
            "Paid": _stamp(paid, "m"),
            "Due Date": _stamp(due, "D"),
            "Amount": np.char.mod("%.2f", amount),
            "Currency": currency,
            "Status": status,
            "Exception": np.where(exception, "Yes", "No"),
            "Disputed": np.where(disputed, "Yes", "No"),
            "PO Number": po,
            "Processed By": np.array([c[0] for c in CLERKS], dtype=object)[clerk],
            "Team": np.array([c[1] for c in CLERKS], dtype=object)[clerk],
            "Provider": np.array([c[2] for c in CLERKS], dtype=object)[clerk],
            "Handling Minutes": np.char.mod("%.1f", handling),
        }
    )
    extra = count - base
    if extra > 0:
        frame = pd.concat([frame, _duplicates(frame, extra, rng)], ignore_index=True)
        frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    return frame


def _duplicates(frame: pd.DataFrame, extra: int, rng: np.random.Generator) -> pd.DataFrame:
    """About 1% more rows: exact re-entries (same or re-typed number) and near ones (another
    number a few days later), the way duplicates slip into AP."""
    copies = frame.iloc[rng.integers(0, len(frame), size=extra)].copy()
    kind = rng.choice(["same", "retyped", "near"], size=extra, p=[0.35, 0.35, 0.30])
    number = copies["Invoice Number"].to_numpy().astype(str)
    retyped = np.char.replace(np.char.lower(number), "inv-", "inv ")
    near_number = np.char.add(np.char.replace(number, "INV-", "INV-9"), "")
    copies["Invoice Number"] = np.where(
        kind == "same", number, np.where(kind == "retyped", retyped, near_number)
    )
    shift = rng.integers(1, 6, size=extra).astype("timedelta64[D]")
    dates = copies["Invoice Date"].to_numpy().astype("datetime64[D]")
    copies["Invoice Date"] = np.where(
        kind == "near", _stamp(dates + shift, "D"), copies["Invoice Date"].to_numpy()
    )
    return copies


def task_frame(count: int, seed: int = EXPORT_SEED + 1) -> pd.DataFrame:
    """``count`` tickets as a help-desk tool would export them (text cells, like the CSV)."""
    rng = np.random.default_rng(seed)
    agent = rng.choice(len(AGENTS), size=count, p=[0.2, 0.2, 0.15, 0.15, 0.15, 0.15])
    speed = np.array([a[3] for a in AGENTS])[agent]
    outsourced = np.array([a[2] != "In-house" for a in AGENTS])[agent]
    priority = rng.choice(4, size=count, p=[0.05, 0.2, 0.5, 0.25])
    created = START + _minutes(rng, rng.uniform(0, DAYS, size=count))
    target_h = np.array(SLA_HOURS)[priority]
    hours = rng.gamma(2.0, target_h / 5.0) * speed
    resolved = created + (hours * 60).round().astype("timedelta64[m]")
    reopens = rng.choice([0, 1, 2], size=count, p=[0.86, 0.11, 0.03])
    reopens = np.where(outsourced & (rng.random(count) < 0.08), reopens + 1, reopens)
    resolved = resolved + _minutes(rng, reopens * rng.uniform(0.5, 3.0, size=count))
    end = START + np.timedelta64(DAYS, "D")
    still_open = resolved > end
    within = (resolved - created) <= (target_h * 60).astype("timedelta64[m]")
    status = np.where(still_open, rng.choice(["Open", "Pending"], size=count), "Closed")
    resolved = np.where(still_open, np.datetime64("NaT"), resolved)
    error = rng.random(count) < np.where(outsourced, 0.09, 0.04)
    handling = np.round(rng.gamma(2.5, 6.0, size=count) * (1 + reopens * 0.6), 1)
    satisfaction = np.clip(np.round(rng.normal(4.1, 0.9, size=count) - outsourced * 0.5), 1, 5)
    return pd.DataFrame(
        {
            "Ticket ID": np.char.add("VS-", (5000 + np.arange(count)).astype(str)),
            "Subject": np.array(TICKET_TYPES, dtype=object)[rng.integers(0, 4, size=count)],
            "Type": np.array(TICKET_TYPES, dtype=object)[rng.integers(0, 4, size=count)],
            "Priority": np.array(PRIORITIES, dtype=object)[priority],
            "Status": status,
            "Created": _stamp(created, "m"),
            "Resolved": _stamp(resolved, "m"),
            "Assigned To": np.array([a[0] for a in AGENTS], dtype=object)[agent],
            "Group": np.array([a[1] for a in AGENTS], dtype=object)[agent],
            "Service Provider": np.array([a[2] for a in AGENTS], dtype=object)[agent],
            "Within SLA": np.where(still_open, "", np.where(within, "Yes", "No")),
            "Reopens": reopens.astype(str),
            "Error": np.where(error, "Yes", "No"),
            "Handling Time (minutes)": np.char.mod("%.1f", handling),
            "Satisfaction": satisfaction.astype(int).astype(str),
        }
    )


def _xlsx(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    """Write an export as a spreadsheet tool would: numbers and dates as typed cells."""
    typed = frame.copy()
    for column in typed.columns:
        values = typed[column].replace("", None)
        if column in {
            "Amount",
            "Handling Minutes",
            "Handling Time (minutes)",
            "Reopens",
            "Satisfaction",
        }:
            typed[column] = pd.to_numeric(values)
        elif column in {
            "Invoice Date",
            "Due Date",
            "Received",
            "Approved",
            "Paid",
            "Created",
            "Resolved",
        }:
            typed[column] = pd.to_datetime(values)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        typed.to_excel(writer, sheet_name=sheet, index=False)


def generate_exports(
    out: Path,
    invoices: int = 3000,
    tasks: int = 2000,
    seed: int = EXPORT_SEED,
    *,
    xlsx: bool = True,
) -> list[Path]:
    """Write ``out/exports/invoices.csv|xlsx`` and ``tasks.csv|xlsx`` (a size of 0 skips one)."""
    folder = out / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, count, make, sheet in (
        ("invoices", invoices, invoice_frame, "AP Invoices"),
        ("tasks", tasks, task_frame, "Tickets"),
    ):
        if count <= 0:
            continue
        frame = make(count, seed if name == "invoices" else seed + 1)
        csv_path = folder / f"{name}.csv"
        frame.to_csv(csv_path, index=False, lineterminator="\n")
        written.append(csv_path)
        if xlsx:
            _xlsx(frame, folder / f"{name}.xlsx", sheet)
            written.append(folder / f"{name}.xlsx")
    return written


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write into")
    parser.add_argument("--invoices", type=int, default=3000, help="invoice rows (0: none)")
    parser.add_argument("--tasks", type=int, default=2000, help="ticket rows (0: none)")
    parser.add_argument("--seed", type=int, default=EXPORT_SEED, help="seed of the exports")
    parser.add_argument("--csv-only", action="store_true", help="skip the XLSX files")
    parser.add_argument("--no-answers", action="store_true", help="skip the interview answers")
    args = parser.parse_args()
    written = [] if args.no_answers else generate_answers(args.out)
    written += generate_exports(
        args.out, args.invoices, args.tasks, args.seed, xlsx=not args.csv_only
    )
    for path in written:
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
