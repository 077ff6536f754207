"""Month bar charts laid out on the server (pure)."""
import datetime

from discovery import charts
from discovery.state import SearchState


def test_month_span_and_filling_gaps_with_zero():
    assert charts.month_span("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert charts.filled({"2025-11": 2, "2026-01": 1}) == [("2025-11", 2), ("2025-12", 0), ("2026-01", 1)]
    assert charts.filled({}) == []


def test_bars_scale_to_the_tallest_and_small_counts_stay_visible():
    chart = charts.bar_chart([("2025-01", 100), ("2025-02", 0), ("2025-03", 1)])
    tall, empty, small = chart.bars
    assert chart.width == charts.MIN_SLOTS * charts.SLOT and chart.max_value == 100
    assert (tall.y, tall.height) == (0, charts.HEIGHT)
    assert empty.height == 0 and not empty.url
    assert small.height == charts.MIN_BAR
    assert tall.x < empty.x < small.x and tall.width == charts.SLOT * (1 - charts.GAP)


def test_year_ticks_at_the_start_and_each_january():
    months = charts.month_span("2024-11", "2026-02")
    assert charts.year_ticks(months) == [(0.0, "2024"), (12.5, "2025"), (87.5, "2026")]


def test_histogram_bars_link_to_their_month_and_say_what_they_count():
    chart = charts.month_histogram(SearchState(q="x"), {"2025-10": 3, "2025-12": 1})
    assert [(b.key, b.value, b.url) for b in chart.bars] == [
        ("2025-10", 3, "?q=x&from=2025-10-01&to=2025-10-31"), ("2025-11", 0, ""),
        ("2025-12", 1, "?q=x&from=2025-12-01&to=2025-12-31")]
    assert chart.bars[0].label == "2025年10月：3 篇"


def test_year_links_skip_empty_years_and_mark_the_current_one():
    assert charts.year_links(SearchState(), {2025: 4, 2026: 0}) == [(2025, 4, "?from=2025-01-01&to=2025-12-31", False)]
    this_year = SearchState(date_from=datetime.date(2025, 1, 1), date_to=datetime.date(2025, 12, 31))
    assert [link[3] for link in charts.year_links(this_year, {2024: 1, 2025: 4})] == [False, True]
