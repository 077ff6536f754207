"""The search index of articles: what is searched, faceted and sorted."""
from dataclasses import astuple, dataclass
from typing import Any

from haystack import indexes

from archive.models import Article
from search.fields import ChineseTextField, KeywordField, KeywordListField


@dataclass(frozen=True)
class FacetFields:
    """The exact-value fields of ArticleIndex that searches filter on and count.

    The engine names them; the pages' facet table (discovery.facet_table) builds each
    facet on one of them and adds what a reader sees.
    """

    source: str = "source"
    topics: str = "topics"
    regions: str = "regions"
    kind: str = "kind"
    issuers: str = "issuers"
    cited: str = "cited"
    deadline: str = "deadline"
    month: str = "month"

    def values(self) -> tuple[str, ...]:
        """Return every field name, in declaration order."""
        return astuple(self)


FACET_FIELDS = FacetFields()


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    text = ChineseTextField(document=True)
    title = ChineseTextField(model_attr="title", boost=4.0)
    docno = ChineseTextField(model_attr="doc_number", default="")
    source = KeywordField(model_attr="source__name")
    # The account or newspaper a reprint names (原始出处); not stored: only ranking reads it.
    outlet = KeywordListField(stored=False)
    kind = KeywordField(model_attr="kind")
    month = KeywordField()
    topics = KeywordListField()
    regions = KeywordListField()
    cited = KeywordListField()
    issuers = KeywordListField()
    deadline = KeywordListField()  # "YYYY-MM-DD", none for articles without one
    # "no" for an article whose body is empty or only boilerplate: found by its title alone,
    # ranked after the others, left out of facets, browsing and exports unless asked for.
    has_body = KeywordField()
    published = indexes.DateField(model_attr="published")
    # Lets check_index see edits that never reached the index.
    updated = indexes.DateTimeField(model_attr="updated_at")

    def get_model(self) -> type[Article]:
        return Article

    def index_queryset(self, using: str | None = None) -> Any:
        return (Article.objects.searchable().select_related("source")
                .prefetch_related("topics").order_by("pk"))

    def read_queryset(self, using: str | None = None) -> Any:
        return Article.objects.select_related("source")

    def prepare_text(self, obj: Article) -> str:
        # Built in Python, not a template: template autoescaping would index "&lt;".
        if obj.is_empty:
            return ""  # out of body matches: the title field still finds it
        return "\n".join([obj.title, obj.source.name, obj.original_outlet, obj.doc_number, obj.body])

    def prepare_outlet(self, obj: Article) -> list[str]:
        return [obj.original_outlet] if obj.original_outlet else []

    def prepare_has_body(self, obj: Article) -> str:
        return "no" if obj.is_empty else "yes"

    def prepare_month(self, obj: Article) -> str:
        return obj.published.strftime("%Y-%m")

    def prepare_topics(self, obj: Article) -> list[str]:
        return sorted(t.name for t in obj.topics.all())

    def prepare_regions(self, obj: Article) -> list[str]:
        return obj.region_list

    def prepare_cited(self, obj: Article) -> list[str]:
        return list(obj.cited_numbers or [])

    def prepare_issuers(self, obj: Article) -> list[str]:
        return list(obj.issuing_bodies or [])

    def prepare_deadline(self, obj: Article) -> list[str]:
        return [obj.deadline.isoformat()] if obj.deadline else []
