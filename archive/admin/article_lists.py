"""The article list's filters and its change list (no bodies read, topics in one query)."""
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from archive.models import REGION_CHOICES, ArticleTopic, Topic


class TopicFilter(admin.SimpleListFilter):
    title = _("主题")
    parameter_name = "topic"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("none", _("（无主题）"))] + [(str(pk), name) for pk, name in Topic.objects.values_list("pk", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "none":
            return queryset.filter(topics__isnull=True)
        if value and value.isdigit():
            return queryset.filter(topics__pk=int(value))
        return queryset


class RegionFilter(admin.SimpleListFilter):
    title = _("涉及地区")
    parameter_name = "region"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return REGION_CHOICES

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in dict(REGION_CHOICES):
            return queryset.filter(regions__contains=self.value())
        return queryset


class DocNumberFilter(admin.SimpleListFilter):
    title = _("有无发文字号")
    parameter_name = "has_docno"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", _("有发文字号")), ("no", _("无发文字号"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.exclude(doc_number="")
        if self.value() == "no":
            return queryset.filter(doc_number="")
        return queryset


class EmptyBodyFilter(admin.SimpleListFilter):
    title = _("正文为空")
    parameter_name = "empty"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", _("正文为空或仅模板")), ("no", _("有正文"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(is_empty=self.value() == "yes")
        return queryset


class ArticleChangeList(ChangeList):
    """The list reads no article bodies, and all topics of a page in one query."""

    def get_queryset(self, request: HttpRequest, exclude_parameters: list[str] | None = None) -> QuerySet:
        queryset = super().get_queryset(request, exclude_parameters)
        return queryset.defer("body", "raw").prefetch_related(
            Prefetch("articletopic_set", queryset=ArticleTopic.objects.select_related("topic").order_by("topic__name"),
                     to_attr="pairs"))
