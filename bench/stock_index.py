"""The same articles as haystack's documentation would index them, for the stock backend.

Stock field types (faceted CharFields, MultiValueFields), jieba on the text
fields so the comparison is about the backend, not the analyzer.
"""
from haystack import indexes

from archive.models import Article
from search.analysis import ChineseAnalyzer


class StockArticleIndex(indexes.SearchIndex, indexes.Indexable):
    text = indexes.CharField(document=True, analyzer=ChineseAnalyzer())
    title = indexes.CharField(model_attr="title", boost=4.0, analyzer=ChineseAnalyzer())
    source = indexes.CharField(model_attr="source__name", faceted=True)
    kind = indexes.CharField(model_attr="kind", faceted=True)
    month = indexes.CharField(faceted=True)
    topics = indexes.MultiValueField(faceted=True)
    regions = indexes.MultiValueField(faceted=True)
    published = indexes.DateField(model_attr="published")

    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return Article.objects.searchable().select_related("source").prefetch_related("topics")

    def prepare_text(self, obj):
        return "\n".join([obj.title, obj.source.name, obj.body])

    def prepare_month(self, obj):
        return obj.published.strftime("%Y-%m")

    def prepare_topics(self, obj):
        return sorted(t.name for t in obj.topics.all())

    def prepare_regions(self, obj):
        return obj.region_list
