"""The sample HTML report as a browser lays it out, on a desktop (1400 px) and a phone (390 px):
nothing wider than the page but inside the tables' scroll boxes, every chart drawn at a size,
every table-of-contents link landing on its section, and nothing fetched from anywhere.

The report is the fullest the sample data gives (three interviews scored by role, invoices and
tasks by provider with their trend, the outsourcing contract, a new fix plan). Headless Chromium
lays it out in a frame of the exact width (its own window is never narrower than 500 px) and a
small script in the page around the frame writes what it measured into the DOM, which
``--dump-dom`` prints. Without ``chromium`` or ``chromium-browser`` on PATH the tests skip.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from boaudit.cli import app
from boaudit.metrics.benchmarks import load_benchmarks

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
WIDTHS = {"desktop": 1400, "phone": 390}
HEIGHT = 900
WINDOW_MIN = 500
"""Chromium's headless window is at least this wide, whatever --window-size says."""

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="no chromium or chromium-browser on PATH: the layout is not measured "
    "(Debian: apt-get install chromium)",
)

# Measures the report inside the frame once everything has loaded. An element counts as too wide
# when it reaches past the page's width, unless it sits inside a scroll box (class "scroll",
# which scrolls its table sideways) or inside a chart (the SVG itself is measured).
PROBE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><style>html, body { margin: 0; }
iframe { display: block; border: 0; width: WIDTHpx; height: HEIGHTpx; }</style></head>
<body><iframe id="page" src="report.html"></iframe><pre id="measured"></pre>
<script>
window.addEventListener("load", function () {
  var win = document.getElementById("page").contentWindow;
  var doc = win.document;
  var root = doc.documentElement;
  var width = root.clientWidth;
  function name(el) {
    var text = el.tagName.toLowerCase();
    if (el.id) { text += "#" + el.id; }
    if (el.getAttribute("class")) { text += "." + el.getAttribute("class").split(" ").join("."); }
    return text;
  }
  var wide = [];
  doc.body.querySelectorAll("*").forEach(function (el) {
    var chart = el.closest("svg");
    if (chart && chart !== el) { return; }
    if (el.parentElement && el.parentElement.closest(".scroll")) { return; }
    var box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) { return; }
    if (box.left < -0.5 || box.right > width + 0.5) {
      wide.push(name(el) + " " + Math.round(box.left) + ".." + Math.round(box.right));
    }
  });
  var charts = [];
  doc.querySelectorAll("figure svg, img").forEach(function (el) {
    var box = el.getBoundingClientRect();
    var loaded = el.tagName.toLowerCase() === "svg" || (el.complete && el.naturalWidth > 0);
    charts.push({tag: el.tagName.toLowerCase(), width: box.width, height: box.height,
                 right: box.right, loaded: loaded});
  });
  var links = [];
  doc.querySelectorAll("nav.toc a").forEach(function (a) {
    var id = a.getAttribute("href").slice(1);
    var target = doc.getElementById(id);
    links.push({id: id, text: a.textContent,
                target: target ? target.tagName.toLowerCase() : null,
                heading: target && target.querySelector("h2, h3") ?
                  target.querySelector("h2, h3").textContent : null});
  });
  var scrolls = [];
  doc.querySelectorAll(".scroll").forEach(function (el) {
    scrolls.push({overflow: win.getComputedStyle(el).overflowX,
                  width: el.getBoundingClientRect().width, inner: el.scrollWidth});
  });
  document.getElementById("measured").textContent = JSON.stringify({
    innerWidth: win.innerWidth, clientWidth: width, scrollWidth: root.scrollWidth,
    wide: wide, charts: charts, links: links, scrolls: scrolls,
    fetched: win.performance.getEntriesByType("resource").map(function (e) { return e.name; })
  });
});
</script></body></html>
"""


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample report in HTML, written as report.html in a folder of its own."""
    folder = tmp_path_factory.mktemp("browser")
    out = folder / "report.html"
    answers = [item for path in sorted((SAMPLE / "answers").iterdir()) for item in ("-a", path)]
    result = CliRunner().invoke(
        app,
        [
            str(arg)
            for arg in (
                "report",
                *answers,
                *("--invoices", SAMPLE / "exports" / "invoices.csv"),
                *("--tasks", SAMPLE / "exports" / "tasks.csv"),
                *("--hourly-rate", "45", "--by", "provider", "--by-role", "--period", "month"),
                *("--contracts", SAMPLE / "contracts.toml"),
                *("--plan", folder / "plan.xlsx"),
                *("--title", "Sample distributor: back-office audit"),
                *("--format", "html", "-o", out),
            )
        ],
    )
    assert result.exit_code == 0, result.stderr
    return out


