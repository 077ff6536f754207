"""Run a search for a SearchState and return plain values for pages, exports and the API."""
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from haystack.query import SearchQuerySet

from archive.models import Article
from discovery import snippets
from discovery.facet_table import BY_PARAM, DEADLINE, FACETS, MONTH, VALUE_FILTERS, display_value
from discovery.facets import page_facets
from discovery.state import DEFAULT_PER_PAGE, SERVICE_SORTS, SearchState
from search import spelling
from search.spelling import Suggestion
from search.synonyms import Added
from search.indexing import backend

PAGE_SIZE = DEFAULT_PER_PAGE
FEW_HITS = 2  # at most this many results: suggest nearby words (did you mean)
# The engine orders by relevance or date only; source and title are ordered here, over the
# whole result set, when it has at most this many hits (else the page says so and keeps newest first).
SERVICE_SORT_LIMIT = 2000
SORT_FIELDS = {"newest": "-published", "oldest": "published", "source": "-published", "title": "-published"}
ALL_FACETS = tuple(spec.param for spec in FACETS)
# A deadline filter value no document has: "open now" when nothing is open.
NO_DEADLINE = "none"
HAS_BODY, WITH_BODY, NO_BODY = "has_body", "yes", "no"
_TITLE_MARKERS_RE = re.compile(r"^(?:【[^】]*】\s*)+")


@dataclass
class SearchPage:
    state: SearchState
    count: int
    results: list[dict[str, Any]]
    counts: dict[str, list[tuple[str, int]]]  # facet param -> [(value, count)], without its own filter
    month_counts: dict[str, int]  # "YYYY-MM" -> count in the current result set
    year_counts: dict[int, int]  # year -> count, without the date range (to switch years)
    today: date | None = None
    terms: list[str] = field(default_factory=list)
    fallback: bool = False
    relaxed: dict[str, int] = field(default_factory=dict)  # filter param -> hits without it ("q": query alone)
    added: list[Added] = field(default_factory=list)  # words searched with synonyms
    suggestions: list[Suggestion] = field(default_factory=list)  # for few or no hits
    bodiless: int = 0  # results without body text (found by title; not in the facet counts)
    sort_unavailable: bool = False  # source/title asked for a result set too large to order here
    months_any_date: dict[str, int] = field(default_factory=dict)  # "YYYY-MM" -> count without the date range

    @property
    def page(self) -> int:
        return self.state.page

    @property
    def per_page(self) -> int:
        return self.state.per_page

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def past_end(self) -> bool:
        """Return True when the page asked for lies beyond the last page of a non-empty result set."""
        return bool(self.count) and self.page > self.num_pages

    @property
    def first_index(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.results else 0

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.results) - 1 if self.results else 0

    @property
    def facets(self) -> dict[str, list[dict[str, str | int | bool]]]:
        """Return {param: [{value, count, selected, url}]} for every facet of the table."""
        return {f.param: [v.as_dict() for v in f.values] for f in page_facets(self)}

    @property
    def deadline_counts(self) -> dict[str, int]:
        """Return {"open": n, "any": n}: results with a deadline not yet passed, and with any."""
        pairs = self.counts.get("deadline", [])
        today = (self.today or timezone.localdate()).isoformat()
        return {"open": sum(n for value, n in pairs if value >= today),
                "any": sum(n for _, n in pairs)}


def deadline_values(choice: str, today: date) -> list[str]:
    """Return the indexed deadline values the deadline filter choice ("open", "any") keeps."""
    articles = Article.objects.with_body().exclude(deadline=None)
    if choice == "open":
        articles = articles.filter(deadline__gte=today)
    days = articles.order_by().values_list("deadline", flat=True).distinct()
    return sorted(day.isoformat() for day in days)


