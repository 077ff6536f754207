"""Synonym groups in the editors' site: one line per term, each term in one active group only."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext, gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from archive.models import SynonymGroup
from search.analysis import normalize, query_terms


class SynonymGroupForm(forms.ModelForm):
    class Meta:
        model = SynonymGroup
        fields = ["terms", "note", "active"]

    def clean_terms(self) -> str:
        group = SynonymGroup(terms=self.cleaned_data["terms"])
        terms = group.term_list
        if len(terms) < 2:
            raise forms.ValidationError(_("至少填写两个词"))
        if unsearchable := [t for t in terms if not query_terms(t)]:
            raise forms.ValidationError(gettext("无法检索的词：%s") % "、".join(unsearchable))
        taken = {normalize(t): other for other in SynonymGroup.objects.active().exclude(pk=self.instance.pk)
                 for t in other.term_list}
        # One term, one group: otherwise a search would chain two meanings (ambiguity).
        clashes = [f"{t}（{taken[normalize(t)]}）" for t in terms if normalize(t) in taken]
        if clashes and self.cleaned_data.get("active", True):
            raise forms.ValidationError(gettext("已在其他同义词组中：%s") % "、".join(clashes))
        return "\n".join(terms)


@admin.register(SynonymGroup)
class SynonymGroupAdmin(SimpleHistoryAdmin):
    form = SynonymGroupForm
    list_display = ["__str__", "note", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["terms", "note"]
