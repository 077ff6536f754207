"""Publication dates from records and page headers."""
import datetime

import pytest

from archive.ingest.dates import find_header_date, parse_date
from archive.ingest.errors import RecordRejected

TODAY = datetime.date(2026, 3, 20)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026/2/5", datetime.date(2026, 2, 5)),
        ("2025-11-01", datetime.date(2025, 11, 1)),
        ("2023-06-01 08:04:04", datetime.date(2023, 6, 1)),
        ("2025-11-01T08:04:04+08:00", datetime.date(2025, 11, 1)),
        ("2025.11.01", datetime.date(2025, 11, 1)),
        ("2025年11月1日", datetime.date(2025, 11, 1)),
        ("２０２５年１１月１日", datetime.date(2025, 11, 1)),
        # Unix seconds and milliseconds, read in China time (UTC 16:00 is next day there).
        (1730419200, datetime.date(2024, 11, 1)),
        (1730419200000, datetime.date(2024, 11, 1)),
        (1730476800.5, datetime.date(2024, 11, 2)),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value, today=TODAY) == expected


def test_parse_date_uses_the_given_year_for_yearless_dates():
    assert parse_date("3月15日", year=2026, today=TODAY) == datetime.date(2026, 3, 15)
    assert parse_date("3-15", year=2026, today=TODAY) == datetime.date(2026, 3, 15)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "missing date"),
        ("", "missing date"),
        ("  ", "missing date"),
        ("2026-13-45", "unparseable date '2026-13-45'"),
        ("上周五", "unparseable date '上周五'"),
        ([2026, 2, 5], "unparseable date [2026, 2, 5]"),
        (True, "unparseable date True"),
        ("2031-01-01", "date 2031-01-01 is in the future"),
        ("2026-03-21", "date 2026-03-21 is in the future"),
        ("1989-12-31", "date 1989-12-31 is before 1990"),
        ("3月15日", "date '3月15日' has no year; pass --year"),
    ],
)
def test_parse_date_rejects(value, reason):
    with pytest.raises(RecordRejected) as caught:
        parse_date(value, today=TODAY)
    assert str(caught.value) == reason


def test_find_header_date_in_a_scraped_page():
    text = "环球微头条丨扎实推进长三角一体化高质量发展\n2023-06-01 08:04:04 来源:百度新闻\n\n长三角是全国创新能力最强的区域之一。"
    assert find_header_date(text) == datetime.date(2023, 6, 1)


def test_find_header_date_ignores_bare_dates():
    assert find_header_date("精彩看点:买了意外险被车撞死了如何赔\n\n2023-06-01\n") is None
