"""The Elasticsearch backend's mapping, documents and request bodies (no server here)."""
import datetime

import pytest
from django.utils.module_loading import import_string

from archive.models import Article
from search.analysis import tokenize
from search.backends.elasticsearch import ChineseElasticsearchSearchBackend, query_dsl, tokenized
from search.indexing import article_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def backend():
    # Constructing the client opens no connection; nothing here talks to a server.
    return ChineseElasticsearchSearchBackend("default", URL="http://127.0.0.1:9", INDEX_NAME="archive-test")


def test_the_setting_names_an_engine_that_imports(settings):
    engine = import_string("search.backends.elasticsearch.ChineseElasticsearchEngine")
    assert engine.backend is ChineseElasticsearchSearchBackend


def test_chinese_fields_map_to_whitespace_and_facets_to_keywords(backend):
    index = article_index()
    _, mapping = backend.build_schema(index.fields)
    assert mapping["text"] == {"type": "text", "analyzer": "whitespace"}
    assert mapping["title"] == {"type": "text", "analyzer": "whitespace", "boost": 4.0}
    for name in ("source", "topics", "regions", "kind", "month", "issuers", "cited"):
        assert mapping[name] == {"type": "keyword"}, name
    assert mapping["published"] == {"type": "date"}


def test_documents_carry_the_terms_whoosh_indexes(backend):
    article = Article.objects.get(title="上海市医械院牵头起草的我国首个脑机接口医疗器械行业标准正式发布")
    doc = backend._prepare_object(article_index(), article)
    terms = doc["title"].split(" ")
    assert terms == [t for t, _, _, _ in tokenize(article.title, mode="index")]
    assert "脑机接口" in terms and "医疗器械" in terms
    assert "脑机接口" in doc["text"].split(" ")
    assert doc["source"] == article.source.name  # keyword fields are left whole
    assert tokenized("集成电路产业") == "集成 成电 电路 集成电路 产业"  # sub-words, then the word


def test_the_query_syntax_translates_term_for_term(backend):
    q = backend.parse_query('脑机接口 -浦东 "科技 创新" title:通知 机器人 OR 无人机').query
    dsl = query_dsl(q)
    text = repr(dsl)
    assert "'must_not'" in text and "'浦东'" in text
    assert {"match_phrase": {"text": {"query": "科技 创新", "boost": 1.0}}} in _walk(dsl)
    assert {"term": {"title": {"value": "通知", "boost": 1.0}}} in _walk(dsl)  # as in Whoosh
    assert {"term": {"docno": {"value": "脑机接口", "boost": 10.0}}} in _walk(dsl)
    assert any("should" in node.get("bool", {}) for node in _walk(dsl))
    assert {"wildcard": {"title": {"value": "*芯*", "boost": 4.0}}} in _walk(query_dsl(backend.parse_query("芯").query))


def test_filters_go_to_post_filter_and_each_facet_ignores_its_own(backend):
    body = backend.build_search_kwargs(
        "人工智能", facets={"regions": {}, "kind": {}, "source": {}},
        term_filters={"regions": ("上海",), "kind": ("通知", "公告")},
        date_range=(datetime.date(2026, 1, 1), None))
    filters = body["post_filter"]["bool"]["filter"]
    assert {"terms": {"regions": ["上海"]}} in filters and {"terms": {"kind": ["通知", "公告"]}} in filters
    assert {"range": {"published": {"gte": "2026-01-01T00:00:00"}}} in filters
    region_filters = body["aggs"]["regions"]["filter"]["bool"]["filter"]
    assert {"terms": {"regions": ["上海"]}} not in region_filters
    assert {"terms": {"kind": ["通知", "公告"]}} in region_filters
    assert len(body["aggs"]["source"]["filter"]["bool"]["filter"]) == 3
    assert body["aggs"]["regions"]["aggs"]["values"]["terms"] == {"field": "regions", "size": 10_000}
    assert body["track_total_hits"] is True
    assert body["sort"] == ["_score", {"published": {"order": "desc"}}]
    assert body["query"]["bool"]["filter"] == {"terms": {"django_ct": ["archive.article"]}}


def test_browse_all_sorts_newest_first(backend):
    body = backend.build_search_kwargs("*:*")
    assert body["query"]["bool"]["must"] == {"match_all": {}}
    assert body["sort"] == [{"published": {"order": "desc"}}]


def test_facet_buckets_come_back_as_value_count_pairs(backend):
    raw = {"hits": {"total": {"value": 3}, "hits": []},
           "aggregations": {"regions": {"meta": {"_type": "archive_terms"}, "doc_count": 3,
                                        "values": {"buckets": [{"key": "上海", "doc_count": 2},
                                                               {"key": "江苏", "doc_count": 1}]}}}}
    results = backend._process_results(raw)
    assert results["hits"] == 3
    assert results["facets"]["fields"] == {"regions": [("上海", 2), ("江苏", 1)]}


def _walk(node):
    """Yield every dict in a DSL tree."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_synonyms_literal_and_set_aside_documents_translate(backend):
    widened = list(_walk(query_dsl(backend.parse_query("AI").query)))
    assert {"term": {"text": {"value": "人工智能", "boost": 1.0}}} in widened
    literal = list(_walk(backend.build_search_kwargs("AI", literal=True)["query"]))
    assert not any(node.get("term", {}).get("text", {}).get("value") == "人工智能" for node in literal)
    body = backend.build_search_kwargs("人工智能", facets={"source": {}}, aside={"has_body": ("no",)})
    assert body["aggs"]["source"]["filter"]["bool"]["must_not"] == [{"terms": {"has_body": ["no"]}}]
    assert body["sort"][0]["_script"]["script"]["params"] == {"aside": {"has_body": ["no"]}}
    assert body["sort"][1:] == ["_score", {"published": {"order": "desc"}}]
    complement = query_dsl(backend.parse_query("-人工智能").query)
    assert complement["bool"]["must"] == [{"match_all": {}}] and complement["bool"]["must_not"]
