"""What to try when a search finds nothing: each filter dropped, with the count it would give."""
from dataclasses import dataclass

from discovery.service import count_for
from discovery.state import FILTER_PARAMS

MAX_TRIES = 12


@dataclass
class Relaxation:
    param: str  # the filter dropped: a FILTER_PARAMS name, "dates", "deadline", "filters" or "q"
    value: str
    count: int
    url: str


def _candidates(state, terms):
    for param in FILTER_PARAMS:
        values = getattr(state, param)
        for value in values:
            yield param, value, state.replace(**{param: tuple(v for v in values if v != value)})
    if state.has_dates:
        yield "dates", "", state.replace(date_from=None, date_to=None)
    if state.deadline:
        yield "deadline", state.deadline, state.replace(deadline="")
    if state.q and state.has_filters:
        yield "filters", "", state.cleared()
    if len(terms) > 1:
        yield "any", " OR ".join(terms), state.replace(q=" OR ".join(terms))


def relaxations(page):
    """Return the Relaxations of a search with no results that would find something."""
    out = []
    for i, (param, value, relaxed) in enumerate(_candidates(page.state, page.terms)):
        if i >= MAX_TRIES:
            break
        n = count_for(relaxed, today=page.today)
        if n:
            out.append(Relaxation(param, value, n, relaxed.query_string()))
    return out
