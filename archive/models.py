"""The archive's records: sources, topics, articles and import batches."""
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

REGION_CHOICES = [("上海", "上海"), ("江苏", "江苏"), ("浙江", "浙江"), ("安徽", "安徽"), ("其他", "其他")]


class Source(models.Model):
    """A WeChat account, newspaper or website that articles come from."""

    class Kind(models.TextChoices):
        WECHAT = "wechat", _("微信公众号")
        NEWSPAPER = "newspaper", _("报纸")
        WEBSITE = "website", _("网站")

    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.WECHAT)
    biz = models.CharField(_("微信 __biz"), max_length=100, blank=True, db_index=True)
    region = models.CharField(_("地区"), max_length=10, choices=REGION_CHOICES, default="其他")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("来源")
        verbose_name_plural = _("来源")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("discovery:search") + "?" + _query("source", self.name)


class Topic(models.Model):
    """A subject in the taxonomy, with keyword rules for automatic tagging."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    rules = models.TextField(_("关键词规则"), blank=True, help_text=_("每行一个关键词"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("主题")
        verbose_name_plural = _("主题")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("discovery:search") + "?" + _query("topic", self.name)

    @property
    def keywords(self) -> list[str]:
        return [line.strip() for line in self.rules.splitlines() if line.strip()]


class ImportBatch(models.Model):
    """One run of the importer, with its per-outcome counts."""

    started_at = models.DateTimeField(auto_now_add=True)
    paths = models.TextField(blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    duplicate = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("导入人"))
    report = models.JSONField(_("导入报告"), default=list, blank=True,
                              help_text="Per-file counts and rejected records of an import from the admin.")

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")

    def __str__(self) -> str:
        return f"#{self.pk} {self.started_at:%Y-%m-%d %H:%M}"


# A TextChoices member (Article.Status, Source.Kind): a str at run time, a (value, label) tuple to mypy
# without Django's stubs.
Choice = Any


class ArticleQuerySet(models.QuerySet):
    def searchable(self) -> "ArticleQuerySet":
        """Return the articles that belong in the search index (those without body text by their title)."""
        return self.filter(status=Article.Status.PUBLISHED)

    def with_body(self) -> "ArticleQuerySet":
        """Return the searchable articles that have body text: what facets, exports and browsing show."""
        return self.searchable().filter(is_empty=False)


class Article(models.Model):
    """One news article or notice, normalized, with its raw record kept verbatim."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("已发布")
        HIDDEN = "hidden", _("已隐藏")
        DUPLICATE = "duplicate", _("重复")

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="articles", verbose_name=_("来源"))
    title = models.CharField(_("标题"), max_length=500)
    body = models.TextField(_("正文"), blank=True, help_text=_("段落之间空一行"))
    url = models.CharField(_("原文链接"), max_length=1000, blank=True, db_index=True)
    external_id = models.CharField(_("外部标识"), max_length=200, blank=True, db_index=True)
    published = models.DateField(_("发布日期"), db_index=True)
    original_outlet = models.CharField(_("原始出处"), max_length=200, blank=True)
    kind = models.CharField(_("文档类型"), max_length=20, default="新闻", db_index=True)
    doc_number = models.CharField(_("发文字号"), max_length=100, blank=True, db_index=True)
    cited_numbers = models.JSONField(_("引用文号"), default=list, blank=True)
    issuing_bodies = models.JSONField(_("发文机关"), default=list, blank=True)
    deadline = models.DateField(_("申报截止日期"), null=True, blank=True, db_index=True)
    regions = models.CharField(_("涉及地区"), max_length=100, blank=True, help_text=_("空格分隔"))
    topics = models.ManyToManyField(Topic, through="ArticleTopic", related_name="articles", blank=True,
                                    verbose_name=_("主题"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PUBLISHED,
                              db_index=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="duplicates", verbose_name=_("重复于"))
    is_empty = models.BooleanField(_("正文为空或仅模板"), default=False, db_index=True)
    content_hash = models.CharField(max_length=64, db_index=True)
    record_hash = models.CharField(max_length=64,
                                   help_text="Hash of the normalized record; unchanged imports match it.")
    raw = models.JSONField(_("原始记录"), default=dict)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="articles", verbose_name=_("导入批次"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()
    # The verbatim record and its hash only change by import; the history keeps the editors' fields.
    history = HistoricalRecords(excluded_fields=["raw", "record_hash"])

    class Meta:
        ordering = ["-published", "-id"]
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        indexes = [models.Index(fields=["source", "published"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("discovery:article", args=[self.pk])

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]

    @property
    def safe_url(self) -> str:
        """Return the original URL when it is http(s), else "": only those are shown as links."""
        return self.url if self.url.lower().startswith(("http://", "https://")) else ""

    @property
    def region_list(self) -> list[str]:
        return self.regions.split()

    @property
    def is_searchable(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_empty

    def kept_article(self) -> "Article":
        """Return the article this one was merged into (following chains), or itself."""
        article, seen = self, {self.pk}
        while article.status == self.Status.DUPLICATE and article.duplicate_of_id not in (None, *seen):
            seen.add(article.duplicate_of_id)
            article = article.duplicate_of
        return article


class ArticleTopic(models.Model):
    """An article's topic, remembering whether the rules or an editor set it."""

    class Origin(models.TextChoices):
        AUTO = "auto", _("自动")
        EDITOR = "editor", _("编辑")

    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.AUTO)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("指定人"))
    assigned_at = models.DateTimeField(_("指定时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "topic"], name="unique_article_topic")]
        verbose_name = _("文章主题")
        verbose_name_plural = _("文章主题")

    def __str__(self) -> str:
        return f"{self.article_id}:{self.topic}"


class TopicExclusion(models.Model):
    """A topic an editor removed from an article by hand: automatic tagging must not add it back."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="topic_exclusions")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="exclusions")
    excluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("移除人"))
    excluded_at = models.DateTimeField(_("移除时间"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "topic"], name="unique_topic_exclusion")]
        verbose_name = _("手动移除的主题")
        verbose_name_plural = _("手动移除的主题")

    def __str__(self) -> str:
        return f"{self.article_id}:-{self.topic}"


class SynonymGroupQuerySet(models.QuerySet):
    def active(self) -> "SynonymGroupQuerySet":
        return self.filter(active=True)


class SynonymGroup(models.Model):
    """Terms that mean the same (AI, 人工智能): a search for one also finds the others."""

    terms = models.TextField(_("同义词"), help_text=_("每行一个词，至少两个；检索其中任一个时同时检索其余各个"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SynonymGroupQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("同义词组")
        verbose_name_plural = _("同义词组")

    def __str__(self) -> str:
        return " ⇄ ".join(self.term_list)

    @property
    def term_list(self) -> list[str]:
        """Return the group's terms, one per line, blanks and repeats dropped."""
        return list(dict.fromkeys(line.strip() for line in self.terms.splitlines() if line.strip()))


class NotDuplicate(models.Model):
    """Two articles an editor judged distinct: the duplicates view stops pairing them."""

    first = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("判定人"))
    decided_at = models.DateTimeField(_("判定时间"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="unique_not_duplicate"),
                       models.CheckConstraint(condition=models.Q(first__lt=models.F("second")),
                                              name="not_duplicate_ordered")]
        verbose_name = _("非重复判定")
        verbose_name_plural = _("非重复判定")

    def __str__(self) -> str:
        return f"{self.first_id}≠{self.second_id}"


def _query(name: str, value: str) -> str:
    from django.utils.http import urlencode

    return urlencode({name: value})
