"""Facets, declared once as data, and their values shaped for pages and the API (pure).

Each value has a count, a selected flag and a toggle URL. Counts come from
the backend with every filter but the facet's own, so values in one facet
combine with OR (multi-select) and a selected value still shows at zero.
"""
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# URL parameter -> label, in the order the page shows them.
VALUE_FACETS = {
    "source": _("来源"),
    "topic": _("主题"),
    "region": _("地区"),
    "kind": _("类型"),
    "issuer": _("发文机关"),
    "cites": _("引用文件"),
}
TOP_VALUES = 8
# Stored values (Chinese) that the interface translates; other values are names.
VALUE_LABELS = {
    "region": {"上海": _("上海"), "江苏": _("江苏"), "浙江": _("浙江"), "安徽": _("安徽"), "其他": _("其他")},
    "kind": {"新闻": _("新闻"), "通知": _("通知"), "公示": _("公示"), "公告": _("公告"), "名单": _("名单"),
             "政策文件": _("政策文件"), "政策解读": _("政策解读"), "活动": _("活动")},
}
DEADLINE_LABELS = {"open": _("申报中"), "any": _("有申报截止日期")}


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool
    url: str
    label: str = ""

    def __post_init__(self):
        self.label = self.label or self.value


@dataclass
class Facet:
    param: str
    label: str
    values: list = field(default_factory=list)

    @property
    def top(self):
        """Return the values shown at once: the top ones, plus any selected further down."""
        return [v for i, v in enumerate(self.values) if i < TOP_VALUES or v.selected]

    @property
    def more(self):
        return [v for i, v in enumerate(self.values) if i >= TOP_VALUES and not v.selected]

    @property
    def selected(self):
        return [v for v in self.values if v.selected]


def display_value(param, value):
    """Return the label of a facet value in the interface language."""
    return VALUE_LABELS.get(param, {}).get(value, value)


def value_facets(state, counts):
    """Return the Facet of each value facet: counts high to low (or by name), selected kept at zero."""
    facets = []
    for param, label in VALUE_FACETS.items():
        pairs = {value: n for value, n in counts.get(param, []) if value and n}
        selected = getattr(state, param)
        for value in selected:
            pairs.setdefault(value, 0)
        if state.facet_sort == "name":
            ordered = sorted(pairs.items(), key=lambda kv: (str(display_value(param, kv[0])), kv[0]))
        else:
            ordered = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        facets.append(Facet(param, label, [
            FacetValue(value, n, value in selected, state.toggle(param, value), display_value(param, value))
            for value, n in ordered]))
    return facets


def deadline_facet(state, deadline_counts):
    """Return the "calls for applications" choices with counts; the chosen one shows at zero."""
    values = []
    for choice, label in DEADLINE_LABELS.items():
        n = deadline_counts.get(choice, 0)
        chosen = state.deadline == choice
        if n or chosen:
            url = state.query_string(deadline="" if chosen else choice)
            values.append(FacetValue(choice, n, chosen, url, label))
    return Facet("deadline", _("申报截止"), values)


def api_facets(page):
    """Return the facets of a SearchPage as the API's {param: [{value, count}]}."""
    out = {facet.param: [{"value": v.value, "count": v.count} for v in facet.values]
           for facet in value_facets(page.state, page.counts)}
    out["month"] = [{"value": month, "count": n} for month, n in page.month_counts.items()]
    out["deadline"] = [{"value": choice, "count": n} for choice, n in page.deadline_counts.items()]
    return out
