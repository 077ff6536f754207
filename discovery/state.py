"""The search state read from the URL, and links that change one part of it (pure)."""
from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any
from urllib.parse import quote_plus

from archive.text_safety import clean_text
from discovery.facet_table import FILTER_PARAMS

SORTS = ("relevance", "newest", "oldest", "source", "title")
# Sorts the engine cannot order by itself: the service orders the whole result set (small sets only).
SERVICE_SORTS = ("source", "title")
PER_PAGE_CHOICES = (20, 50, 100)
DEFAULT_PER_PAGE = PER_PAGE_CHOICES[0]
FACET_SORTS = ("count", "name")


@dataclass(frozen=True)
class SearchState:
    """The whole state of a search page; one tuple field per value filter of discovery.facet_table."""

    q: str = ""
    source: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    issuer: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    deadline: str = ""
    sort: str = ""
    page: int = 1
    literal: bool = False  # the words as typed, without the editors' synonyms
    empty: bool = False  # articles without body text too, in browsing, facets and exports
    per_page: int = DEFAULT_PER_PAGE
    facet_sort: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_cleaned(cls, data: Mapping[str, Any]) -> SearchState:
        # Control characters never enter the state: titles, feeds and links built from it stay valid XML.
        filters: dict[str, Any] = {name: tuple(clean_text(v) for v in data.get(name) or ()) for name in FILTER_PARAMS}
        return cls(q=clean_text(data.get("q") or "").strip(), **filters,
                   date_from=data.get("date_from"), date_to=data.get("date_to"),
                   deadline=data.get("deadline") or "",
                   sort=data.get("sort") or "", page=data.get("page") or 1,
                   literal=data.get("literal") == "1", empty=data.get("empty") == "1",
                   per_page=int(data.get("per_page") or DEFAULT_PER_PAGE),
                   facet_sort=data.get("facet_sort") or "")

    @property
    def effective_sort(self) -> str:
        """Return the sort in force: relevance with a query, newest without, unless chosen."""
        if self.sort in SORTS and self.sort != "relevance":
            return self.sort
        return "relevance" if self.q else "newest"

    @property
    def has_dates(self) -> bool:
        return bool(self.date_from or self.date_to)

    @property
    def has_filters(self) -> bool:
        return any(getattr(self, n) for n in FILTER_PARAMS) or self.has_dates or bool(self.deadline)

    def params(self) -> list[tuple[str, str]]:
        """Return the state as an ordered list of URL parameters (page omitted when 1)."""
        return [item for name in _FIELD_ORDER for item in _field_params(name, getattr(self, name))]

    @cached_property
    def _encoded(self) -> dict[str, list[str]]:
        """Each field's URL parameters, encoded ("name=value"), the page's left out: links reuse them."""
        return {name: [_encode(*item) for item in _field_params(name, getattr(self, name))]
                for name in _FIELD_ORDER if name != "page"}

    def replace(self, **changes: Any) -> SearchState:
        """Return a copy with changes; any change but page goes back to page 1."""
        state = replace(self, **changes)
        return state if "page" in changes else replace(state, page=1)

    def query_string(self, **changes: Any) -> str:
        """Return "?…" for this state with changes applied; any change but page resets page.

        The same string as urlencode(self.replace(**changes).params()), built from this state's
        encoded fields and only the changed ones encoded anew: a page has hundreds of such links.
        """
        unknown = changes.keys() - _FIELDS
        if unknown:
            raise TypeError(f"no such search state fields: {sorted(unknown)}")
        parts = []
        for name in _FIELD_ORDER:
            if name in changes:
                parts.extend(_encode(*item) for item in _field_params(name, changes[name]))
            elif name != "page":
                parts.extend(self._encoded[name])
        return "?" + "&".join(parts)

    def toggle(self, name: str, value: str) -> str:
        """Return the query string with value added to or removed from filter name."""
        values = getattr(self, name)
        new = tuple(v for v in values if v != value) if value in values else values + (value,)
        return self.query_string(**{name: new})

    def cleared(self) -> SearchState:
        """Return the state without any filter, keeping the query and the sort."""
        return SearchState(q=self.q, sort=self.sort, literal=self.literal, empty=self.empty,
                           per_page=self.per_page, facet_sort=self.facet_sort)

    def month_query(self, month: str) -> str:
        """Return the query string narrowed to one month ("2025-10"), within the current range."""
        start, end = month_bounds(month)
        if self.date_from and self.date_from > start:
            start = self.date_from
        if self.date_to and self.date_to < end:
            end = self.date_to
        return self.query_string(date_from=start, date_to=end)

    def year_query(self, year: int) -> str:
        return self.query_string(date_from=date(year, 1, 1), date_to=date(year, 12, 31))

    @property
    def month(self) -> str:
        """Return "YYYY-MM" when the date range is exactly one calendar month, else ""."""
        if self.date_from and self.date_to and self.date_from.day == 1 and \
                (self.date_from.year, self.date_from.month) == (self.date_to.year, self.date_to.month) and \
                self.date_to == month_bounds(self.date_from.strftime("%Y-%m"))[1]:
            return self.date_from.strftime("%Y-%m")
        return ""

    @property
    def year(self) -> int | None:
        """Return the year when the date range is exactly one calendar year, else None."""
        if self.date_from and self.date_to and self.date_from == date(self.date_from.year, 1, 1) and \
                self.date_to == date(self.date_from.year, 12, 31):
            return self.date_from.year
        return None


_FIELD_ORDER = ("q", *FILTER_PARAMS, "date_from", "date_to", "deadline", "literal", "empty", "sort", "per_page",
                "facet_sort", "page")
_FIELDS = frozenset(_FIELD_ORDER)
_URL_NAMES = {"date_from": "from", "date_to": "to"}


def _encode(name: str, value: str) -> str:
    """Return name=value encoded as django.utils.http.urlencode encodes one pair."""
    return f"{quote_plus(name)}={quote_plus(value)}"


def _field_params(name: str, value: Any) -> list[tuple[str, str]]:
    """Return the URL parameters of one field of the state holding value (none at its default)."""
    if name in FILTER_PARAMS:
        return [(name, v) for v in value]
    if name in ("date_from", "date_to"):
        return [(_URL_NAMES[name], value.isoformat())] if value else []
    if name in ("literal", "empty"):
        return [(name, "1")] if value else []
    if name == "per_page":
        return [(name, str(value))] if value != DEFAULT_PER_PAGE else []
    if name == "page":
        return [(name, str(value))] if value and value != 1 else []
    return [(name, value)] if value else []


def month_bounds(month: str) -> tuple[date, date]:
    """Return (first day, last day) of a "YYYY-MM" month."""
    year, mon = (int(x) for x in month.split("-"))
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


# Export options: not part of the search state (no page links carry them); read by /export.csv and /export.json.
EXPORT_BODY_PARAM = "body"
_TRUE, _FALSE = ("1", "true", "yes"), ("", "0", "false", "no")


@dataclass(frozen=True)
class ExportOptions:
    body: bool = False  # include each article's full text

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> ExportOptions:
        """Return the options of a QueryDict, or raise ValueError naming a bad parameter."""
        value = query.get(EXPORT_BODY_PARAM, "").strip().lower()
        if value not in _TRUE + _FALSE:
            raise ValueError(EXPORT_BODY_PARAM)
        return cls(body=value in _TRUE)
