"""What to try when a search finds nothing: each filter dropped, with the count it would give.

The counts come from the page's own search (the backend's "relaxed" counts),
so a zero-hit page runs no further searches. Dropping one of several values
of a facet never helps (values within a facet are OR'ed), so each facet is
dropped whole.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from discovery.facet_table import FILTER_PARAMS

if TYPE_CHECKING:
    from discovery.service import SearchPage
    from discovery.state import SearchState


@dataclass
class Relaxation:
    param: str  # the filter dropped: a value filter's param, "dates", "deadline", "filters" or "any"
    values: tuple[str, ...]
    count: int | None  # None: not counted (terms OR'ed need a search of their own)
    url: str


def _candidates(state: SearchState, terms: list[str], relaxed: dict[str, int]) -> Iterator[Relaxation]:
    for param in FILTER_PARAMS:
        values = getattr(state, param)
        if values:
            yield Relaxation(param, tuple(values), relaxed.get(param, 0),
                             state.replace(**{param: ()}).query_string())
    if state.has_dates:
        yield Relaxation("dates", (), relaxed.get("dates", 0),
                         state.replace(date_from=None, date_to=None).query_string())
    if state.deadline:
        yield Relaxation("deadline", (state.deadline,), relaxed.get("deadline", 0),
                         state.replace(deadline="").query_string())
    if state.q and state.has_filters:
        yield Relaxation("filters", (), relaxed.get("*", 0), state.cleared().query_string())
    if len(terms) > 1:
        q = " OR ".join(terms)
        yield Relaxation("any", (q,), None, state.replace(q=q).query_string())


def relaxations(page: SearchPage) -> list[Relaxation]:
    """Return the Relaxations of a search with no results that would find something."""
    return [r for r in _candidates(page.state, page.terms, page.relaxed) if r.count is None or r.count]
