"""The advanced search form: fields that write the query syntax of the search box (pure but the form)."""
from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from discovery.facet_table import BY_PARAM
from discovery.forms import MAX_QUERY, ArchiveSearchForm
from discovery.state import SearchState

_QUOTES = str.maketrans({'"': " ", "“": " ", "”": " "})


def _words(text: str) -> list[str]:
    return [w for w in (text or "").translate(_QUOTES).split() if w.upper() not in ("OR", "AND", "NOT")]


def compose_query(*, all_words: str = "", phrase: str = "", any_words: str = "", none_words: str = "",
                  title_only: bool = False) -> str:
    """Return the search-box query for the advanced fields: 甲 乙 "短语" (丙 OR 丁) -戊, title: when asked."""
    field = "title:" if title_only else ""
    parts = [field + w for w in _words(all_words)]
    phrase = " ".join((phrase or "").translate(_QUOTES).split())
    if phrase:
        parts.append(f'{field}"{phrase}"')
    alternatives = [field + w for w in _words(any_words)]
    if len(alternatives) == 1:
        parts.append(alternatives[0])
    elif alternatives:
        parts.append("(" + " OR ".join(alternatives) + ")")
    parts += ["-" + field + w for w in _words(none_words)]
    return " ".join(parts)


class AdvancedSearchForm(forms.Form):
    all = forms.CharField(required=False, max_length=MAX_QUERY, label=_("包含全部词语"),
                          help_text=_("以空格分隔，每个词都要出现"))
    phrase = forms.CharField(required=False, max_length=MAX_QUERY, label=_("包含完整短语"),
                             help_text=_("按原样连续出现"))
    any = forms.CharField(required=False, max_length=MAX_QUERY, label=_("包含任一词语"),
                          help_text=_("以空格分隔，至少出现一个"))
    none = forms.CharField(required=False, max_length=MAX_QUERY, label=_("不包含词语"),
                           help_text=_("以空格分隔，出现即排除"))
    title_only = forms.BooleanField(required=False, label=_("只查标题"))
    date_from = forms.DateField(required=False, input_formats=["%Y-%m-%d"], label=_("起始日期"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, input_formats=["%Y-%m-%d"], label=_("截止日期"),
                              widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.MultipleChoiceField(required=False, label=BY_PARAM["source"].label,
                                       widget=forms.CheckboxSelectMultiple)

    def __init__(self, data: QueryDict | None = None, *, sources: Iterable[str] = (), **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            for url_name, field_name in ArchiveSearchForm.URL_ALIASES.items():
                if url_name in data:
                    data.setlist(field_name, data.getlist(url_name))
        super().__init__(data, **kwargs)
        self.fields["source"].choices = [(name, name) for name in sources]

    def add_prefix(self, field_name: str) -> str:
        return {v: k for k, v in ArchiveSearchForm.URL_ALIASES.items()}.get(field_name, field_name)

    @property
    def submitted(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期早于起始日期，请调换或修改。"))
        q = compose_query(all_words=cleaned.get("all", ""), phrase=cleaned.get("phrase", ""),
                          any_words=cleaned.get("any", ""), none_words=cleaned.get("none", ""),
                          title_only=cleaned.get("title_only", False))
        if len(q) > MAX_QUERY:
            raise forms.ValidationError(_("组合后的检索式超过 %(n)s 个字符"), params={"n": MAX_QUERY})
        cleaned["q"] = q
        return cleaned

    def state(self) -> SearchState:
        """Return the search state the valid form asks for."""
        data = self.cleaned_data
        return SearchState(q=data["q"], source=tuple(data.get("source") or ()),
                           date_from=data.get("date_from"), date_to=data.get("date_to"))
