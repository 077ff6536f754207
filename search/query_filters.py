"""Exact-value filters and a date range, carried from SearchQuerySet to a backend as data.

Haystack's narrow() passes filters as query strings each backend parses
again; the archive's backends take them as structured parameters instead
(term_filters, date_range), whatever the engine.
"""
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any


def date_range_bounds(date_range: tuple[date | None, date | None]) -> tuple[datetime | None, ...]:
    """Return (start, end) datetimes of a (first day, last day) range; None stays open."""
    return tuple(None if day is None else day if isinstance(day, datetime)
                 else datetime.combine(day, time.max if last else time.min)
                 for day, last in zip(date_range, (False, True)))


class StructuredFilters:
    """A mixin for haystack SearchQuery classes; list it before the engine's class."""

    def __init__(self, using: str = "default") -> None:
        super().__init__(using=using)  # type: ignore[call-arg]  # the engine's SearchQuery
        self.term_filters: dict[str, tuple[str, ...]] = {}
        self.date_range: tuple[date | None, date | None] | None = None
        self.date_free_facets: tuple[str, ...] = ()
        self.aside: dict[str, tuple[str, ...]] = {}
        self.literal = False

    def set_aside(self, field: str, values: Iterable[str]) -> None:
        """Rank the documents whose field holds one of values after all others, and leave them out of facets."""
        self.aside = {field: tuple(values)}

    def set_literal(self, literal: bool = True) -> None:
        """Search the words as typed, without the editors' synonyms."""
        self.literal = literal

    def add_term_filter(self, field: str, values: Iterable[str]) -> None:
        self.term_filters[field] = tuple(values)

    def set_date_range(self, start: date | None, end: date | None) -> None:
        self.date_range = (start, end)

    def count_facets_without_dates(self, fields: Iterable[str]) -> None:
        """Also count these facets without the date range (the month histogram), in the same search."""
        self.date_free_facets = tuple(fields)

    def build_params(self, spelling_query: str | None = None, **kwargs: Any) -> dict[str, Any]:
        params = super().build_params(spelling_query=spelling_query, **kwargs)  # type: ignore[misc]
        if self.term_filters:
            params["term_filters"] = dict(self.term_filters)
        if self.date_range:
            params["date_range"] = self.date_range
        if self.date_free_facets:
            params["date_free_facets"] = self.date_free_facets
        if self.aside:
            params["aside"] = dict(self.aside)
        if self.literal:
            params["literal"] = True
        return params

    def _clone(self, klass: type | None = None, using: str | None = None) -> Any:
        clone = super()._clone(klass=klass, using=using)  # type: ignore[misc]
        clone.term_filters = dict(self.term_filters)
        clone.date_range = self.date_range
        clone.date_free_facets = self.date_free_facets
        clone.aside = dict(self.aside)
        clone.literal = self.literal
        return clone
