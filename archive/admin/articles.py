"""The article list, form, bulk actions and duplicates view of the editors' site."""
import json
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections, router, transaction
from django.db.models import Q, QuerySet
from django.forms import Form, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from archive import curation, duplicate_review, merging
from archive.admin.article_lists import ArticleChangeList, DocNumberFilter, EmptyBodyFilter, RegionFilter, TopicFilter
from archive.admin.forms import ArticleAdminForm, KeepArticleForm, TopicChoiceForm
from archive.admin.wording import ReadableHistoryMixin
from archive.ingest.urls import canonical_wechat_url
from archive.models import Article, ArticleTopic, TopicExclusion
from archive.docnumbers import whole_number
from archive.ingest.text import normalize_width

GROUPS_PER_PAGE = 30


def _optional(*names: str) -> list[str]:
    """Return the fields among names the Article model has (other work adds fields)."""
    existing = {f.name for f in Article._meta.get_fields()}
    return [name for name in names if name in existing]


@admin.register(Article)
class ArticleAdmin(ReadableHistoryMixin, SimpleHistoryAdmin):
    form = ArticleAdminForm
    list_display = ["title", "source", "published", "kind", "status_label", "topic_names"]
    list_select_related = ["source"]
    list_filter = ["status", ("source", admin.RelatedOnlyFieldListFilter), TopicFilter, RegionFilter, "kind",
                   EmptyBodyFilter, DocNumberFilter]
    date_hierarchy = "published"
    search_fields = ["title", "doc_number", "url", "body"]
    search_help_text = _("按标题、正文、原文链接或发文字号查找；粘贴链接或文号精确匹配，#123 按编号")
    ordering = ["-published", "-id"]
    list_per_page = 50
    list_max_show_all = 500
    show_full_result_count = False  # one COUNT per page view is enough at 100,000 rows
    autocomplete_fields = ["source", "duplicate_of"]
    readonly_fields = ["topic_origins", "url_link", "external_id", "provenance", "is_empty", "created_time",
                       "updated_time", "merged_here", "raw_record"]
    fieldsets = [
        (None, {"fields": ["title", "source", "published", "kind", "topic_list", "topic_origins", "edit_base"]}),
        (_("状态"), {"fields": ["status", "duplicate_of", "merged_here"]}),
        (_("正文"), {"fields": ["body"]}),
        (_("文号与地区"), {"fields": ["doc_number", "cited_numbers", *_optional("issuing_bodies", "deadline"),
                                   "regions", "original_outlet"]}),
        (_("来源记录（只读）"), {"fields": ["provenance", "url_link", "external_id", "is_empty", "created_time",
                                       "updated_time", "raw_record"]}),
    ]
    actions = ["publish", "hide", "add_topic", "remove_topic", "retag", "mark_duplicate", "unmerge"]
    object_history_template = "admin/archive/article/object_history.html"
    change_list_template = "admin/archive/article/change_list.html"

    # -- list ---------------------------------------------------------------
    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ArticleChangeList]:
        return ArticleChangeList

    @admin.display(description=_("状态"), ordering="status")
    def status_label(self, obj: Article) -> str:
        if obj.status == Article.Status.DUPLICATE and obj.duplicate_of_id:
            return format_html('{} → <a href="{}">#{}</a>', obj.get_status_display(),
                               reverse("admin:archive_article_change", args=[obj.duplicate_of_id]),
                               obj.duplicate_of_id)
        return obj.get_status_display()

    @admin.display(description=_("主题"))
    def topic_names(self, obj: Article) -> str:
        pairs = getattr(obj, "pairs", None)
        if pairs is None:
            pairs = obj.articletopic_set.select_related("topic").order_by("topic__name")
        return format_html_join("、", "{}{}", ((p.topic.name, "✎" if p.origin == ArticleTopic.Origin.EDITOR else "")
                                              for p in pairs))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet,
                           search_term: str) -> tuple[QuerySet, bool]:
        term = search_term.strip()
        autocomplete = request.path.endswith("/autocomplete/")
        if autocomplete and request.GET.get("field_name") == "duplicate_of":
            queryset = queryset.exclude(status=Article.Status.DUPLICATE)
        if term.startswith("#") and term[1:].isdigit() or autocomplete and term.isdigit():
            return queryset.filter(pk=int(term.lstrip("#"))), False
        if term.startswith(("http://", "https://")):
            return queryset.filter(url__in={term, canonical_wechat_url(term)}), False
        number = whole_number(normalize_width(term))
        if number:
            return queryset.filter(Q(doc_number=number) | Q(doc_number=term) | _cites(number)), False
        if autocomplete:  # every keystroke: titles only, not 100,000 bodies
            return queryset.filter(title__icontains=term) if term else queryset, False
        return super().get_search_results(request, queryset, search_term)

    # -- form ---------------------------------------------------------------
    def get_form(self, request: HttpRequest, obj: Article | None = None, change: bool = False,
                 **kwargs: Any) -> type[ModelForm]:
        form = super().get_form(request, obj, change=change, **kwargs)
        site = self.admin_site

        class Form(form):  # type: ignore[valid-type,misc]  # the class Django built
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, admin_site=site, **kw)

        Form.__name__ = form.__name__
        return Form

    @admin.display(description=_("主题来源"))
    def topic_origins(self, obj: Article) -> str:
        if obj.pk is None:
            return "—"
        pairs = obj.articletopic_set.select_related("topic", "assigned_by").order_by("topic__name")
        rows = [(p.topic.name, p.get_origin_display(),
                 f"{p.assigned_by} {p.assigned_at:%Y-%m-%d}" if p.assigned_by else "") for p in pairs]
        removed = TopicExclusion.objects.filter(article=obj).select_related("topic", "excluded_by")
        rows += [(e.topic.name, gettext("已手动移除（自动标注不再添加）"),
                  f"{e.excluded_by or ''} {e.excluded_at:%Y-%m-%d}".strip()) for e in removed]
        if not rows:
            return "—"
        return format_html('<ul class="topic-origins">{}</ul>',
                           format_html_join("", "<li>{} · {} {}</li>", rows))

    @admin.display(description=_("原文链接"))
    def url_link(self, obj: Article) -> str:
        if not obj.url:
            return "—"
        if obj.url.startswith(("http://", "https://")):
            return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', obj.url, obj.url)
        return obj.url

    @admin.display(description=_("导入批次"))
    def provenance(self, obj: Article) -> str:
        batch = obj.batch
        if batch is None:
            return gettext("（无批次记录）")
        who = f" · {batch.imported_by}" if batch.imported_by_id else ""
        started = timezone.localtime(batch.started_at).strftime("%Y-%m-%d %H:%M")
        return format_html('<a href="{}">#{}</a> · {}{}',
                           reverse("admin:archive_importbatch_change", args=[batch.pk]), batch.pk, started, who)

    @admin.display(description=_("已合并到此的重复条目"))
    def merged_here(self, obj: Article) -> str:
        if obj.pk is None:
            return "—"
        duplicates = list(obj.duplicates.filter(status=Article.Status.DUPLICATE).values_list("pk", "title")[:50])
        if not duplicates:
            return "—"
        return format_html_join(format_html("<br>"), '<a href="{}">#{} {}</a>',
                                ((reverse("admin:archive_article_change", args=[pk]), pk, title)
                                 for pk, title in duplicates))

    @admin.display(description=_("原始记录"))
    def raw_record(self, obj: Article) -> str:
        text = json.dumps(obj.raw, ensure_ascii=False, indent=2)
        return format_html('<pre class="raw-record" style="white-space:pre-wrap;max-height:30em;overflow:auto">'
                           '{}</pre>', text)

    def changeform_view(self, request: HttpRequest, object_id: str | None = None, form_url: str = "",
                        extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "POST" and object_id and object_id.isdigit():
            with transaction.atomic(using=router.db_for_write(self.model)):
                curation.write_lock(Article, int(object_id))
                return super().changeform_view(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str,
                          extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "POST":
            if not object_id.isdigit():
                raise PermissionDenied
            with transaction.atomic(using=router.db_for_write(self.model)):
                curation.write_lock(Article, int(object_id))
                request._restoring_version = version_id
                return super().history_form_view(request, object_id, version_id, extra_context)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request: HttpRequest, obj: Article, form: ModelForm, change: bool) -> None:
        version = getattr(request, "_restoring_version", None)
        if version:
            obj._change_reason = f"restore version {version}"
        super().save_model(request, obj, form, change)  # its post_save queues the index update

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: list[Any], change: bool) -> None:
        super().save_related(request, form, formsets, change)
        added, removed = form.topic_changes()
        curation.change_topics(form.instance, added=added, removed=removed, user=request.user)

    def history_view(self, request: HttpRequest, object_id: str,
                     extra_context: dict[str, Any] | None = None) -> HttpResponse:
        topic_changes: Any = []
        if object_id.isdigit():
            topic_changes = (ArticleTopic.history.filter(article_id=int(object_id))
                             .select_related("topic", "history_user").order_by("-history_date")[:200])
        return super().history_view(request, object_id, {**(extra_context or {}),
                                                         "topic_changes": topic_changes})

    # -- actions ------------------------------------------------------------
    @admin.action(description=_("发布所选文章"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = curation.set_status(queryset, Article.Status.PUBLISHED, user=request.user, reason="publish")
        self.message_user(request, gettext("已发布 %(count)d 篇文章。") % {"count": n}, messages.SUCCESS)

    @admin.action(description=_("隐藏所选文章"), permissions=["change"])
    def hide(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = curation.set_status(queryset, Article.Status.HIDDEN, user=request.user, reason="hide")
        self.message_user(request, gettext("已隐藏 %(count)d 篇文章；它们已离开检索。") % {"count": n},
                          messages.SUCCESS)

    @admin.action(description=_("为所选文章添加主题…"), permissions=["change"])
    def add_topic(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = self._action_form(request, TopicChoiceForm)
        if not form.is_valid():
            return self._render_action(request, queryset, form, "add_topic", _("为所选文章添加主题"))
        topic = form.cleaned_data["topic"]
        n = curation.add_topic(queryset, topic, user=request.user)
        self.message_user(request, gettext("已为 %(count)d 篇文章添加主题“%(topic)s”。")
                          % {"count": n, "topic": topic.name}, messages.SUCCESS)
        return None

    @admin.action(description=_("从所选文章移除主题…"), permissions=["change"])
    def remove_topic(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = self._action_form(request, TopicChoiceForm)
        if not form.is_valid():
            return self._render_action(request, queryset, form, "remove_topic", _("从所选文章移除主题"))
        topic = form.cleaned_data["topic"]
        n = curation.remove_topic(queryset, topic, user=request.user)
        self.message_user(request, gettext("已从 %(count)d 篇文章移除主题“%(topic)s”；自动标注不会再添加它。")
                          % {"count": n, "topic": topic.name}, messages.SUCCESS)
        return None

    @admin.action(description=_("重新运行自动标注"), permissions=["change"])
    def retag(self, request: HttpRequest, queryset: QuerySet) -> None:
        added, removed = curation.retag(queryset, user=request.user)
        self.message_user(request, gettext("自动标注完成：新增 %(added)d 个主题，移除 %(removed)d 个；"
                                           "编辑设定的主题未改动。") % {"added": added, "removed": removed},
                          messages.SUCCESS)

    @admin.action(description=_("标记为某篇文章的重复…"), permissions=["change"])
    def mark_duplicate(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = self._action_form(request, KeepArticleForm)
        if not form.is_valid():
            return self._render_action(request, queryset, form, "mark_duplicate", _("标记为重复"))
        keep = form.cleaned_data["keep"]
        try:
            n = merging.merge(keep, queryset.exclude(pk=keep.pk).values_list("pk", flat=True), user=request.user)
        except merging.MergeError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        self.message_user(request, gettext("已将 %(count)d 篇文章合并到“%(title)s”。")
                          % {"count": n, "title": keep.title}, messages.SUCCESS)
        return None

    @admin.action(description=_("取消合并（恢复为独立文章）"), permissions=["change"])
    def unmerge(self, request: HttpRequest, queryset: QuerySet) -> None:
        n = merging.unmerge(queryset, user=request.user)
        self.message_user(request, gettext("已取消合并 %(count)d 篇文章。") % {"count": n}, messages.SUCCESS)

    def _action_form(self, request: HttpRequest, form_class: type[Form]) -> Form:
        data = request.POST if "apply" in request.POST else None
        return form_class(data, admin_site=self.admin_site)

    def _render_action(self, request: HttpRequest, queryset: QuerySet, form: Form, action: str,
                       title: str) -> HttpResponse:
        count = queryset.count()
        return TemplateResponse(request, "admin/archive/article/action_form.html", {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
            "action": action,
            "count": count,
            "sample": list(queryset.order_by("-published", "-pk").values_list("pk", "title")[:20]),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
        })

    # -- duplicates -----------------------------------------------------------
    def get_urls(self) -> list[URLPattern]:
        urls = [path("duplicates/", self.admin_site.admin_view(self.duplicates_view),
                     name="archive_article_duplicates")]
        return urls + super().get_urls()

    def duplicates_view(self, request: HttpRequest) -> HttpResponse:
        """List groups of articles that look like one story; merge a group or dismiss it."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self._decide_duplicates(request)
        date_from = parse_date(request.GET.get("from", "") or "") if _is_date(request.GET.get("from")) else None
        date_to = parse_date(request.GET.get("to", "") or "") if _is_date(request.GET.get("to")) else None
        groups, compared = merging.duplicate_groups(date_from=date_from, date_to=date_to)
        page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("p"))
        ids = [pk for group in page.object_list for pk in group.ids]
        articles = Article.objects.select_related("source").defer("raw").in_bulk(ids)
        rows = []
        for group in page.object_list:
            members = [articles[pk] for pk in group.ids if pk in articles]
            if len(members) < 2:
                continue
            keep = merging.suggested_keep(members)
            rows.append({"review": duplicate_review.review(members, keep, exact=group.exact), "keep": keep,
                         "title": members[0].title,
                         "reasons": [merging.REASONS[r] for r in sorted(group.reasons)],
                         "similarity": round(group.similarity * 100) if group.similarity else None})
        return TemplateResponse(request, "admin/archive/article/duplicates.html", {
            **self.admin_site.each_context(request),
            "title": _("疑似重复的文章"),
            "opts": self.model._meta,
            "groups": rows,
            "page": page,
            "total": len(groups),
            "compared": compared,
            "date_from": request.GET.get("from", ""),
            "date_to": request.GET.get("to", ""),
        })

    def _decide_duplicates(self, request: HttpRequest) -> HttpResponse:
        back = request.get_full_path()
        ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
        if request.POST.get("decision") == "distinct":
            merging.mark_distinct(ids, user=request.user)
            self.message_user(request, gettext("已记录：这 %(count)d 篇文章互不重复，不再列出。") % {"count": len(ids)},
                              messages.SUCCESS)
            return HttpResponseRedirect(back)
        keep_id = request.POST.get("keep", "")
        merge_ids = {int(pk) for pk in request.POST.getlist("merge") if pk.isdigit()} & set(ids)
        keep = Article.objects.filter(pk=int(keep_id)).first() if keep_id.isdigit() else None
        if keep is None or keep.pk not in ids:
            self.message_user(request, gettext("请选择要保留的文章。"), messages.ERROR)
            return HttpResponseRedirect(back)
        merge_ids.discard(keep.pk)
        if not merge_ids:
            self.message_user(request, gettext("请勾选要标记为重复的文章。"), messages.ERROR)
            return HttpResponseRedirect(back)
        try:
            n = merging.merge(keep, merge_ids, user=request.user)
        except (merging.MergeError, ValidationError) as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(back)
        self.message_user(request, format_html(
            gettext('已将 {count} 篇文章合并到 <a href="{url}">“{title}”</a>；它们已离开检索，页面跳转到保留的文章。'),
            count=n, url=reverse("admin:archive_article_change", args=[keep.pk]), title=keep.title),
            messages.SUCCESS)
        return HttpResponseRedirect(back)


def _cites(number: str) -> Q:
    """Return the condition "cites the document number" (cited_numbers holds a list of them)."""
    if connections[router.db_for_read(Article)].features.supports_json_field_contains:
        return Q(cited_numbers__contains=[number])
    # Without JSON containment (SQLite) the list is matched as its JSON text, which escapes non-ASCII.
    return Q(cited_numbers__icontains=json.dumps(number)[1:-1])


def _is_date(value: str | None) -> bool:
    try:
        return bool(value) and parse_date(value) is not None
    except ValueError:
        return False
