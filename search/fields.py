"""Index field types the Chinese backend stores unanalysed, for facets and filters."""
from haystack import indexes


class KeywordField(indexes.CharField):
    """One exact value per document (source, kind, month)."""

    field_type = "keyword"


class KeywordListField(indexes.MultiValueField):
    """Several exact values per document (topics, regions, cited numbers)."""

    field_type = "keyword"


class ChineseTextField(indexes.CharField):
    """Text analysed with jieba, not stored (pages read the database)."""

    field_type = "chinese"
