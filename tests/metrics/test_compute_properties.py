"""Properties of the sorting shortcuts in the metrics engine, against plain pandas/NumPy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boaudit.metrics.compute import _repeated, group_quantiles

# Few distinct amounts and vendors, so that repeats, ties, -0.0 and NaN all come up.
AMOUNTS = st.sampled_from([0.0, -0.0, 1.5, -1.5, 100.0, 1e300, float("nan")])


def _expected_repeats(vendor: np.ndarray, currency: np.ndarray, amount: np.ndarray) -> np.ndarray:
    frame = pd.DataFrame({"v": vendor, "c": currency, "a": amount + 0.0})
    usable = (frame["v"] >= 0) & frame["a"].notna()
    expected = np.zeros(len(frame), dtype=bool)
    expected[usable.to_numpy()] = frame[usable].duplicated(keep=False).to_numpy()
    return expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-1, 3), st.integers(0, 2), AMOUNTS), min_size=0, max_size=40),
    st.booleans(),
)
def test_repeated_is_duplicated_keep_false(
    rows: list[tuple[int, int, float]], huge_codes: bool
) -> None:
    vendor = np.array([r[0] for r in rows], dtype=np.int64)
    currency = np.array([r[1] for r in rows], dtype=np.int64)
    amount = np.array([r[2] for r in rows], dtype=np.float64)
    if huge_codes:
        # Codes this large would overflow the combined key: the two-column path answers.
        vendor = np.where(vendor >= 0, vendor * (1 << 40), vendor)
        currency = currency * (1 << 20)
    expected = _expected_repeats(vendor, currency, amount)
    np.testing.assert_array_equal(_repeated(vendor, currency, amount), expected)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-1, 4), st.sampled_from([0.0, 1.0, 2.5, 2.5, 7.0, float("nan")])),
        min_size=0,
        max_size=60,
    )
)
def test_group_quantiles_match_numpy_per_group(rows: list[tuple[int, float]]) -> None:
    codes = np.array([r[0] for r in rows], dtype=np.int64)
    values = np.array([r[1] for r in rows], dtype=np.float64)
    counts, means, quant = group_quantiles(codes, values, 5, (0.5, 0.9, 1.0))
    for code in range(5):
        mine = values[(codes == code) & ~np.isnan(values)]
        assert counts[code] == len(mine)
        if len(mine):
            # The same linear interpolation as NumPy's, written as lo + t * (hi - lo): equal
            # to the last bit or two, which the output's rounding never shows.
            assert means[code] == pytest.approx(np.mean(mine), rel=1e-12)
            expected = np.quantile(mine, [0.5, 0.9, 1.0])
            np.testing.assert_allclose(quant[code], expected, rtol=1e-12, atol=0)
        else:
            assert np.isnan(quant[code]).all()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.sampled_from([0.0, 1.0, 2.5, 2.5, 7.0, 1e9, -3.0])),
        min_size=1,
        max_size=60,
    ),
    st.booleans(),
)
def test_group_medians_are_group_quantiles_medians_exactly(
    rows: list[tuple[int, float]], many: bool
) -> None:
    from boaudit.metrics import compute

    codes = np.array([r[0] for r in rows], dtype=np.int64)
    values = np.array([r[1] for r in rows], dtype=np.float64)
    counts, _, quant = group_quantiles(codes, values, 7, (0.5,))
    if many:  # the sorting path, as for many codes
        saved, compute._FEW_CODES = compute._FEW_CODES, 0
        try:
            got = compute.group_medians(codes, values, 7)
        finally:
            compute._FEW_CODES = saved
    else:
        got = compute.group_medians(codes, values, 7)
    np.testing.assert_array_equal(got[0], counts)
    np.testing.assert_array_equal(got[1], quant[:, 0])