def measure(page: Path, width: int) -> dict[str, Any]:
    """What the probe script measured of PAGE laid out WIDTH pixels wide."""
    assert BROWSER is not None
    probe = page.parent / f"probe-{width}.html"
    probe.write_text(
        PROBE.replace("WIDTH", str(width)).replace("HEIGHT", str(HEIGHT)), encoding="utf-8"
    )
    done = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",  # containers often give /dev/shm only 64 MB
            f"--user-data-dir={page.parent / f'profile-{width}'}",
            "--allow-file-access-from-files",
            f"--window-size={max(width, WINDOW_MIN)},{HEIGHT}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    found = re.search(r'<pre id="measured">(.+?)</pre>', done.stdout, re.S)
    assert found, f"chromium measured nothing (exit {done.returncode}): {done.stderr[-2000:]}"
    measured: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return measured


@pytest.fixture(scope="module", params=list(WIDTHS.values()), ids=list(WIDTHS))
def layout(request: pytest.FixtureRequest, sample_page: Path) -> dict[str, Any]:
    measured = measure(sample_page, request.param)
    assert measured["innerWidth"] == request.param  # the frame is the width asked for
    return measured


def test_nothing_is_wider_than_the_page(layout: dict[str, Any]) -> None:
    assert layout["scrollWidth"] <= layout["innerWidth"]
    assert layout["scrollWidth"] <= layout["clientWidth"]
    assert layout["wide"] == []


def test_wide_tables_scroll_in_their_own_box(layout: dict[str, Any], sample_page: Path) -> None:
    page = sample_page.read_text(encoding="utf-8")
    # every table but those folded inside a benchmark row (already in their table's box)
    nested = page.count("<details><summary>")
    assert nested == 3  # the other sources of three KPIs
    assert len(layout["scrolls"]) == page.count("<table") - nested > 10
    for box in layout["scrolls"]:
        assert box["overflow"] == "auto"
        assert 0 < box["width"] <= layout["clientWidth"]


def test_every_chart_is_drawn_at_a_size_within_the_page(
    layout: dict[str, Any], sample_page: Path
) -> None:
    page = sample_page.read_text(encoding="utf-8")
    charts = layout["charts"]
    # priority matrix, interview scores, KPIs against benchmarks, cycle times, trend, and the
    # partner comparison of invoices and of tasks
    assert len(charts) == page.count("<svg") == 7
    for chart in charts:
        assert chart["loaded"]
        assert chart["width"] > 100 and chart["height"] > 50
        assert chart["right"] <= layout["clientWidth"]


def test_every_contents_link_lands_on_its_section(layout: dict[str, Any]) -> None:
    links = layout["links"]
    assert [link["id"] for link in links] == [
        "summary",
        "priorities",
        "quick-wins",
        "interviews",
        "claims",
        "data",
        "scorecard",
        "findings",
        "plan",
        "sources",
        "rules",
    ]
    for link in links:
        assert link["target"] == "section"
        assert link["heading"] == link["text"]


def test_the_browser_fetches_nothing(layout: dict[str, Any]) -> None:
    assert layout["fetched"] == []


def test_no_resource_is_loaded_from_an_address(sample_page: Path) -> None:
    page = sample_page.read_text(encoding="utf-8")
    lowered = page.lower()
    for tag in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "@import"):
        assert tag not in lowered, tag
    assert not re.search(r"\ssrc\s*=", lowered)
    assert not re.search(r"url\(\s*[\"']?\s*(https?:)?//", lowered)
    # addresses only as links a reader may follow: where each benchmark was published
    published = {b.source_url for b in load_benchmarks()}
    links = re.findall(r"<a href=\"([^\"]*)\"", page)
    assert {t for t in links if not t.startswith("#")} <= published
    targets = re.findall(r"\shref\s*=\s*[\"']([^\"']*)[\"']", page)
    assert len(targets) == len(links)  # every href is an <a>'s