def build_queryset(state: SearchState, *, today: date | None = None, facets: Iterable[str] = ALL_FACETS,
                   dates: bool = True, sort: bool = True, bodiless: str = "exclude") -> SearchQuerySet:
    """Return the SearchQuerySet for state with the facets params requested.

    dates=False leaves the date range out (the month histogram is counted without it).
    bodiless: "exclude" leaves articles without body text out (unless state.empty);
    "aside" keeps those a query finds, after the others and out of the facets.
    """
    sqs = SearchQuerySet().models(Article)
    if state.q:
        sqs = sqs.raw_search(state.q)
    if state.literal:
        sqs.query.set_literal()
    if not state.empty:
        if bodiless == "aside" and state.q:
            sqs.query.set_aside(HAS_BODY, (NO_BODY,))
        else:
            sqs.query.add_term_filter(HAS_BODY, (WITH_BODY,))
    for spec in VALUE_FILTERS:
        values = getattr(state, spec.param)
        if values:
            sqs.query.add_term_filter(spec.index_field, values)
    if state.deadline:
        values = deadline_values(state.deadline, today or timezone.localdate())
        sqs.query.add_term_filter(DEADLINE.index_field, values or (NO_DEADLINE,))
    if dates and state.has_dates:
        sqs.query.set_date_range(state.date_from, state.date_to)
    for param in facets:
        sqs = sqs.facet(BY_PARAM[param].index_field)
    order = SORT_FIELDS.get(state.effective_sort)
    if sort and order:
        sqs = sqs.order_by(order)
    return sqs


