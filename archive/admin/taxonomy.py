"""Sources and topics in the editors' site, with article counts, re-tagging and the topic report."""
import math
from collections import Counter
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from archive import curation
from archive.admin.forms import TextSafeModelForm
from archive.admin.wording import ReadableHistoryMixin
from archive.index_port import articles_changed
from archive.models import Article, ArticleTopic, Source, Topic
from search.analysis import STOP_WORDS, is_han, query_terms

REPORT_SAMPLE = 300       # newest untagged articles read for suggested terms
REPORT_REFERENCE = 600    # newest tagged articles they are compared with
REPORT_CHARS = 1500       # leading characters of each body read
REPORT_TERMS = 40


def _changelist(**params: Any) -> str:
    return reverse("admin:archive_article_changelist") + "?" + urlencode(params)


@admin.register(Source)
class SourceAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    form = TextSafeModelForm
    list_display = ["name", "kind", "region", "biz", "article_count", "searchable_count"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "biz"]
    ordering = ["name"]
    fields = ["name", "kind", "region", "biz"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        searchable = Q(articles__status=Article.Status.PUBLISHED, articles__is_empty=False)
        return super().get_queryset(request).annotate(
            n_articles=Count("articles"), n_searchable=Count("articles", filter=searchable))

    @admin.display(description=_("文章数"), ordering="n_articles")
    def article_count(self, obj: Source) -> str:
        return format_html('<a href="{}">{}</a>', _changelist(source__id__exact=obj.pk), obj.n_articles)

    @admin.display(description=_("可检索"), ordering="n_searchable")
    def searchable_count(self, obj: Source) -> int:
        return obj.n_searchable

    def save_model(self, request: HttpRequest, obj: Source, form: ModelForm, change: bool) -> None:
        old_name = Source.objects.filter(pk=obj.pk).values_list("name", flat=True).first() if obj.pk else None
        super().save_model(request, obj, form, change)
        if old_name is not None and old_name != obj.name:
            curation.reindex_related(source=obj)  # the name is in every article's document


class TopicForm(TextSafeModelForm):
    class Meta:
        model = Topic
        fields = ["name", "slug", "description", "rules"]
        widgets = {"rules": forms.Textarea(attrs={"rows": 12, "cols": 40})}


@admin.register(Topic)
class TopicAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    form = TopicForm
    list_display = ["name", "slug", "article_count", "editor_count", "rule_preview"]
    search_fields = ["name", "slug", "rules"]
    ordering = ["name"]
    actions = ["retag_all"]
    change_list_template = "admin/archive/topic/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(
            n_articles=Count("articletopic"),
            n_editor=Count("articletopic", filter=Q(articletopic__origin=ArticleTopic.Origin.EDITOR)))

    @admin.display(description=_("文章数"), ordering="n_articles")
    def article_count(self, obj: Topic) -> str:
        return format_html('<a href="{}">{}</a>', _changelist(topic=obj.pk), obj.n_articles)

    @admin.display(description=_("其中编辑指定"), ordering="n_editor")
    def editor_count(self, obj: Topic) -> int:
        return obj.n_editor

    @admin.display(description=_("关键词规则"))
    def rule_preview(self, obj: Topic) -> str:
        words = obj.keywords
        return "、".join(words[:8]) + ("…" if len(words) > 8 else "")

    @admin.action(description=_("按此主题的规则重新标注全部文章"), permissions=["change"])
    def retag_all(self, request: HttpRequest, queryset: QuerySet) -> None:
        for topic in queryset.order_by("name"):
            added, removed = curation.retag_topic(topic, user=request.user)
            self.message_user(request, gettext("主题“%(topic)s”：新增 %(added)d 篇，移除 %(removed)d 篇；"
                                               "编辑设定的不变。")
                              % {"topic": topic.name, "added": added, "removed": removed}, messages.SUCCESS)

    def save_model(self, request: HttpRequest, obj: Topic, form: ModelForm, change: bool) -> None:
        old_name = Topic.objects.filter(pk=obj.pk).values_list("name", flat=True).first() if obj.pk else None
        super().save_model(request, obj, form, change)
        if old_name is not None and old_name != obj.name:
            curation.reindex_related(topic=obj)

    def delete_model(self, request: HttpRequest, obj: Topic) -> None:
        ids = list(Article.objects.filter(topics=obj).values_list("pk", flat=True))
        super().delete_model(request, obj)
        articles_changed(ids)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        ids = list(Article.objects.filter(topics__in=queryset).values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        articles_changed(ids)

    def get_urls(self) -> list[URLPattern]:
        return [path("report/", self.admin_site.admin_view(self.report_view), name="archive_topic_report"),
                *super().get_urls()]

    def report_view(self, request: HttpRequest) -> HttpResponse:
        """Show untagged articles, unused topics and frequent terms of untagged articles."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        searchable = Article.objects.with_body()
        untagged = searchable.filter(topics__isnull=True)
        unused = Topic.objects.annotate(n=Count("articletopic")).filter(n=0).order_by("name")
        return TemplateResponse(request, "admin/archive/topic/report.html", {
            **self.admin_site.each_context(request),
            "title": _("主题报告"),
            "opts": self.model._meta,
            "untagged_count": untagged.count(),
            "searchable_count": searchable.count(),
            "untagged_url": _changelist(topic="none", status__exact=Article.Status.PUBLISHED, empty="no"),
            "untagged_sample": untagged.order_by("-published", "-pk").values_list("pk", "title", "published")[:20],
            "unused_topics": unused,
            "terms": [{**t, "url": _changelist(topic="none", q=t["term"])} for t in suggested_terms()],
            "sample_size": REPORT_SAMPLE,
        })


def suggested_terms(limit: int = REPORT_TERMS) -> list[dict[str, Any]]:
    """Return [{term, count, score}]: words frequent in untagged articles and rare in tagged ones.

    Words already in a topic's rules, source names and stop words are left out:
    what remains are candidates for new keyword rules.
    """
    searchable = Article.objects.with_body()
    sample = _documents(searchable.filter(topics__isnull=True), REPORT_SAMPLE)
    if not sample:
        return []
    reference = _documents(searchable.filter(topics__isnull=False).distinct(), REPORT_REFERENCE)
    known = {k.lower() for t in Topic.objects.all() for k in t.keywords}
    known |= {name.lower() for name in Source.objects.values_list("name", flat=True)}
    in_sample: Counter[str] = Counter()
    in_reference: Counter[str] = Counter()
    for terms in sample:
        in_sample.update(terms)
    for terms in reference:
        in_reference.update(terms)
    scored: list[dict[str, Any]] = []
    for term, count in in_sample.items():
        if count < 2 or term in known or any(k in term or term in k for k in known if len(k) >= 2):
            continue
        idf = math.log((len(reference) + 1) / (in_reference[term] + 1)) + 1
        scored.append({"term": term, "count": count, "score": round(count * idf, 1)})
    scored.sort(key=lambda t: (-t["score"], -t["count"], t["term"]))
    return scored[:limit]


def _documents(queryset: QuerySet, limit: int) -> list[set[str]]:
    """Return the set of useful words of each of the newest `limit` articles of queryset."""
    rows = queryset.order_by("-published", "-pk").values_list("title", "body")[:limit]
    return [{t for t in query_terms(f"{title}\n{body[:REPORT_CHARS]}") if _useful(t)} for title, body in rows]


def _useful(term: str) -> bool:
    return len(term) >= 2 and term not in STOP_WORDS and is_han(term)
