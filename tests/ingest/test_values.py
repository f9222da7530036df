"""Value parsers: dates, amounts, numbers, booleans and text, with hypothesis round trips."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boaudit.errors import InputDataError
from boaudit.ingest.values import (
    parse_amounts,
    parse_booleans,
    parse_dates,
    parse_integers,
    parse_minutes,
    parse_text,
)


def s(*values: object) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


class TestDates:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2024-03-01", "2024-03-01 00:00"),
            ("2024-03-01T10:20:30+02:00", "2024-03-01 08:20:30"),
            ("2016-03-01 10:20:30 +0100", "2016-03-01 09:20:30"),
            ("2024-03-01T10:20:30Z", "2024-03-01 10:20:30"),
            ("2024-03-01 10:20:30.250", "2024-03-01 10:20:30.250"),
            ("20200326", "2020-03-26"),
            ("14/Jul/25 3:42 PM", "2025-07-14 15:42"),
            ("20/Aug/25", "2025-08-20"),
            ("2024/03/05 10:00", "2024-03-05 10:00"),
            ("45123.5", "2023-07-16 12:00"),
        ],
    )
    def test_formats(self, text: str, expected: str) -> None:
        parsed = parse_dates(s(text))
        assert parsed.values.iloc[0] == utc(expected)
        assert not parsed.bad.any()

    def test_naive_values_are_utc_and_dtype_is_utc(self) -> None:
        parsed = parse_dates(s("2024-01-01 12:00"))
        assert str(parsed.values.dtype) == "datetime64[ns, UTC]"
        assert parsed.values.iloc[0] == utc("2024-01-01 12:00")

    def test_day_first_is_inferred_from_a_day_above_12(self) -> None:
        parsed = parse_dates(s("01-02-2016 01:16", "29-02-2016 08:53"), where="f.csv")
        assert parsed.values.tolist() == [utc("2016-02-01 01:16"), utc("2016-02-29 08:53")]
        assert parsed.note == "f.csv: read as day-first (e.g. '29-02-2016 08:53')"

    def test_month_first_is_inferred_from_a_second_field_above_12(self) -> None:
        parsed = parse_dates(s("1/2/2013", "12/25/2013"))
        assert parsed.values.tolist() == [utc("2013-01-02"), utc("2013-12-25")]

    def test_dotted_german_dates(self) -> None:
        parsed = parse_dates(s("26.03.2020", "01.02.2020"))
        assert parsed.values.tolist() == [utc("2020-03-26"), utc("2020-02-01")]

    def test_ambiguous_order_asks_for_an_option(self) -> None:
        with pytest.raises(InputDataError) as info:
            parse_dates(s("01/02/2024", "03/04/2024"), where="x.csv, column 'Date'")
        assert info.value.message == (
            "x.csv, column 'Date': cannot tell whether '01/02/2024' is day-first or "
            "month-first (no day above 12 in the column); pass --dayfirst or --monthfirst"
        )

    def test_forced_order_settles_ambiguity(self) -> None:
        assert parse_dates(s("01/02/2024"), order="dayfirst").values.iloc[0] == utc("2024-02-01")
        assert parse_dates(s("01/02/2024"), order="monthfirst").values.iloc[0] == utc("2024-01-02")

    def test_same_day_and_month_needs_no_option(self) -> None:
        assert parse_dates(s("05/05/2024")).values.iloc[0] == utc("2024-05-05")

    def test_contradicting_orders_are_refused(self) -> None:
        with pytest.raises(InputDataError, match="mix day-first"):
            parse_dates(s("13/01/2024", "01/13/2024"))

    def test_forced_order_makes_impossible_values_bad(self) -> None:
        parsed = parse_dates(s("13/01/2024", "01/13/2024"), order="dayfirst")
        assert parsed.bad.tolist() == [False, True]

    def test_null_tokens_are_not_problems(self) -> None:
        parsed = parse_dates(s("", "?", "-", "00000000", "N/A", " "))
        assert parsed.values.isna().all()
        assert not parsed.bad.any()

    def test_garbage_and_impossible_dates_are_bad(self) -> None:
        parsed = parse_dates(s("soon", "2024-02-30", "31/02/2024"), order="dayfirst")
        assert parsed.bad.tolist() == [True, True, True]

    def test_twelve_hour_clock(self) -> None:
        parsed = parse_dates(s("6/21/2025 12:14 AM", "6/21/2025 12:14 PM", "6/21/2025 13:14 PM"))
        assert parsed.values.iloc[0] == utc("2025-06-21 00:14")
        assert parsed.values.iloc[1] == utc("2025-06-21 12:14")
        assert parsed.bad.tolist() == [False, False, True]

    def test_workbook_objects_and_1904_serials(self) -> None:
        values = pd.Series(
            [
                dt.datetime(2024, 3, 5, 10, 30),
                dt.date(2024, 3, 6),
                43894.5,
                "2024-01-01",
                True,
                None,
            ],
            dtype=object,
        )
        parsed = parse_dates(values, epoch1904=True)
        assert parsed.values.tolist()[:4] == [
            utc("2024-03-05 10:30"),
            utc("2024-03-06"),
            utc("2024-03-05 12:00"),
            utc("2024-01-01"),
        ]
        assert parsed.bad.tolist() == [False, False, False, False, True, False]

    @settings(max_examples=60, deadline=None)
    @given(
        st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2090, 12, 31)),
        st.sampled_from(["iso", "dmy", "mdy", "dotted", "compact"]),
    )
    def test_round_trip(self, moment: dt.datetime, style: str) -> None:
        moment = moment.replace(microsecond=0)
        if style == "iso":
            text, order, expected = moment.isoformat(), "auto", moment
        elif style == "dmy":
            text, order = moment.strftime("%d/%m/%Y %H:%M:%S"), "dayfirst"
            expected = moment
        elif style == "mdy":
            text, order = moment.strftime("%m/%d/%Y %H:%M:%S"), "monthfirst"
            expected = moment
        elif style == "dotted":
            text, order = moment.strftime("%d.%m.%Y"), "dayfirst"
            expected = dt.datetime(moment.year, moment.month, moment.day)
        else:
            text, order = moment.strftime("%Y%m%d"), "auto"
            expected = dt.datetime(moment.year, moment.month, moment.day)
        parsed = parse_dates(s(text), order=order)  # type: ignore[arg-type]
        assert parsed.values.iloc[0] == pd.Timestamp(expected, tz="UTC")

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.text(max_size=20), max_size=8))
    def test_nothing_but_input_data_error_escapes(self, texts: list[str]) -> None:
        try:
            parsed = parse_dates(pd.Series(texts, dtype="str"))
        except InputDataError:
            return
        assert len(parsed.values) == len(texts)
        assert len(parsed.bad) == len(texts)


class TestAmounts:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("1240.50", 1240.5),
            ("1,240.50", 1240.5),
            ("$1,240.50", 1240.5),
            ("(420.81)", -420.81),
            ("-181.58", -181.58),
            ("USD 3", 3.0),
            ("3 EUR", 3.0),
            ("€ 12", 12.0),
            ("1\u00a0234.5", 1234.5),
            ("−7.25", -7.25),
            ("+5", 5.0),
        ],
    )
    def test_point_decimal(self, text: str, expected: float) -> None:
        parsed = parse_amounts(s(text, "0.5"))
        assert parsed.values.iloc[0] == expected
        assert not parsed.bad.any()

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("1.234,56", 1234.56), ("1.234,56-", -1234.56), ("12,5", 12.5), ("1 234,5 EUR", 1234.5)],
    )
    def test_comma_decimal(self, text: str, expected: float) -> None:
        parsed = parse_amounts(s(text, "0,5"))
        assert parsed.values.iloc[0] == expected
        assert parsed.note is not None and "decimal comma" in parsed.note

    def test_ambiguous_thousands_ask_for_decimal(self) -> None:
        with pytest.raises(InputDataError) as info:
            parse_amounts(s("1,234", "5"), where="a.csv, column 'Amount'")
        assert info.value.message == (
            "a.csv, column 'Amount': cannot tell whether '1,234' has a decimal or a thousands "
            "separator; pass --decimal , or --decimal ."
        )

    def test_decimal_option_settles_it(self) -> None:
        assert parse_amounts(s("1,234"), decimal=",").values.iloc[0] == 1.234
        assert parse_amounts(s("1,234"), decimal=".").values.iloc[0] == 1234.0

    def test_other_values_settle_it(self) -> None:
        assert parse_amounts(s("1,234", "5.50")).values.tolist() == [1234.0, 5.5]

    def test_mixed_separators_are_refused(self) -> None:
        with pytest.raises(InputDataError, match="mix decimal commas"):
            parse_amounts(s("1,5", "2.5"))

    def test_bad_and_null_values(self) -> None:
        parsed = parse_amounts(s("abc", "1,23,4", "(5", "", "-", "N/A", "--5"))
        assert parsed.bad.tolist() == [True, True, True, False, False, False, True]
        assert parsed.values.isna().all()

    def test_scale_is_the_most_decimals(self) -> None:
        assert parse_amounts(s("1.5", "2.125", "3")).scale == 3

    def test_exact_sum(self) -> None:
        parsed = parse_amounts(s(*["0.10"] * 10))
        assert sum(Decimal(repr(v)) for v in parsed.values) == Decimal("1.0")

    def test_workbook_numbers(self) -> None:
        parsed = parse_amounts(pd.Series([1.5, 2, "3.25", True, None], dtype=object))
        assert parsed.values.tolist()[:3] == [1.5, 2.0, 3.25]
        assert parsed.bad.tolist() == [False, False, False, True, False]
        assert parsed.scale == 2

    @settings(max_examples=60, deadline=None)
    @given(
        st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False),
        st.sampled_from(["plain", "us", "eu", "paren", "sap", "currency"]),
    )
    def test_round_trip_is_exact(self, value: Decimal, style: str) -> None:
        text = f"{abs(value):,.4f}"
        negative = value < 0
        if style == "plain":
            text = f"{value:.4f}"
        elif style == "us":
            text = ("-" if negative else "") + text
        elif style == "eu":
            text = text.replace(",", "_").replace(".", ",").replace("_", ".")
            text += "-" if negative else ""
        elif style == "paren":
            text = f"({text})" if negative else text
        elif style == "sap":
            text = f"{abs(value):.4f}".replace(".", ",") + ("-" if negative else "")
        else:
            text = ("-" if negative else "") + "$" + text
        decimal = "," if style in {"eu", "sap"} else "."
        parsed = parse_amounts(s(text), decimal=decimal)  # type: ignore[arg-type]
        assert parsed.values.iloc[0] == float(Decimal(f"{value:.4f}"))

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.text(alphabet="0123456789.,-() $€EURabc\u00a0", max_size=12), max_size=8))
    def test_nothing_but_input_data_error_escapes(self, texts: list[str]) -> None:
        try:
            parsed = parse_amounts(pd.Series(texts, dtype="str"))
        except InputDataError:
            return
        for text, value, bad in zip(texts, parsed.values, parsed.bad, strict=True):
            assert bad or np.isnan(value) or np.isfinite(value), text


class TestOthers:
    def test_booleans(self) -> None:
        parsed = parse_booleans(s("Yes", "no", "TRUE", "f", "Y", "N", "1", "0", "x", "", "maybe"))
        assert parsed.values.tolist()[:9] == [
            True,
            False,
            True,
            False,
            True,
            False,
            True,
            False,
            True,
        ]
        assert parsed.values.isna().tolist()[9:] == [True, True]
        assert parsed.bad.tolist()[9:] == [False, True]
        assert str(parsed.values.dtype) == "boolean"

    def test_workbook_booleans(self) -> None:
        parsed = parse_booleans(pd.Series([True, 0, 2.0, "no"], dtype=object))
        assert parsed.values.tolist()[:2] == [True, False]
        assert parsed.bad.tolist() == [False, False, True, False]

    def test_integers(self) -> None:
        parsed = parse_integers(s("1", "2.5", "3", "", "two"))
        assert parsed.values.tolist()[0] == 1 and parsed.values.tolist()[2] == 3
        assert parsed.bad.tolist() == [False, True, False, False, True]
        assert str(parsed.values.dtype) == "Int64"

    def test_minutes_take_durations(self) -> None:
        parsed = parse_minutes(s("1:30:00", "12", "0:45"))
        assert parsed.values.tolist() == [90.0, 12.0, 45.0]

    def test_text_keeps_leading_zeros_and_drops_null_tokens(self) -> None:
        parsed = parse_text(pd.Series(["0001", " a ", "?", 3.0, 4.5, None], dtype=object))
        assert parsed.values.tolist()[:2] == ["0001", "a"]
        assert pd.isna(parsed.values.iloc[2])
        assert parsed.values.tolist()[3:5] == ["3", "4.5"]
