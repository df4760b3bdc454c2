"""Tolerant parsing of the values eMAG (a PHP service) sends."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from emag_api import parsing


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("82.6446", Decimal("82.6446")),
        (82.6446, Decimal("82.6446")),
        (15, Decimal("15")),
        (" 41,32 ", Decimal("41.32")),
        (Decimal("1.5"), Decimal("1.5")),
        ("-8.2645", Decimal("-8.2645")),
        (None, None),
        ("", None),
    ],
)
def test_to_decimal_accepts_numbers_strings_and_blanks(raw, expected):
    assert parsing.to_decimal(raw) == expected


def test_to_decimal_keeps_float_digits_exact():
    # Through str(): no binary noise such as 82.64459999999999.
    assert str(parsing.to_decimal(0.1)) == "0.1"


@pytest.mark.parametrize("raw", ["abc", "NaN", "inf", True, [1]])
def test_to_decimal_refuses_garbage(raw):
    with pytest.raises(ValueError):
        parsing.to_decimal(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("412345678", 412345678), (7, 7), (7.0, 7), ("7.0", 7), (None, None), ("", None)],
)
def test_to_int_accepts_ids_as_strings(raw, expected):
    assert parsing.to_int(raw) == expected


def test_to_int_refuses_fractions():
    with pytest.raises(ValueError):
        parsing.to_int("7.5")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1, True),
        (0, False),
        ("1", True),
        ("0", False),
        ("true", True),
        ("false", False),
        (True, True),
        (None, False),
    ],
)
def test_to_bool_reads_php_flags(raw, expected):
    assert parsing.to_bool(raw) is expected


def test_empty_object_sent_as_empty_list_reads_as_dict():
    assert parsing.as_object([]) == {}
    assert parsing.as_object(None) == {}
    assert parsing.as_object({"locker_pin": "1"}) == {"locker_pin": "1"}
    with pytest.raises(ValueError):
        parsing.as_object([1])


def test_php_list_sent_as_indexed_object_reads_as_list():
    assert parsing.as_list({"2": "c", "0": "a", "10": "k"}) == ["a", "c", "k"]
    assert parsing.as_list({}) == []
    assert parsing.as_list(None) == []
    with pytest.raises(ValueError):
        parsing.as_list({"name": "x"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0.21, "0.21"),
        ("0.21", "0.21"),
        (21, "0.21"),
        ("21", "0.21"),
        ("9%", "0.09"),
        (0, "0"),
        (1, "1"),
        ("0.11", "0.11"),
    ],
)
def test_vat_fraction_reads_fractions_and_percents(raw, expected):
    assert parsing.vat_fraction(raw) == Decimal(expected)


def test_vat_fraction_refuses_negative_rates():
    with pytest.raises(ValueError):
        parsing.vat_fraction("-0.21")


def test_timestamps_are_platform_local_time():
    # Bucharest is UTC+3 in summer, UTC+2 in winter.
    assert parsing.parse_datetime("2025-09-15 10:42:17", "emag_ro") == datetime(
        2025, 9, 15, 7, 42, 17, tzinfo=timezone.utc
    )
    assert parsing.parse_datetime("2025-01-15 10:00:00", "emag_ro") == datetime(
        2025, 1, 15, 8, 0, tzinfo=timezone.utc
    )
    # Budapest is one hour behind Bucharest.
    assert parsing.parse_datetime("2025-01-15 10:00:00", "emag_hu") == datetime(
        2025, 1, 15, 9, 0, tzinfo=timezone.utc
    )


def test_timestamps_tolerate_blanks_and_zero_dates():
    assert parsing.parse_datetime(None, "emag_ro") is None
    assert parsing.parse_datetime("", "emag_ro") is None
    assert parsing.parse_datetime("0000-00-00 00:00:00", "emag_ro") is None
    with pytest.raises(ValueError):
        parsing.parse_datetime("15/09/2025", "emag_ro")


def test_format_datetime_sends_local_time_and_round_trips():
    moment = datetime(2025, 9, 15, 7, 42, 17)  # naive = UTC, as Odoo stores it
    assert parsing.format_datetime(moment, "emag_bg") == "2025-09-15 10:42:17"
    assert parsing.parse_datetime(parsing.format_datetime(moment, "emag_bg"), "emag_bg") == (
        moment.replace(tzinfo=timezone.utc)
    )


def test_parse_date():
    assert parsing.parse_date("2025-09-15") == date(2025, 9, 15)
    assert parsing.parse_date("0000-00-00") is None


def test_messages_normalised_to_strings():
    assert parsing.normalize_messages(["a", {"field": "stock", "message": "too big"}]) == [
        "a",
        "stock: too big",
    ]
    assert parsing.normalize_messages("lone") == ["lone"]
    assert parsing.normalize_messages(None) == []
    assert parsing.normalize_messages({"0": "first", "1": "second"}) == ["first", "second"]


def test_handling_time_reads_id_or_value():
    assert parsing.handling_time_days({"id": 3}) == 3
    assert parsing.handling_time_days({"value": "5"}) == 5
    with pytest.raises(ValueError):
        parsing.handling_time_days({})
