"""A last period the data only partly covers is flagged in the trend, not drawn as a collapse."""

from __future__ import annotations

from hand_results import results

from boaudit.report.charts import partial_days, trend

OCTOBER = {"period": "2026-10", "start": "2026-10-01T00:00:00Z", "end": "2026-11-01T00:00:00Z"}


def test_partial_days_counts_the_days_with_data() -> None:
    # 2026-10-01 00:00 to 2026-10-04 15:27 is 3.6 days: the 4th day has data, of 31
    assert partial_days(OCTOBER, "2026-10-04T15:27:00Z") == (4, 31)
    assert partial_days(OCTOBER, "2026-10-01T00:00:00Z") == (1, 31)
    # as of the period's end or later: the period is whole
    assert partial_days(OCTOBER, "2026-11-01T00:00:00Z") is None
    assert partial_days(OCTOBER, None) is None


def _periods(as_of: str) -> dict[str, object]:
    september = {
        "period": "2026-09",
        "start": "2026-09-01T00:00:00Z",
        "end": "2026-10-01T00:00:00Z",
    }
    return {
        "as_of": as_of,
        "periods": [{**september, "completed": 300}, {**OCTOBER, "completed": 5}],
    }


def test_the_trend_labels_the_partial_period() -> None:
    svg = trend(results({"invoices": _periods("2026-10-04T15:27:00Z")}))
    assert svg is not None
    assert "(4 of 31 days)" in svg
    assert "hollow point: a period the data only partly covers" in svg
    whole = trend(results({"invoices": _periods("2026-10-31T23:59:59Z")}))
    assert whole is not None
    # data into the period's last day: every day has data, nothing to flag
    assert "days)" not in whole and "hollow point" not in whole
    done = trend(results({"invoices": _periods("2026-11-01T00:00:00Z")}))
    assert done is not None and "days)" not in done and "hollow point" not in done
