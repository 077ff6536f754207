"""The editors' site: curate articles, sources, topics and import batches (Django admin).

Every change keeps its history (django-simple-history) and reaches the search
index after its transaction commits.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from archive.admin import articles, imports, synonyms, taxonomy  # noqa: F401  (registers the model admins)

admin.site.site_header = _("长三角科技政策资讯库 · 编辑后台")
admin.site.site_title = _("编辑后台")
admin.site.index_title = _("内容管理")
