"""The search state read from the URL, and links that change one part of it (pure)."""
from dataclasses import dataclass, field, replace
from datetime import date

from django.utils.http import urlencode

FILTER_PARAMS = ("source", "topic", "region", "kind")


@dataclass(frozen=True)
class SearchState:
    q: str = ""
    source: tuple = ()
    topic: tuple = ()
    region: tuple = ()
    kind: tuple = ()
    date_from: date | None = None
    date_to: date | None = None
    sort: str = ""
    page: int = 1
    extra: dict = field(default_factory=dict, compare=False)

    @classmethod
    def from_cleaned(cls, data):
        return cls(q=(data.get("q") or "").strip(),
                   **{name: tuple(data.get(name) or ()) for name in FILTER_PARAMS},
                   date_from=data.get("date_from"), date_to=data.get("date_to"),
                   sort=data.get("sort") or "", page=data.get("page") or 1)

    @property
    def effective_sort(self):
        """Return the sort in force: relevance with a query, newest without, unless chosen."""
        if self.sort in ("newest", "oldest"):
            return self.sort
        return "relevance" if self.q else "newest"

    @property
    def has_filters(self):
        return any(getattr(self, n) for n in FILTER_PARAMS) or bool(self.date_from or self.date_to)

    def params(self):
        """Return the state as an ordered list of URL parameters (page omitted when 1)."""
        items = []
        if self.q:
            items.append(("q", self.q))
        for name in FILTER_PARAMS:
            items.extend((name, v) for v in getattr(self, name))
        if self.date_from:
            items.append(("from", self.date_from.isoformat()))
        if self.date_to:
            items.append(("to", self.date_to.isoformat()))
        if self.sort:
            items.append(("sort", self.sort))
        if self.page and self.page != 1:
            items.append(("page", str(self.page)))
        return items

    def query_string(self, **changes):
        """Return "?…" for this state with changes applied; any change but page resets page."""
        state = replace(self, **changes)
        if "page" not in changes:
            state = replace(state, page=1)
        params = state.params()
        return "?" + urlencode(params) if params else "?"

    def toggle(self, name, value):
        """Return the query string with value added to or removed from filter name."""
        values = getattr(self, name)
        new = tuple(v for v in values if v != value) if value in values else values + (value,)
        return self.query_string(**{name: new})
