"""No output a client sees names the project's internals: the article files the questionnaires
are built from, "seed", or the design document. Articles are cited by title and publisher."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from sample_report import SAMPLE_REPORT
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.questionnaire.loader import bundled_ids

runner = CliRunner()
INTERNAL = re.compile(r"\bseeds?\b|DESIGN\.md|\b00[0-4]_[0-9a-f]{6}", re.IGNORECASE)


def _clean(text: str, where: str) -> None:
    found = INTERNAL.search(text)
    assert found is None, f"{where}: ...{text[max(found.start() - 60, 0) : found.end() + 30]}..."


def _xlsx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8", "replace")
            for name in archive.namelist()
            if name.endswith(".xml")
        )


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_questionnaires_list_cites_articles_by_title(fmt: str) -> None:
    done = runner.invoke(app, ["questionnaires", "list", "--format", fmt])
    assert done.exit_code == 0
    _clean(done.stdout, f"questionnaires list --format {fmt}")
    if fmt == "json":
        sources = {q["id"]: q["source"] for q in json.loads(done.stdout)}
        assert sources["back-office-seven-ops"] == (
            '"The Top 7 Mistakes to Avoid in Back Office Operations", Expertia AI '
            "(2025, practitioner article)"
        )


@pytest.mark.parametrize("questionnaire", bundled_ids())
def test_guides_and_templates_name_no_internal_file(questionnaire: str, tmp_path: Path) -> None:
    for fmt in ("table", "json", "markdown"):
        done = runner.invoke(app, ["questionnaires", "show", questionnaire, "--format", fmt])
        assert done.exit_code == 0, done.output
        _clean(done.stdout, f"questionnaires show {questionnaire} --format {fmt}")
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"t.{suffix}"
        done = runner.invoke(app, ["template", questionnaire, "-o", str(out), "-r", "Clerk"])
        assert done.exit_code == 0, done.output
        text = out.read_text("utf-8") if suffix == "csv" else _xlsx_text(out)
        _clean(text, f"template {questionnaire} .{suffix}")


def test_the_sample_report_names_no_internal_file(tmp_path: Path) -> None:
    base = SAMPLE_REPORT
    for fmt in ("table", "markdown", "html", "json", "xlsx", "docx"):
        out = tmp_path / f"report.{fmt}"
        done = runner.invoke(app, [*base, "--format", fmt, "-o", str(out)])
        assert done.exit_code == 0, done.output
        text = _xlsx_text(out) if fmt in ("xlsx", "docx") else out.read_text("utf-8")
        _clean(text, f"report --format {fmt}")
