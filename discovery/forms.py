"""The search form: one field per URL parameter, the URL being the whole state."""
from django import forms
from django.utils.translation import gettext_lazy as _
from haystack.forms import SearchForm

from discovery.state import SORTS

MAX_VALUES = 20
MAX_VALUE_CHARS = 200
MAX_PAGE = 10_000


class MultiValueField(forms.Field):
    """A repeatable URL parameter: a list of short strings."""

    widget = forms.MultipleHiddenInput

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
            if item and item not in values:
                values.append(item)
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(_("取值过多（最多 %(n)s 个）"), params={"n": MAX_VALUES})
        return values


class ArchiveSearchForm(SearchForm):
    q = forms.CharField(required=False, max_length=500, label=_("检索词"),
                        widget=forms.TextInput(attrs={"type": "search"}))
    source = MultiValueField(required=False, label=_("来源"))
    topic = MultiValueField(required=False, label=_("主题"))
    region = MultiValueField(required=False, label=_("地区"))
    kind = MultiValueField(required=False, label=_("类型"))
    issuer = MultiValueField(required=False, label=_("发文机关"))
    cites = MultiValueField(required=False, label=_("引用文件"))
    date_from = forms.DateField(required=False, input_formats=["%Y-%m-%d"], label=_("起始日期"))
    date_to = forms.DateField(required=False, input_formats=["%Y-%m-%d"], label=_("截止日期"))
    deadline = forms.ChoiceField(required=False, label=_("申报"),
                                 choices=[("open", _("申报中")), ("any", _("有申报截止日期"))])
    sort = forms.ChoiceField(required=False, label=_("排序"),
                             choices=list(zip(SORTS, [_("相关度"), _("最新"), _("最早")])))
    literal = forms.ChoiceField(required=False, label=_("只检索原词"), choices=[("1", _("不加同义词"))])
    empty = forms.ChoiceField(required=False, label=_("含无正文文章"),
                              choices=[("1", _("浏览、筛选和导出也包括无正文的文章"))])
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, label=_("页码"))

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
            raise forms.ValidationError(_("起始日期晚于截止日期"))
        return cleaned

    def url_errors(self):
        """Return errors keyed by URL parameter name."""
        reverse = {v: k for k, v in self.URL_ALIASES.items()}
        return {reverse.get(name, name): [str(e) for e in errs] for name, errs in self.errors.items()}
