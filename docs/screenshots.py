"""Screenshots of the sample report in HTML, as a desktop (1400 px) and a phone (390 px) show it.

    python docs/screenshots.py [FOLDER] [--readme]

Builds the sample report (interviews, invoices and tasks by provider, the outsourcing contract,
a new fix plan) with this checkout's boaudit, renders it in headless Chromium (``chromium`` or
``chromium-browser`` on PATH) and writes into FOLDER (default: a new temporary folder):

- ``report.html``, the report itself;
- ``desktop.png`` and ``phone.png``, the whole page at each width;
- ``desktop-top.png``, the top of the desktop page cut to the report's column, in few colours:
  the picture the README shows as ``docs/report.png`` (copied there with ``--readme``);
- where LibreOffice (``soffice``) and poppler (``pdftoppm``) are installed, the same report as
  ``report.docx`` and ``report.xlsx``, laid out as a printer would (through PDF), with their
  first pages as ``docx-N.png`` and ``xlsx-N.png``.

The page is laid out in a frame of the exact width inside a wider window, as Chromium's headless
window is never narrower than 500 px; the screenshot is then cut to the frame.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image  # matplotlib's own dependency: nothing to install

REPO = Path(__file__).resolve().parents[1]
SAMPLE = Path("sample_data")
"""Relative to the repository, where the report is built: the evidence quotes paths as given."""
WIDTHS = {"desktop": 1400, "phone": 390}
TOP = (180, 0, 1220, 1800)
"""The part of the desktop page the README shows (left, top, right, bottom, in pixels): the
report's column with a margin either side, from the title down to the priorities."""
WINDOW_MIN = 500
"""Chromium's headless window is at least this wide, whatever --window-size says."""

FRAME = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>html, body {{ margin: 0; }}
iframe {{ display: block; border: 0; width: {width}px; height: {height}px; }}</style></head>
<body><iframe id="page" src="{src}"></iframe><pre id="measured"></pre>
<script>
window.addEventListener("load", function () {{
  var doc = document.getElementById("page").contentDocument;
  document.getElementById("measured").textContent = JSON.stringify(
    {{height: doc.documentElement.scrollHeight}});
}});
</script></body></html>
"""


def browser() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("no chromium or chromium-browser on PATH: install Debian's chromium package")


PAGES = 6
"""Pages of the Word and Excel reports rendered to PNG."""


def sample_report(folder: Path, fmt: str = "html") -> Path:
    """The sample report, written to FOLDER/report.FMT (its new plan beside it)."""
    out = folder / f"report.{fmt}"
    command = [
        *(sys.executable, "-m", "boaudit", "report"),
        *("--answers", str(SAMPLE / "answers")),
        *("--invoices", str(SAMPLE / "exports" / "invoices.csv")),
        *("--tasks", str(SAMPLE / "exports" / "tasks.csv")),
        *("--hourly-rate", "45", "--by", "provider", "--by-role", "--period", "month"),
        *("--contracts", str(SAMPLE / "contracts.toml")),
        *("--plan", str(folder / "plan.xlsx")),
        *("--title", "Sample distributor: back-office audit"),
        *("--format", fmt, "-o", str(out)),
    ]
    subprocess.run(command, check=True, cwd=REPO)
    return out


def chromium(exe: str, page: Path, width: int, height: int, profile: Path, *args: str) -> str:
    done = subprocess.run(
        [
            *(exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"),
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            "--allow-file-access-from-files",
            f"--window-size={max(width, WINDOW_MIN)},{height}",
            "--virtual-time-budget=10000",
            *args,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return done.stdout


def screenshot(exe: str, report: Path, width: int, out: Path, profile: Path) -> None:
    """The whole page at WIDTH, as a PNG."""
    frame = report.parent / f"frame-{width}.html"
    frame.write_text(FRAME.format(width=width, height=800, src=report.name), encoding="utf-8")
    dom = chromium(exe, frame, width, 800, profile, "--dump-dom")
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    if found is None:
        sys.exit(f"chromium did not measure {report} at {width} px")
    height = int(json.loads(html.unescape(found.group(1)))["height"])
    frame.write_text(FRAME.format(width=width, height=height, src=report.name), encoding="utf-8")
    chromium(exe, frame, width, height, profile, f"--screenshot={out}")
    frame.unlink()
    with Image.open(out) as shot:
        page = shot.crop((0, 0, width, height)).convert("RGB")
    page.save(out, optimize=True)


def documents(folder: Path) -> None:
    """The Word and Excel reports through LibreOffice to PDF, their first pages to PNG."""
    office, poppler = shutil.which("soffice"), shutil.which("pdftoppm")
    if office is None or poppler is None:
        print("no soffice or pdftoppm on PATH: the Word and Excel pages are left out")
        return
    for fmt in ("docx", "xlsx"):
        document = sample_report(folder, fmt)
        subprocess.run(
            [office, "--headless", "--convert-to", "pdf", "--outdir", str(folder), document],
            check=True,
            capture_output=True,
            timeout=300,
        )
        pdf = document.with_suffix(".pdf")
        subprocess.run(
            [poppler, "-r", "70", "-png", "-f", "1", "-l", str(PAGES), pdf, folder / fmt],
            check=True,
            timeout=300,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, help="where the files go")
    parser.add_argument(
        "--readme", action="store_true", help="also copy desktop-top.png to docs/report.png"
    )
    options = parser.parse_args()
    folder = (options.folder or Path(tempfile.mkdtemp(prefix="boaudit-screenshots-"))).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    exe = browser()
    report = sample_report(folder)
    with tempfile.TemporaryDirectory() as profile:
        for name, width in WIDTHS.items():
            screenshot(exe, report, width, folder / f"{name}.png", Path(profile))
    with Image.open(folder / "desktop.png") as desktop:
        top = desktop.crop(TOP).convert("RGB").quantize(colors=128)
    top.save(folder / "desktop-top.png", optimize=True)
    if options.readme:
        shutil.copyfile(folder / "desktop-top.png", REPO / "docs" / "report.png")
    documents(folder)
    print(folder)


if __name__ == "__main__":
    main()
