"""Run a search for a SearchState and return plain values for pages and the API."""
import math
from dataclasses import dataclass, field

from django.urls import reverse
from haystack.query import SearchQuerySet

from archive.models import Article
from search import snippets
from search.search_indexes import FACET_FIELDS
from search.state import SearchState

PAGE_SIZE = 20
SORT_FIELDS = {"newest": "-published", "oldest": "published"}


@dataclass
class SearchPage:
    state: SearchState
    count: int
    results: list
    facets: dict
    terms: list = field(default_factory=list)
    fallback: bool = False

    @property
    def page(self):
        return self.state.page

    @property
    def num_pages(self):
        return max(1, math.ceil(self.count / PAGE_SIZE))

    @property
    def first_index(self):
        return (self.page - 1) * PAGE_SIZE + 1 if self.results else 0

    @property
    def last_index(self):
        return self.first_index + len(self.results) - 1 if self.results else 0


def build_queryset(state):
    """Return the SearchQuerySet for state, with every facet requested."""
    sqs = SearchQuerySet().models(Article)
    if state.q:
        sqs = sqs.raw_search(state.q)
    for param, index_field in FACET_FIELDS.items():
        values = getattr(state, param, ())
        if values:
            sqs.query.add_term_filter(index_field, values)
    if state.date_from or state.date_to:
        sqs.query.set_date_range(state.date_from, state.date_to)
    for index_field in FACET_FIELDS.values():
        sqs = sqs.facet(index_field)
    sort = SORT_FIELDS.get(state.effective_sort)
    if sort:
        sqs = sqs.order_by(sort)
    return sqs


def run_search(state):
    """Return the SearchPage for state: one page of results, the total and facet counts."""
    sqs = build_queryset(state)
    start = (state.page - 1) * PAGE_SIZE
    hits = list(sqs[start:start + PAGE_SIZE])
    count = sqs.count()
    counts = sqs.facet_counts().get("fields", {})
    parsed = sqs.query.backend.parse_query(state.q)
    return SearchPage(
        state=state,
        count=count,
        results=_result_items(hits, parsed.terms),
        facets=_facets(state, counts),
        terms=parsed.terms,
        fallback=parsed.fallback,
    )


def _result_items(hits, terms):
    pks = [int(hit.pk) for hit in hits]
    articles = Article.objects.select_related("source").prefetch_related("topics").in_bulk(pks)
    items = []
    for pk in pks:
        article = articles.get(pk)
        if article is None:  # deleted since it was indexed; the index catches up on commit
            continue
        items.append(result_item(article, terms))
    return items


def result_item(article, terms):
    """Return the API/page representation of one article hit."""
    return {
        "id": article.pk,
        "title": article.title,
        "title_html": snippets.highlight(article.title, terms),
        "source": article.source.name,
        "published": article.published.isoformat(),
        "url": article.url,
        "permalink": reverse("archive:article", args=[article.pk]),
        "topics": sorted(t.name for t in article.topics.all()),
        "regions": article.region_list,
        "kind": article.kind,
        "snippet": snippets.snippet(article.body or article.title, terms),
    }


def _facets(state, counts):
    """Return {param: [{value, count, selected, url}]}; selected values show even at zero."""
    out = {}
    for param, index_field in FACET_FIELDS.items():
        pairs = dict(counts.get(index_field, []))
        selected = getattr(state, param, ())
        for value in selected:
            pairs.setdefault(value, 0)
        values = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        if param == "month":
            values = sorted(pairs.items())
        out[param] = [
            {"value": value, "count": n, "selected": value in selected,
             "url": state.toggle(param, value) if param != "month" else _month_url(state, value)}
            for value, n in values
        ]
    return out


def _month_url(state, month):
    import calendar
    from datetime import date

    year, mon = (int(x) for x in month.split("-"))
    last = calendar.monthrange(year, mon)[1]
    return state.query_string(date_from=date(year, mon, 1), date_to=date(year, mon, last))
