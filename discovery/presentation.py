"""Ready-made values for the search page template (links, labels, chips, charts, pager)."""
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from discovery import charts
from discovery.exports import EXPORT_LIMIT
from discovery.service import SERVICE_SORT_LIMIT, SearchPage
from discovery.facet_table import BY_PARAM, DEADLINE, VALUE_FILTERS
from discovery.facets import api_facets, deadline_facet, value_facets
from discovery.forms import FACET_SORT_LABELS, SORT_LABELS
from discovery.state import DEFAULT_PER_PAGE, PER_PAGE_CHOICES, SearchState
from discovery.suggestions import relaxations

PAGE_ONLY_KEYS = ("title_html", "kind_label")
EXPORT_VIEWS = (("csv", "discovery:export_csv"), ("json", "discovery:export_json"), ("atom", "discovery:feed"),
                ("ics", "discovery:calendar"), ("api", "discovery:api"), ("trends", "discovery:trends"),
                ("cite_bib", "discovery:cite_bib"), ("cite_ris", "discovery:cite_ris"),
                ("cite_gbt", "discovery:cite_gbt"))


def page_numbers(current: int, total: int, *, around: int = 2) -> list[int | None]:
    """Return page numbers to link, with None where a gap is elided."""
    wanted = {1, total} | set(range(max(1, current - around), min(total, current + around) + 1))
    out: list[int | None] = []
    last = 0
    for n in sorted(wanted):
        if n - last > 1:
            out.append(None)
        out.append(n)
        last = n
    return out


def date_text(state: SearchState) -> str:
    """Return the active date range in words: a month, a year, or from – to."""
    if state.month:
        return charts.month_name(state.month)
    if state.year:
        return str(state.year)
    start = state.date_from.isoformat() if state.date_from else "…"
    end = state.date_to.isoformat() if state.date_to else "…"
    return f"{start} – {end}"


def chips(state: SearchState) -> list[dict[str, Any]]:
    """Return the active filters as [{label, value, url}], url removing that one filter."""
    out = []
    for spec in VALUE_FILTERS:
        for value in getattr(state, spec.param):
            out.append({"label": spec.label, "value": spec.display(value), "url": state.toggle(spec.param, value)})
    if state.has_dates:
        out.append({"label": _("日期"), "value": date_text(state),
                    "url": state.query_string(date_from=None, date_to=None)})
    if state.deadline:
        out.append({"label": DEADLINE.label, "value": DEADLINE.display(state.deadline),
                    "url": state.query_string(deadline="")})
    return out


def relaxation_items(page: SearchPage) -> list[dict[str, Any]]:
    """Return [{text, count, url}]: what to drop from a search that found nothing."""
    items = []
    for r in relaxations(page):
        spec = BY_PARAM.get(r.param)
        if spec and spec.value_filter:
            text = _("去掉“%(label)s：%(value)s”") % {
                "label": spec.label, "value": "、".join(str(spec.display(v)) for v in r.values)}
        elif r.param == "dates":
            text = _("去掉日期范围（%(range)s）") % {"range": date_text(page.state)}
        elif r.param == "deadline":
            text = _("去掉“%(value)s”条件") % {"value": DEADLINE.display(r.values[0])}
        elif r.param == "filters":
            text = _("去掉全部筛选条件，只按检索词")
        else:
            text = _("任一词语匹配即可：%(q)s") % {"q": r.values[0]}
        items.append({"text": text, "count": r.count, "url": r.url})
    return items


def synonym_notice(page: SearchPage) -> dict[str, Any] | None:
    """Return {"words": [{word, synonyms}], "literal_url"} when synonyms were added, else None."""
    if not page.added:
        return None
    return {"words": [{"word": a.word, "synonyms": "、".join(a.synonyms)} for a in page.added],
            "literal_url": page.state.query_string(literal=True)}


