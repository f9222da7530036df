"""The Sources table: every outside figure the report rests on, with its year, sample,
confidence and link; the articles by title and publisher."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from boaudit.cli import app

runner = CliRunner()
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


def test_the_sample_report_lists_its_sources() -> None:
    done = runner.invoke(
        app,
        [
            "report",
            "--answers",
            str(SAMPLE / "answers"),
            "--invoices",
            str(SAMPLE / "exports" / "invoices.csv"),
            "--hourly-rate",
            "45",
            "--format",
            "markdown",
        ],
    )
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    table = lines[lines.index("## Sources") : lines.index("## How this report decides")]
    # the full questionnaire draws on the five articles, each cited by title and publisher
    articles = [r for r in table if "the questions of full" in r]
    assert len(articles) == 5
    assert any(
        '"The Top 7 Mistakes to Avoid in Back Office Operations", Expertia AI' in r
        for r in articles
    )
    apqc = next(r for r in table if r.startswith("| APQC Open Standards Benchmarking, CFO.com"))
    assert "| 2017 | 1,485 organisations | medium | https://" in apqc
    # a provider column gives the scorecard, and the saving claim it is set against
    claim = next(r for r in table if "up to 30%" in r)
    assert "practitioner claim" in claim and "10 Common Mistakes" in claim
