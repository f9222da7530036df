"""Record every user-visible output of boaudit, and compare two recordings byte for byte.

A refactoring promises to change no figure and no byte of output. Record before it, record after
it, compare:

    python benchmarks/output_snapshot.py record /tmp/before
    ...  (the change)
    python benchmarks/output_snapshot.py record /tmp/after
    python benchmarks/output_snapshot.py compare /tmp/before /tmp/after

Each case runs one `boaudit` command as a subprocess and keeps its exit code, stdout, stderr and
the files it writes. Workbooks (XLSX) are compared by their parts, leaving out the one part that
holds the time of writing (docProps/core.xml). The real exports in ../shared/realdata are used
when the folder is there and left out (said on stderr) when it is not.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_data"
REALDATA = REPO.parent / "shared" / "realdata"
EXPORTS = SAMPLE / "exports"
ANSWERS = sorted(str(p) for p in (SAMPLE / "answers").iterdir())
INV = str(EXPORTS / "invoices.csv")
TASKS = str(EXPORTS / "tasks.csv")
REPORT_INPUTS = [
    *[a for path in ANSWERS for a in ("--answers", path)],
    *("--invoices", INV, "--tasks", TASKS, "--hourly-rate", "45"),
    *("--title", "Sample distributor: back-office audit"),
]


def _cases() -> dict[str, list[str]]:
    """Case name -> arguments of `boaudit` ({out} is a file to write, kept as output)."""
    cases: dict[str, list[str]] = {
        "version": ["--version"],
        "help": ["--help"],
    }
    for command in (
        "template",
        "assess",
        "interview",
        "inspect",
        "metrics",
        "report",
        "run",
        "history",
        "questionnaires",
    ):
        cases[f"help-{command}"] = [command, "--help"]
    cases |= {
        "q-list": ["questionnaires", "list"],
        "q-show-md": ["questionnaires", "show", "full", "--format", "markdown"],
        "q-show-json": ["questionnaires", "show", "back-office-seven", "--format", "json"],
        "template-csv": ["template", "full", "-o", "{out}.csv", "-r", "AP lead"],
        "template-xlsx": ["template", "support-eight", "-o", "{out}.xlsx", "-r", "AP lead"],
        "assess-json": ["assess", *ANSWERS, "--format", "json"],
        "assess-role-md": ["assess", *ANSWERS, "--by-role", "--format", "markdown"],
        "assess-table": ["assess", *ANSWERS],
        "assess-csv": ["assess", *ANSWERS, "--format", "csv"],
        "metrics-inv-json": [
            *("metrics", "invoices", INV, "--format", "json", "--by", "provider"),
            *("--period", "month", "--hourly-rate", "45"),
        ],
        "metrics-inv-table": ["metrics", "invoices", INV],
        "metrics-inv-csv": ["metrics", "invoices", INV, "--format", "csv", "--by", "vendor"],
        "metrics-tasks-json": [
            *("metrics", "tasks", TASKS, "--format", "json", "--by", "team"),
            *("--sla", "48h", "--as-of", "2026-10-01"),
        ],
        "metrics-tasks-xlsx-json": [
            "metrics",
            "tasks",
            str(EXPORTS / "tasks.xlsx"),
            "--format",
            "json",
        ],
        "inspect-inv": ["inspect", INV, "--format", "json"],
        "inspect-inv-xlsx": ["inspect", str(EXPORTS / "invoices.xlsx"), "--format", "json"],
        "inspect-tasks-table": ["inspect", TASKS],
        "report-json": ["report", *REPORT_INPUTS, "--format", "json"],
        "report-md": ["report", *REPORT_INPUTS, "--format", "markdown", "--by-role"],
        "report-table": ["report", *REPORT_INPUTS],
        "report-html": ["report", *REPORT_INPUTS, "--format", "html", "-o", "{out}.html"],
        "report-xlsx": ["report", *REPORT_INPUTS, "--format", "xlsx", "-o", "{out}.xlsx"],
        "report-answers-only": ["report", *REPORT_INPUTS[:6], "--format", "markdown"],
        "report-data-only": [
            *("report", "--invoices", INV, "--format", "json", "--late-payment-rate"),
            *("0.02", "--currency", "EUR", "--effort", "data=low", "--by", "provider"),
        ],
        "bad-missing-file": ["metrics", "invoices", "nope.csv"],
        "bad-kind": ["metrics", "tasks", INV],
    }
    real = {
        "ibm": ("invoices", "ibm_accounts_receivable.csv"),
        "servicenow": ("tasks", "servicenow_incident_event_log_sample.csv"),
        "helpdesk": ("events", "helpdesk_events.csv"),
        "helpdesk-xes": ("events", "helpdesk.xes.gz"),
        "bpic2013": ("events", "bpic2013_volvo_incidents_events.csv"),
        "bpic2019": ("events", "bpic2019_p2p_1t_per_variant_events.csv.gz"),
    }
    if REALDATA.is_dir():
        for name, (kind, file) in real.items():
            path = str(REALDATA / file)
            cases[f"real-{name}-metrics"] = ["metrics", kind, path, "--format", "json"]
            cases[f"real-{name}-by"] = [
                *("metrics", kind, path, "--format", "json", "--by", "source"),
                *("--period", "quarter"),
            ]
            cases[f"real-{name}-inspect"] = ["inspect", path, "--format", "json"]
        cases["real-report"] = [
            *("report", "--invoices", str(REALDATA / real["ibm"][1])),
            *("--tasks", str(REALDATA / real["servicenow"][1])),
            *("--events", str(REALDATA / real["helpdesk"][1]), "--format", "json"),
        ]
    else:
        print(f"note: {REALDATA} is absent; the real exports are left out", file=sys.stderr)
    return cases


def _digest_file(path: Path) -> str:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            parts = sorted(n for n in archive.namelist() if n != "docProps/core.xml")
            text = "".join(f"{n}\n{hashlib.sha256(archive.read(n)).hexdigest()}\n" for n in parts)
        return text
    return path.read_text(encoding="utf-8", errors="replace")


def record(target: Path, boaudit: str) -> None:
    target.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("FORCE_COLOR", None)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for name, args in _cases().items():
            out = work / name
            argv = [boaudit, *(a.replace("{out}", str(out)) for a in args)]
            done = subprocess.run(argv, capture_output=True, env=env, cwd=REPO, check=False)
            text = f"exit {done.returncode}\n--- stdout\n".encode() + done.stdout
            text += b"\n--- stderr\n" + done.stderr.replace(str(work).encode(), b"{tmp}")
            for written in sorted(work.glob(f"{name}.*")):
                text += f"\n--- file {written.suffix}\n{_digest_file(written)}".encode()
            (target / f"{name}.txt").write_bytes(text)
        _record_run(target, boaudit, env, work)


def _record_run(target: Path, boaudit: str, env: dict[str, str], work: Path) -> None:
    """`boaudit run` twice on a copy of the sample organisation: outputs, history, thresholds."""
    copy = work / "org"
    shutil.copytree(SAMPLE, copy, ignore=shutil.ignore_patterns("reports"))
    (copy / "reports").mkdir()
    parts: list[bytes] = []
    for as_of, extra in (("2026-09-30", []), ("2026-10-04", ["--verbose", "--baseline", "1"])):
        argv = [boaudit, "run", str(copy / "boaudit.toml"), "--as-of", as_of, *extra]
        done = subprocess.run(argv, capture_output=True, env=env, cwd=REPO, check=False)
        parts.append(f"exit {done.returncode}\n".encode() + done.stdout)
        parts.append(b"--- stderr\n" + done.stderr.replace(str(work).encode(), b"{tmp}"))
    history = [boaudit, "history", "--db", str(copy / "reports" / "history.sqlite")]
    for fmt in ("table", "json"):
        done = subprocess.run(
            [*history, "--format", fmt], capture_output=True, env=env, check=False
        )
        stdout = done.stdout.replace(str(work).encode(), b"{tmp}")
        # The time a run was recorded is the one value that differs between two recordings.
        stdout = re.sub(rb'"recorded_at": "[^"]*"', b'"recorded_at": "{time}"', stdout)
        parts.append(f"--- history {fmt} exit {done.returncode}\n".encode() + stdout)
        parts.append(done.stderr)
    parts.extend(
        f"--- file {written.name}\n{_digest_file(written)}".encode()
        for written in sorted((copy / "reports").glob("audit-*"))
    )
    # The reports name the scratch copy's files, whose folder differs between recordings.
    (target / "run.txt").write_bytes(b"\n".join(parts).replace(str(work).encode(), b"{tmp}"))


def compare(before: Path, after: Path) -> int:
    names = sorted({p.name for p in before.glob("*.txt")} | {p.name for p in after.glob("*.txt")})
    differ = 0
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"{name}: only in {'after' if b.exists() else 'before'}")
            differ += 1
        elif a.read_bytes() != b.read_bytes():
            print(f"{name}: differs (diff {a} {b})")
            differ += 1
    print(f"{len(names)} outputs compared, {differ} differ")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    rec = sub.add_parser("record", help="run every case and keep its outputs in DIR")
    rec.add_argument("dir", type=Path)
    rec.add_argument("--boaudit", default=str(Path(sys.executable).parent / "boaudit"))
    cmp_ = sub.add_parser("compare", help="compare two recordings byte for byte")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.action == "record":
        record(args.dir, args.boaudit)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
