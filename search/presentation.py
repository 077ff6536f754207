"""Ready-made values for the search page template (links, labels, pager)."""
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

FACET_LABELS = {"source": _("来源"), "topic": _("主题"), "region": _("地区"), "kind": _("类型"),
                "month": _("月份")}
SORT_LABELS = (("relevance", _("相关度")), ("newest", _("最新")), ("oldest", _("最早")))


def page_numbers(current, total, *, around=2):
    """Return page numbers to link, with None where a gap is elided."""
    wanted = {1, total} | set(range(max(1, current - around), min(total, current + around) + 1))
    out, last = [], 0
    for n in sorted(wanted):
        if n - last > 1:
            out.append(None)
        out.append(n)
        last = n
    return out


def search_context(page):
    """Return the template context for a SearchPage."""
    state = page.state
    hidden = [(k, v) for k, v in state.params() if k not in ("q", "page")]
    return {
        "page": page,
        "state": state,
        "hidden_params": hidden,
        "facet_groups": [{"param": p, "label": FACET_LABELS[p], "values": vals}
                         for p, vals in page.facets.items()],
        "sort_links": [(key, label, state.query_string(sort=key)) for key, label in SORT_LABELS],
        "page_links": [(n, state.query_string(page=n) if n else None)
                       for n in page_numbers(page.page, page.num_pages)],
        "prev_url": state.query_string(page=page.page - 1),
        "next_url": state.query_string(page=page.page + 1),
        "clear_filters_url": "?" + urlencode({"q": state.q}) if state.q else "?",
        "hl_query": "?" + urlencode([("hl", t) for t in page.terms[:10]]) if page.terms else "",
    }