def _counts_by_param(facet_data: Mapping[str, Any], params: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    """Return {param: [(value, count)]} from the backend's facet counts, keyed by index field."""
    fields = facet_data.get("fields", {})
    return {param: list(fields.get(BY_PARAM[param].index_field, [])) for param in params}


def totals(state: SearchState, *, params: Iterable[str] = (), today: date | None = None,
           dates: bool = True) -> tuple[int, dict[str, list[tuple[str, int]]]]:
    """Return (result count, {param: [(value, count)]}) for state without fetching a page."""
    sqs = build_queryset(state, today=today, facets=params, dates=dates, sort=False)
    count = sqs.count()  # runs the query for one hit; the facet counts come with it
    return count, _counts_by_param(sqs.facet_counts(), params)


def count_for(state: SearchState, *, today: date | None = None) -> int:
    """Return the number of results for state."""
    return totals(state, today=today)[0]


def run_search(state: SearchState, *, today: date | None = None) -> SearchPage:
    """Return the SearchPage for state from one evaluation of the query: results, facets, histogram."""
    today = today or timezone.localdate()
    sqs = build_queryset(state, today=today, bodiless="aside")
    sqs.query.count_facets_without_dates((MONTH.index_field,))
    pks, count, sort_unavailable = _page_pks(sqs, state)
    facet_data = sqs.facet_counts()
    counts = _counts_by_param(facet_data, ALL_FACETS)
    months_any_date = facet_data.get("without_dates", {}).get(MONTH.index_field, counts[MONTH.param])
    years: dict[int, int] = {}
    for month, n in months_any_date:
        years[int(month[:4])] = years.get(int(month[:4]), 0) + n
    parsed = backend().parse_query(state.q, synonyms=not state.literal)
    return SearchPage(
        state=state,
        count=count,
        results=result_items(pks, parsed.terms),
        counts=counts,
        month_counts=dict(sorted(counts[MONTH.param])),
        year_counts=dict(sorted(years.items())),
        today=today,
        terms=parsed.terms,
        fallback=parsed.fallback,
        relaxed=relaxed_counts(facet_data.get("relaxed", {})),
        added=list(parsed.added),
        bodiless=int(facet_data.get("aside", {}).get("count", 0)),
        suggestions=spelling.suggest(state.q, backend().document_frequencies)
        if state.q and count <= FEW_HITS else [],
        sort_unavailable=sort_unavailable,
        months_any_date=dict(sorted(months_any_date)),
    )


def _page_pks(sqs: SearchQuerySet, state: SearchState) -> tuple[list[int], int, bool]:
    """Return (pks of the page, result count, sort_unavailable) from the one evaluation of sqs."""
    start, size = (state.page - 1) * state.per_page, state.per_page
    if state.effective_sort not in SERVICE_SORTS:
        hits = list(sqs[start:start + size])
        return [int(hit.pk) for hit in hits], sqs.count(), False
    hits = list(sqs[0:SERVICE_SORT_LIMIT])  # newest first: the tie order within a source or title
    count = sqs.count()
    pks = [int(hit.pk) for hit in hits]
    if count > SERVICE_SORT_LIMIT:
        return pks[start:start + size], count, True
    return ordered_pks(hits, state.effective_sort)[start:start + size], count, False


def ordered_pks(hits: Sequence[Any], sort: str) -> list[int]:
    """Return the pks of hits (newest first) stably ordered by source name or by title."""
    pks = [int(hit.pk) for hit in hits]
    if sort == "source":
        names = {int(hit.pk): getattr(hit, "source", "") or "" for hit in hits}
    else:
        names = {pk: _TITLE_MARKERS_RE.sub("", title).strip() for pk, title in
                 Article.objects.filter(pk__in=pks).values_list("pk", "title")}
    return sorted(pks, key=lambda pk: names.get(pk, ""))


def relaxed_counts(relaxed: Mapping[str, int]) -> dict[str, int]:
    """Return {param or "dates" or "q": hits with that filter dropped} from the backend's counts."""
    by_field = {spec.index_field: spec.param for spec in FACETS}
    out = {by_field.get(name, name): n for name, n in relaxed.items()}
    if "published" in out:
        out["dates"] = out.pop("published")
    return out


def parse_terms(q: str) -> list[str]:
    """Return the terms a query string searches for (what snippets mark)."""
    return backend().parse_query(q).terms


def load_articles(pks: Sequence[int], *, defer: Iterable[str] = ("raw",)) -> list[Article]:
    """Return the articles with these pks in that order, skipping any deleted since indexing.

    The verbatim record (raw) is left unread unless defer says otherwise: no page shows it.
    """
    articles = (Article.objects.select_related("source").prefetch_related("topics").defer(*defer)
                .in_bulk(pks))
    return [articles[pk] for pk in pks if pk in articles]


def result_ids(state: SearchState, *, limit: int, today: date | None = None) -> list[int]:
    """Return the pks of the first limit results of state, in result order, from one search."""
    sqs = build_queryset(state, today=today, facets=()).values_list("pk", flat=True)
    return [int(pk) for pk in sqs[:limit]]


def iter_articles(state: SearchState, *, limit: int, today: date | None = None,
                  chunk: int = 500) -> Iterator[Article]:
    """Yield the articles of the whole result set in result order, at most limit of them.

    The engine is asked once for every id (searching again per chunk redid the
    query and the sort each time); the rows are then read chunk by chunk.
    """
    pks = result_ids(state, limit=limit, today=today)
    for start in range(0, len(pks), chunk):
        yield from load_articles(pks[start:start + chunk])


def result_items(pks: Sequence[int], terms: Sequence[str]) -> list[dict[str, Any]]:
    return [result_item(article, terms) for article in load_articles(pks)]


def result_item(article: Article, terms: Sequence[str]) -> dict[str, Any]:
    """Return the API/page representation of one article hit."""
    return {
        "id": article.pk,
        "title": article.title,
        "title_html": snippets.highlight(article.title, terms),
        "source": article.source.name,
        "published": article.published.isoformat(),
        "url": article.url,
        "permalink": reverse("discovery:article", args=[article.pk]),
        "topics": sorted(t.name for t in article.topics.all()),
        "regions": article.region_list,
        "kind": article.kind,
        "kind_label": display_value("kind", article.kind),
        "doc_number": article.doc_number,
        "issuing_bodies": list(article.issuing_bodies or []),
        "cited_numbers": list(article.cited_numbers or []),
        "deadline": article.deadline.isoformat() if article.deadline else None,
        "snippet": snippets.snippet(article.title if article.is_empty else article.body or article.title,
                                    terms),
        "has_body": not article.is_empty,
    }
