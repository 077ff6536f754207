"""The facets, declared once: one row per facet, read by the URL state, the form, the search service,
the facet shaping, the chips, the suggestions, the feeds and the API description.

The index field of each row is named by the engine (search.search_indexes.FACET_FIELDS): the engine
room declares what it indexes, this room adds what a reader sees (labels, value labels, input
normalisation, API text), which is why the table lives here and not in search/.
"""
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from archive.ingest.extract import find_doc_numbers, normalize_issuing_body
from search.search_indexes import FACET_FIELDS

Label: TypeAlias = str | Promise  # a lazy translation until rendered
_PAREN_YEAR_RE = re.compile(r"[（(﹙]\s*(\d{4})\s*[）)﹚]")


def normal_cited_number(value: str) -> str:
    """Return a document number as indexed: "国科发监(2023)167号" -> "国科发监〔2023〕167号"."""
    numbers = find_doc_numbers(_PAREN_YEAR_RE.sub(r"〔\1〕", value))
    return numbers[0] if len(numbers) == 1 else value


def normal_issuer(value: str) -> str:
    """Return an issuing body as indexed: "市科委" -> "上海市科学技术委员会"."""
    return normalize_issuing_body(value) or value


@dataclass(frozen=True)
class FacetSpec:
    """One facet: its URL parameter (also its name in the API), index field, label and API text."""

    param: str
    index_field: str  # named by search.search_indexes.FACET_FIELDS
    label: Label
    doc: str  # the API description of the parameter, or of the counts when it is no parameter
    # True: a repeatable URL parameter of exact values, OR'ed within the facet, AND'ed with the others.
    value_filter: bool = True
    # False: counted only, narrowed by other parameters (the month histogram by from/to).
    parameter: bool = True
    # Stored values (Chinese) the interface translates, or the choices of a parameter that is no value filter.
    value_labels: Mapping[str, Label] = field(default_factory=dict)
    normalize: Callable[[str], str] | None = None  # typed input -> the value as indexed

    def display(self, value: str) -> Label:
        """Return the label of a value in the interface language (the value itself when it is a name)."""
        return self.value_labels.get(value, value)


REGION_LABELS = {"上海": _("上海"), "江苏": _("江苏"), "浙江": _("浙江"), "安徽": _("安徽"), "其他": _("其他")}
KIND_LABELS = {"新闻": _("新闻"), "通知": _("通知"), "公示": _("公示"), "公告": _("公告"), "名单": _("名单"),
               "政策文件": _("政策文件"), "政策解读": _("政策解读"), "活动": _("活动")}
DEADLINE_LABELS = {"open": _("申报中"), "any": _("有申报截止日期")}

# In the order the page shows the value facets and the API lists the facets.
FACETS = (
    FacetSpec("source", FACET_FIELDS.source, _("来源"), "Source (WeChat account or newspaper); repeat for OR."),
    FacetSpec("topic", FACET_FIELDS.topics, _("主题"), "Topic; repeat for OR."),
    FacetSpec("region", FACET_FIELDS.regions, _("地区"), f"Region: {', '.join(REGION_LABELS)}; repeat for OR.",
              value_labels=REGION_LABELS),
    FacetSpec("kind", FACET_FIELDS.kind, _("类型"), f"Document type: {', '.join(KIND_LABELS)}; repeat for OR.",
              value_labels=KIND_LABELS),
    FacetSpec("issuer", FACET_FIELDS.issuers, _("发文机关"),
              "Issuing body (发文机关), full normalized name; repeat for OR.", normalize=normal_issuer),
    FacetSpec("cites", FACET_FIELDS.cited, _("引用文件"),
              "Articles citing this document number, e.g. 国科发监〔2023〕167号; repeat for OR.",
              normalize=normal_cited_number),
    FacetSpec("month", FACET_FIELDS.month, _("月份"), "Results per month (YYYY-MM); narrowed by from and to.",
              value_filter=False, parameter=False),
    FacetSpec("deadline", FACET_FIELDS.deadline, _("申报截止"),
              "Calls for applications: open = deadline today or later; any = has a deadline.",
              value_filter=False, value_labels=DEADLINE_LABELS),
)
BY_PARAM = {spec.param: spec for spec in FACETS}
VALUE_FILTERS = tuple(spec for spec in FACETS if spec.value_filter)
# URL parameters of one value out of value_labels (deadline: open | any).
CHOICE_FILTERS = tuple(spec for spec in FACETS if spec.parameter and not spec.value_filter)
FILTER_PARAMS = tuple(spec.param for spec in VALUE_FILTERS)
DEADLINE = BY_PARAM["deadline"]
MONTH = BY_PARAM["month"]


def display_value(param: str, value: str) -> Label:
    """Return the label of a value of facet param in the interface language."""
    spec = BY_PARAM.get(param)
    return spec.display(value) if spec else value
