"""Where the report's outside figures come from: the practitioner articles behind the
questionnaires, the benchmarks its KPIs were compared with, and the practitioner claims it
quotes, each with what a reader needs to weigh it (publisher, year, sample, confidence, link).
"""

from __future__ import annotations

from dataclasses import dataclass

from boaudit.findings.scorecard import PRACTITIONER_ARTICLE
from boaudit.report.model import Report

FULL = "full"
"""The bundled questionnaire that covers every pitfall once, from all the articles."""


@dataclass(frozen=True)
class Source:
    """One source, as the Sources table prints it."""

    kind: str
    """``questionnaire``, ``benchmark`` or ``claim``."""
    title: str
    detail: str
    """What it gives the report (the questionnaire, the KPI, the claim)."""
    year: str
    sample: str
    confidence: str
    url: str


def report_sources(report: Report) -> list[Source]:
    """The sources this report rests on, questionnaires first, each once."""
    from boaudit.questionnaire.loader import bundled_ids, load_bundled

    out: list[Source] = []
    if report.assessment is not None:
        bundled = set(bundled_ids())
        for qid, title in report.assessment.parts:
            if qid == FULL:
                # the full review draws on every article behind the bundled questionnaires
                cited = [load_bundled(other).source for other in bundled_ids() if other != FULL]
            elif qid in bundled:
                cited = [load_bundled(qid).source]
            else:
                cited = ["your own questionnaire"]
            out += [
                Source("questionnaire", c, f"the questions of {qid} ({title})", "", "", "", "")
                for c in cited
            ]
    seen: set[str] = set()
    for result in report.metrics.values():
        for b in result.benchmarks:
            if b.benchmark in seen:
                continue
            seen.add(b.benchmark)
            out.append(
                Source(
                    "benchmark",
                    b.source,
                    b.kpi,
                    "" if b.year is None else str(b.year),
                    "" if b.n is None else f"{b.n:,} organisations",
                    b.confidence,
                    b.source_url,
                )
            )
    if report.scorecard is not None:
        out.append(
            Source(
                "claim",
                f"{PRACTITIONER_ARTICLE} (practitioner article)",
                "outsourcing saves up to 30% on non-core work: the bound of the scorecard's "
                "saving, a claim, not a benchmark",
                "",
                "",
                "practitioner claim",
                "",
            )
        )
    return out