def did_you_mean(page: SearchPage) -> list[dict[str, Any]]:
    """Return [{word, typed, count, url}]: nearby indexed words for a search with few or no hits."""
    return [{"word": s.word, "typed": s.typed, "count": s.count,
             "url": page.state.query_string(q=s.query, literal=False)} for s in page.suggestions]


def tool_links(state: SearchState) -> dict[str, str]:
    """Return {name: URL} of the exports, feeds and trends for the same search (page dropped)."""
    query = state.replace(per_page=DEFAULT_PER_PAGE, facet_sort="").query_string(page=1)
    query = "" if query == "?" else query
    return {name: reverse(view) + query for name, view in EXPORT_VIEWS}


def view_choices(state: SearchState) -> dict[str, list[tuple[Any, Any, str, bool]]]:
    """Return the links of the sort, page-size and facet-order choices: [(key, label, url, current)]."""
    return {
        "sort_links": [(key, label, state.query_string(sort=key), key == state.effective_sort)
                       for key, label in SORT_LABELS.items()],
        "per_page_links": [(n, str(n), state.query_string(per_page=n), n == state.per_page)
                           for n in PER_PAGE_CHOICES],
        "facet_sort_links": [(key, label, state.query_string(facet_sort="" if key == "count" else key) + "#facets",
                              key == (state.facet_sort or "count")) for key, label in FACET_SORT_LABELS.items()],
    }


def search_context(page: SearchPage) -> dict[str, Any]:
    """Return the template context for a SearchPage."""
    state = page.state
    histogram = (charts.month_histogram(state, page.month_counts, page.months_any_date)
                 if page.month_counts or state.month else None)
    return {
        **view_choices(state),
        "page": page,
        "state": state,
        "hidden_params": [(k, v) for k, v in state.params() if k not in ("q", "page", "literal")],
        "facet_hidden_params": [(k, v) for k, v in state.params()
                                if k in ("q", "from", "to", "sort", "per_page", "facet_sort")],
        "facets": [f for f in value_facets(state, page.counts) if f.values],
        "deadline_facet": deadline_facet(state, page.deadline_counts),
        "chips": chips(state),
        "clear_all_url": state.cleared().query_string(),
        "histogram": histogram,
        "years": charts.year_links(state, page.year_counts),
        "months": [(bar.key, bar.value, bar.label, bar.url) for bar in histogram.bars if bar.value]
        if histogram else [],
        "page_links": [(n, state.query_string(page=n) if n else None)
                       for n in page_numbers(page.page, page.num_pages)],
        "prev_url": state.query_string(page=page.page - 1),
        "next_url": state.query_string(page=page.page + 1),
        "tools": tool_links(state),
        "export_limit": EXPORT_LIMIT,
        "sort_limit": SERVICE_SORT_LIMIT,
        "help_syntax_url": reverse("discovery:help") + "#syntax",
        "saved_search_query": state.replace(page=1, sort="", per_page=DEFAULT_PER_PAGE, facet_sort="").query_string(),
        "export_capped": page.count > EXPORT_LIMIT,
        "hl_query": "?" + urlencode([("hl", t) for t in page.terms[:10]]) if page.terms else "",
        "synonyms": synonym_notice(page),
        "did_you_mean": did_you_mean(page),
        "state_with_synonyms_url": state.query_string(literal=False),
        "relaxations": relaxation_items(page) if not page.count and (state.has_filters or page.terms) else [],
    }


def api_payload(page: SearchPage) -> dict[str, Any]:
    """Return the /api/search JSON for a SearchPage (see DESIGN.md)."""
    return {
        "count": page.count,
        "page": page.page,
        "num_pages": page.num_pages,
        "query_retried_as_words": page.fallback,
        "synonyms_added": {a.word: list(a.synonyms) for a in page.added},
        "did_you_mean": [{key: item[key] for key in ("word", "count", "url")} for item in did_you_mean(page)],
        "results": [{key: (str(value) if key == "snippet" else value)
                     for key, value in item.items() if key not in PAGE_ONLY_KEYS}
                    for item in page.results],
        "facets": api_facets(page),
    }
