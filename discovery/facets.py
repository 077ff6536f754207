"""Facet values shaped once, for the page and the API alike (pure).

Each facet of discovery.facet_table becomes a Facet of FacetValues: value,
count, selected flag and the URL that toggles it. Counts come from the
backend with every filter but the facet's own, so values in one facet
combine with OR (multi-select) and a selected value still shows at zero.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from discovery.facet_table import DEADLINE, FACETS, MONTH, VALUE_FILTERS, FacetSpec, Label

if TYPE_CHECKING:
    from discovery.service import SearchPage
    from discovery.state import SearchState

TOP_VALUES = 8
Counts = Mapping[str, Sequence[tuple[str, int]]]  # facet param -> [(value, count)] from the backend


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool
    url: str
    label: Label = ""

    def __post_init__(self) -> None:
        self.label = self.label or self.value

    def as_dict(self, *, links: bool = True) -> dict[str, str | int | bool]:
        """Return {value, count}, with selected and url unless links=False (the API's shape)."""
        data: dict[str, str | int | bool] = {"value": self.value, "count": self.count}
        if links:
            data.update(selected=self.selected, url=self.url)
        return data

    def html(self, param: str) -> SafeString:
        """Return the value's checkbox item of facet param (value, label and URL escaped).

        Built here rather than by a template include: a page lists a hundred or more values, and
        the include with its plural tag cost about 40 µs a value, this about 8.
        """
        selected = mark_safe(' class="selected"') if self.selected else ""
        checked = mark_safe(" checked") if self.selected else ""
        badge = format_html(' <span class="badge">{}</span>', gettext("已选")) if self.selected else ""
        # The message ids of the template this replaced; the count is an int, the catalog is ours.
        count = mark_safe(ngettext('%(n)s<span class="visually-hidden"> 篇</span>',
                                   '%(n)s<span class="visually-hidden"> 篇</span>', self.count) % {"n": self.count})
        return format_html('<li{}><label><input type="checkbox" name="{}" value="{}" data-url="{}#hits"{}> '
                           '<span class="value">{}</span>{} <span class="count">{}</span></label></li>',
                           selected, param, self.value, self.url, checked, self.label, badge, count)


@dataclass
class Facet:
    param: str
    label: Label
    values: list[FacetValue] = field(default_factory=list)

    def _html(self, values: list[FacetValue]) -> SafeString:
        return mark_safe("".join(v.html(self.param) + "\n" for v in values))

    @property
    def values_html(self) -> SafeString:
        return self._html(self.values)

    @property
    def top_html(self) -> SafeString:
        return self._html(self.top)

    @property
    def more_html(self) -> SafeString:
        return self._html(self.more)

    @property
    def top(self) -> list[FacetValue]:
        """Return the values shown at once: the top ones, plus any selected further down."""
        return [v for i, v in enumerate(self.values) if i < TOP_VALUES or v.selected]

    @property
    def more(self) -> list[FacetValue]:
        return [v for i, v in enumerate(self.values) if i >= TOP_VALUES and not v.selected]

    @property
    def selected(self) -> list[FacetValue]:
        return [v for v in self.values if v.selected]


def value_facet(state: SearchState, spec: FacetSpec, pairs: Sequence[tuple[str, int]]) -> Facet:
    """Return the Facet of a value filter: counts high to low (or by name), selected values kept at zero."""
    counted = {value: n for value, n in pairs if value and n}
    selected = getattr(state, spec.param)
    for value in selected:
        counted.setdefault(value, 0)
    if state.facet_sort == "name":
        ordered = sorted(counted.items(), key=lambda kv: (str(spec.display(kv[0])), kv[0]))
    else:
        ordered = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
    return Facet(spec.param, spec.label, [
        FacetValue(value, n, value in selected, state.toggle(spec.param, value), spec.display(value))
        for value, n in ordered])


def value_facets(state: SearchState, counts: Counts) -> list[Facet]:
    """Return the Facet of each value filter, in the table's order."""
    return [value_facet(state, spec, counts.get(spec.param, [])) for spec in VALUE_FILTERS]


def month_facet(state: SearchState, month_counts: Mapping[str, int]) -> Facet:
    """Return the months of the result set, each linking to that month within the current range."""
    return Facet(MONTH.param, MONTH.label, [
        FacetValue(month, n, month == state.month, state.month_query(month)) for month, n in month_counts.items()])


def deadline_facet(state: SearchState, deadline_counts: Mapping[str, int], *, every_choice: bool = False) -> Facet:
    """Return the "calls for applications" choices with counts; the chosen one shows at zero.

    Choices counting nothing are left out unless every_choice (the API lists them all).
    """
    values = []
    for choice, label in DEADLINE.value_labels.items():
        n = deadline_counts.get(choice, 0)
        chosen = state.deadline == choice
        if n or chosen or every_choice:
            url = state.query_string(deadline="" if chosen else choice)
            values.append(FacetValue(choice, n, chosen, url, label))
    return Facet(DEADLINE.param, DEADLINE.label, values)


def _facet(spec: FacetSpec, page: SearchPage) -> Facet:
    if spec.value_filter:
        return value_facet(page.state, spec, page.counts.get(spec.param, []))
    if spec is MONTH:
        return month_facet(page.state, page.month_counts)
    if spec is DEADLINE:
        return deadline_facet(page.state, page.deadline_counts, every_choice=True)
    raise LookupError(f"no shaping declared for the facet {spec.param!r}")


def page_facets(page: SearchPage) -> list[Facet]:
    """Return every facet of the table for a SearchPage, in the table's order, every choice listed."""
    return [_facet(spec, page) for spec in FACETS]


def api_facets(page: SearchPage) -> dict[str, list[dict[str, str | int | bool]]]:
    """Return the facets of a SearchPage as the API's {param: [{value, count}]}."""
    return {facet.param: [v.as_dict(links=False) for v in facet.values] for facet in page_facets(page)}
