"""The search form: one field per URL parameter, the URL being the whole state."""
from django import forms
from django.utils.translation import gettext_lazy as _
from haystack.forms import SearchForm

import re

from archive.ingest.extract import find_doc_numbers, normalize_issuing_body
from discovery.state import DEFAULT_PER_PAGE, FACET_SORTS, PER_PAGE_CHOICES, SORTS

MAX_VALUES = 20
MAX_VALUE_CHARS = 200
MAX_PAGE = 10_000
MAX_QUERY = 500
SORT_LABELS = dict(zip(SORTS, [_("相关度"), _("最新"), _("最早"), _("来源"), _("标题")]))
FACET_SORT_LABELS = dict(zip(FACET_SORTS, [_("按数量"), _("按名称")]))
_PAREN_YEAR_RE = re.compile(r"[（(﹙]\s*(\d{4})\s*[）)﹚]")


def normal_cited_number(value: str) -> str:
    """Return a document number as indexed: "国科发监(2023)167号" -> "国科发监〔2023〕167号"."""
    numbers = find_doc_numbers(_PAREN_YEAR_RE.sub(r"〔\1〕", value))
    return numbers[0] if len(numbers) == 1 else value


def normal_issuer(value: str) -> str:
    """Return an issuing body as indexed: "市科委" -> "上海市科学技术委员会"."""
    return normalize_issuing_body(value) or value


class MultiValueField(forms.Field):
    """A repeatable URL parameter: a list of short strings."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, normalize=None, **kwargs):
        self.normalize = normalize
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        values = []
        for item in value:
            item = str(item).strip()
            if "\x00" in item:
                raise forms.ValidationError(_("取值含有空字符"))
            if len(item) > MAX_VALUE_CHARS:
                raise forms.ValidationError(_("取值过长（最多 %(n)s 个字符）"), params={"n": MAX_VALUE_CHARS})
            if item and self.normalize:
                item = self.normalize(item)
            if item and item not in values:
                values.append(item)
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(_("取值过多（最多 %(n)s 个）"), params={"n": MAX_VALUES})
        return values


class ArchiveSearchForm(SearchForm):
    q = forms.CharField(required=False, max_length=MAX_QUERY, label=_("检索词"),
                        widget=forms.TextInput(attrs={"type": "search"}))
    source = MultiValueField(required=False, label=_("来源"))
    topic = MultiValueField(required=False, label=_("主题"))
    region = MultiValueField(required=False, label=_("地区"))
    kind = MultiValueField(required=False, label=_("类型"))
    issuer = MultiValueField(required=False, label=_("发文机关"), normalize=normal_issuer)
    cites = MultiValueField(required=False, label=_("引用文件"), normalize=normal_cited_number)
    date_from = forms.DateField(required=False, input_formats=["%Y-%m-%d"], label=_("起始日期"))
    date_to = forms.DateField(required=False, input_formats=["%Y-%m-%d"], label=_("截止日期"))
    deadline = forms.ChoiceField(required=False, label=_("申报"),
                                 choices=[("open", _("申报中")), ("any", _("有申报截止日期"))])
    sort = forms.ChoiceField(required=False, label=_("排序"),
                             choices=list(SORT_LABELS.items()))
    literal = forms.ChoiceField(required=False, label=_("只检索原词"), choices=[("1", _("不加同义词"))])
    empty = forms.ChoiceField(required=False, label=_("含无正文文章"),
                              choices=[("1", _("浏览、筛选和导出也包括无正文的文章"))])
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, label=_("页码"))
    per_page = forms.TypedChoiceField(required=False, label=_("每页条数"), coerce=int,
                                      empty_value=DEFAULT_PER_PAGE,
                                      choices=[(n, str(n)) for n in PER_PAGE_CHOICES])
    facet_sort = forms.ChoiceField(required=False, label=_("筛选项排序"), choices=list(FACET_SORT_LABELS.items()))

    # "from" and "to" are Python keywords: map the URL names onto the fields.
    URL_ALIASES = {"from": "date_from", "to": "date_to"}

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.copy()
            for url_name, field_name in self.URL_ALIASES.items():
                if url_name in data:
                    data.setlist(field_name, data.getlist(url_name))
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期（%(end)s）早于起始日期（%(start)s），请调换或修改。") % {
                "start": start.isoformat(), "end": end.isoformat()})
        return cleaned

    def url_errors(self):
        """Return errors keyed by URL parameter name."""
        reverse = {v: k for k, v in self.URL_ALIASES.items()}
        return {reverse.get(name, name): [str(e) for e in errs] for name, errs in self.errors.items()}

    def labelled_errors(self):
        """Return [(URL parameter, field label, messages)] for the page to show in words."""
        reverse = {v: k for k, v in self.URL_ALIASES.items()}
        return [(reverse.get(name, name), self.fields[name].label if name in self.fields else "",
                 [str(e) for e in errs]) for name, errs in self.errors.items()]
