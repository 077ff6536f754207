"""Bar charts over months, laid out on the server as numbers for an inline SVG (pure).

The SVG is drawn with preserveAspectRatio="none" at a fixed pixel height, so
bars fill any width from a 375 px phone to a desktop; text labels are HTML
placed by percentage, so they never scale with the drawing.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext, ngettext

if TYPE_CHECKING:
    from discovery.state import SearchState

BarText = Callable[[str, float], str]  # (month, value) -> a bar's label or URL
SLOT = 20  # viewBox units per month
HEIGHT = 100
GAP = 0.2
MIN_BAR = 1.5  # a month with any hits stays visible next to a tall one
MIN_SLOTS = 12  # a few months do not turn into wide blocks


@dataclass
class Bar:
    key: str
    value: float
    x: float
    y: float
    width: float
    height: float
    label: str = ""
    url: str = ""
    selected: bool = False


@dataclass
class Chart:
    width: float
    height: float
    bars: list[Bar]
    max_value: float
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (left %, text)
    max_label: str = ""
    max_text: str = ""  # the top of the y-axis scale, as text

    @property
    def mid_text(self) -> str:
        """Return the middle of the y-axis scale as text (the same form as max_text)."""
        if self.max_text.endswith("%"):
            return f"{self.max_value / 2:.1%}".replace(".0%", "%")
        half = self.max_value / 2
        return str(int(half)) if half == int(half) else f"{half:g}"

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def month_span(first: str, last: str) -> list[str]:
    """Return every "YYYY-MM" from first to last inclusive."""
    year, mon = (int(x) for x in first.split("-"))
    end = tuple(int(x) for x in last.split("-"))
    months = []
    while (year, mon) <= end:
        months.append(f"{year:04d}-{mon:02d}")
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return months


def filled(counts: Mapping[str, int], months: Sequence[str] | None = None) -> list[tuple[str, int]]:
    """Return [(month, count)] over months (default: first to last month in counts), zeros filled."""
    keys = sorted(k for k in counts if k)
    if months is None:
        months = month_span(keys[0], keys[-1]) if keys else []
    return [(m, counts.get(m, 0)) for m in months]


def year_ticks(months: Sequence[str], slots: int | None = None) -> list[tuple[float, str]]:
    """Return (left %, year) at the first month and at each January."""
    n = slots or len(months)
    return [(round(100 * i / n, 3), m[:4]) for i, m in enumerate(months)
            if i == 0 or m.endswith("-01")]


def bar_chart(series: Sequence[tuple[str, float]], *, max_value: float | None = None, label: BarText | None = None,
              url: BarText | None = None) -> Chart:
    """Lay out [(month, value)] as bars; label and url are functions of (month, value)."""
    n = len(series)
    top = max_value if max_value is not None else max((v for key, v in series), default=0)
    bars = []
    for i, (key, value) in enumerate(series):
        height = 0.0
        if value and top:
            height = max(MIN_BAR, HEIGHT * value / top)
        bars.append(Bar(
            key=key, value=value,
            x=round(i * SLOT + SLOT * GAP / 2, 3), y=round(HEIGHT - height, 3),
            width=round(SLOT * (1 - GAP), 3), height=round(height, 3),
            label=label(key, value) if label else "",
            url=url(key, value) if url and value else "",
        ))
    slots = max(n, MIN_SLOTS)
    top_text = str(int(top)) if top == int(top) else f"{top:g}"
    return Chart(width=slots * SLOT, height=HEIGHT, bars=bars, max_value=top,
                 ticks=year_ticks([key for key, value in series], slots), max_text=top_text)


def month_name(month: str) -> str:
    """Return "2025年10月" / "Oct 2025" for "2025-10" in the interface language."""
    year, mon = (int(x) for x in month.split("-"))
    return gettext("%(year)s年%(month)s月") % {"year": year, "month": mon}


def count_label(month: str, n: float) -> str:
    return ngettext("%(month)s：%(n)s 篇", "%(month)s：%(n)s 篇", n) % {"month": month_name(month), "n": n}


def month_histogram(state: SearchState, month_counts: Mapping[str, int],
                    months_any_date: Mapping[str, int] | None = None) -> Chart:
    """Return the Chart of the current results per month; each bar narrows the search to its month.

    Once one month is chosen, the bars count every month (months_any_date), so the
    neighbours stay reachable; the chosen bar is marked and clicking it removes the month.
    """
    chosen = state.month
    if chosen and months_any_date:
        undated = state.replace(date_from=None, date_to=None)
        chart = bar_chart(filled(months_any_date), label=count_label, url=lambda month, _v: (
            undated.query_string() if month == chosen else undated.month_query(month)))
        for bar in chart.bars:
            bar.selected = bar.key == chosen
    else:
        chart = bar_chart(filled(month_counts), label=count_label,
                          url=lambda month, _v: state.month_query(month))
    chart.max_label = ngettext("最多 %(n)s 篇/月", "最多 %(n)s 篇/月", chart.max_value) % {"n": chart.max_value}
    return chart


def year_links(state: SearchState, year_counts: Mapping[int, int]) -> list[tuple[int, int, str, bool]]:
    """Return [(year, count, url, current)]: shortcuts to each year with results."""
    return [(year, n, state.year_query(year), state.year == year) for year, n in sorted(year_counts.items()) if n]
