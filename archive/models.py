"""The archive's records: sources, topics, articles and import batches."""
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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

    class Meta:
        ordering = ["name"]
        verbose_name = _("来源")
        verbose_name_plural = _("来源")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("search:search") + "?" + _query("source", self.name)


class Topic(models.Model):
    """A subject in the taxonomy, with keyword rules for automatic tagging."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    rules = models.TextField(_("关键词规则"), blank=True, help_text=_("每行一个关键词"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("主题")
        verbose_name_plural = _("主题")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("search:search") + "?" + _query("topic", self.name)

    @property
    def keywords(self):
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

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")

    def __str__(self):
        return f"#{self.pk} {self.started_at:%Y-%m-%d %H:%M}"


class ArticleQuerySet(models.QuerySet):
    def searchable(self):
        """Return the articles that belong in the search index."""
        return self.filter(status=Article.Status.PUBLISHED, is_empty=False)


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
    regions = models.CharField(_("涉及地区"), max_length=100, blank=True, help_text=_("空格分隔"))
    topics = models.ManyToManyField(Topic, through="ArticleTopic", related_name="articles", blank=True,
                                    verbose_name=_("主题"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PUBLISHED,
                              db_index=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="duplicates", verbose_name=_("重复于"))
    is_empty = models.BooleanField(_("正文为空或仅模板"), default=False, db_index=True)
    content_hash = models.CharField(max_length=64, db_index=True)
    record_hash = models.CharField(max_length=64, help_text="Hash of the normalized record; unchanged imports match it.")
    raw = models.JSONField(_("原始记录"), default=dict)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="articles", verbose_name=_("导入批次"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-id"]
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        indexes = [models.Index(fields=["source", "published"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("archive:article", args=[self.pk])

    @property
    def paragraphs(self):
        return [p for p in self.body.split("\n\n") if p.strip()]

    @property
    def region_list(self):
        return self.regions.split()

    @property
    def is_searchable(self):
        return self.status == self.Status.PUBLISHED and not self.is_empty


class ArticleTopic(models.Model):
    """An article's topic, remembering whether the rules or an editor set it."""

    class Origin(models.TextChoices):
        AUTO = "auto", _("自动")
        EDITOR = "editor", _("编辑")

    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.AUTO)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "topic"], name="unique_article_topic")]
        verbose_name = _("文章主题")
        verbose_name_plural = _("文章主题")

    def __str__(self):
        return f"{self.article_id}:{self.topic}"


def _query(name, value):
    from django.utils.http import urlencode

    return urlencode({name: value})
