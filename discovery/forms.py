"""The search form: one field per URL parameter, the URL being the whole state."""
from collections.abc import Callable
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from haystack.forms import SearchForm

from discovery.facet_table import CHOICE_FILTERS, FILTER_PARAMS, VALUE_FILTERS, FacetSpec
from discovery.state import DEFAULT_PER_PAGE, FACET_SORTS, PER_PAGE_CHOICES, SORTS

MAX_VALUES = 20
MAX_VALUE_CHARS = 200
MAX_PAGE = 10_000
MAX_QUERY = 500
SORT_LABELS = dict(zip(SORTS, [_("相关度"), _("最新"), _("最早"), _("来源"), _("标题")]))
FACET_SORT_LABELS = dict(zip(FACET_SORTS, [_("按数量"), _("按名称")]))


class MultiValueField(forms.Field):
    """A repeatable URL parameter: a list of short strings."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, normalize: Callable[[str], str] | None = None, **kwargs: Any) -> None:
        self.normalize = normalize
        super().__init__(**kwargs)

    def to_python(self, value: str | list[str] | None) -> list[str]:
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


def facet_field(spec: FacetSpec) -> forms.Field:
    """Return the form field of a facet parameter: repeatable values, or one of its choices."""
    if spec.value_filter:
        return MultiValueField(required=False, label=spec.label, normalize=spec.normalize)
    return forms.ChoiceField(required=False, label=spec.label, choices=list(spec.value_labels.items()))


def with_facet_fields(form: type[forms.Form]) -> type[forms.Form]:
    """Add a field for each facet parameter of discovery.facet_table to the form class."""
    for spec in VALUE_FILTERS + CHOICE_FILTERS:
        form.base_fields[spec.param] = facet_field(spec)  # base_fields is declared_fields too
    return form


@with_facet_fields
class ArchiveSearchForm(SearchForm):
    q = forms.CharField(required=False, max_length=MAX_QUERY, label=_("检索词"),
                        widget=forms.TextInput(attrs={"type": "search"}))
    date_from = forms.DateField(required=False, input_formats=["%Y-%m-%d"], label=_("起始日期"))
    date_to = forms.DateField(required=False, input_formats=["%Y-%m-%d"], label=_("截止日期"))
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

    # The facet fields come from the table (with_facet_fields); errors are listed in this order.
    field_order = ("q", *FILTER_PARAMS, "date_from", "date_to", *(spec.param for spec in CHOICE_FILTERS))
    # "from" and "to" are Python keywords: map the URL names onto the fields.
    URL_ALIASES = {"from": "date_from", "to": "date_to"}

    def __init__(self, data: QueryDict | None = None, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            for url_name, field_name in self.URL_ALIASES.items():
                if url_name in data:
                    data.setlist(field_name, data.getlist(url_name))
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期（%(end)s）早于起始日期（%(start)s），请调换或修改。") % {
                "start": start.isoformat(), "end": end.isoformat()})
        return cleaned

    def url_errors(self) -> dict[str, list[str]]:
        """Return errors keyed by URL parameter name."""
        reverse = {v: k for k, v in self.URL_ALIASES.items()}
        return {reverse.get(name, name): [str(e) for e in errs] for name, errs in self.errors.items()}

    def labelled_errors(self) -> list[tuple[str, str, list[str]]]:
        """Return [(URL parameter, field label, messages)] for the page to show in words."""
        reverse = {v: k for k, v in self.URL_ALIASES.items()}
        return [(reverse.get(name, name), self.fields[name].label if name in self.fields else "",
                 [str(e) for e in errs]) for name, errs in self.errors.items()]
