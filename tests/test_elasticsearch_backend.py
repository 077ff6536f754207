"""The Elasticsearch backend's mapping, documents and request bodies (no server here)."""
import datetime

import pytest
from django.utils.module_loading import import_string

from archive.models import Article
from search.analysis import tokenize
from search.backends.elasticsearch import ChineseElasticsearchSearchBackend, analysed, query_dsl
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
    assert analysed("集成电路产业")[0] == "集成 成电 电路 集成电路 产业"  # sub-words, then the word


def test_the_query_syntax_translates_term_for_term(backend):
    q = backend.parse_query('脑机接口 -浦东 "科技 创新" title:通知 机器人 OR 无人机').query
    dsl = query_dsl(q)
    text = repr(dsl)
    assert "'must_not'" in text and "'浦东'" in text
    phrase = next(node for node in _walk(dsl) if "span_near" in str(node.get("bool", {}).get("filter", ""))
                  and "text" in node["bool"]["must"][0]["term"])
    assert phrase["bool"]["must"] == [{"term": {"text": {"value": "科技", "boost": 1.0}}},
                                      {"term": {"text": {"value": "创新", "boost": 1.0}}}]
    near = phrase["bool"]["filter"][0]["span_near"]
    assert near["slop"] == 0 and near["in_order"] is True
    first = near["clauses"][0]["span_or"]["clauses"]
    assert first[0] == {"span_term": {"text__layer0": "科技".encode().hex()}}
    assert first[1] == {"field_masking_span": {"query": {"span_term": {"text__layer1": "科技".encode().hex()}},
                                               "field": "text__layer0"}}
    assert {"term": {"title": {"value": "通知", "boost": 1.0}}} in _walk(dsl)  # as in Whoosh
    assert {"term": {"docno": {"value": "脑机接口", "boost": 10.0}}} in _walk(dsl)
    assert any("should" in node.get("bool", {}) for node in _walk(dsl))
    assert ({"wildcard": {"title": {"value": "*芯*", "boost": 4.0, "rewrite": "top_terms_64"}}}
            in _walk(query_dsl(backend.parse_query("芯").query)))


def test_andmaybe_and_require_match_without_scores(backend):
    maybe = query_dsl(backend.parse_query("科技 ANDMAYBE 人工智能").query)
    assert list(maybe["bool"]) == ["filter"] and len(maybe["bool"]["filter"]) == 1  # unscored, as on Whoosh
    require = query_dsl(backend.parse_query("科技 REQUIRE 人工智能").query)
    assert list(require["bool"]) == ["filter"] and len(require["bool"]["filter"]) == 2


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
    assert body["sort"] == [{"_score": {"order": "desc"}}, {"published": {"order": "desc"}},
                            {"archive_pk": {"order": "asc"}}]
    assert body["query"]["bool"]["filter"] == {"terms": {"django_ct": ["archive.article"]}}


def test_browse_all_sorts_newest_first(backend):
    body = backend.build_search_kwargs("*:*")
    assert body["query"]["bool"]["must"] == {"match_all": {}}
    assert body["sort"] == [{"published": {"order": "desc"}}, {"archive_pk": {"order": "desc"}}]


def test_facet_buckets_come_back_as_value_count_pairs(backend):
    buckets = {"buckets": [{"key": "上海", "doc_count": 2}, {"key": "江苏", "doc_count": 1}]}
    raw = {"hits": {"total": {"value": 3}, "hits": []},
           "aggregations": {
               "regions": {"meta": {"_type": "archive_terms", "field": "regions"}, "doc_count": 3, "values": buckets},
               "without_dates:month": {"meta": {"_type": "archive_without_dates", "field": "month"}, "doc_count": 5,
                                       "values": {"buckets": [{"key": "2026-01", "doc_count": 5}]}},
               "relaxed:regions": {"meta": {"_type": "archive_relaxed", "field": "regions"}, "doc_count": 9},
               "relaxed:*": {"meta": {"_type": "archive_relaxed", "field": "*"}, "doc_count": 9}}}
    results = backend._process_results(raw)
    assert results["hits"] == 3
    assert results["facets"]["fields"] == {"regions": [("上海", 2), ("江苏", 1)]}
    assert results["facets"]["without_dates"] == {"month": [("2026-01", 5)]}
    assert results["facets"]["relaxed"] == {"regions": 9, "*": 9}


def test_each_position_s_terms_go_to_phrase_layers_in_order():
    text, layers = analysed("集成电路产业")
    assert text == "集成 成电 电路 集成电路 产业"  # the terms as Whoosh indexes them
    hexed = [[bytes.fromhex(w).decode() if w != "zz" else "" for w in layer.split(" ")] for layer in layers]
    # position 0 holds 集成, 成电, 电路, 集成电路; position 1 holds 产业
    assert hexed == [["集成", "产业"], ["成电"], ["电路"], ["集成电路"]]


def test_relaxed_counts_and_the_month_histogram_leave_out_their_filters(backend):
    body = backend.build_search_kwargs("", facets={"regions": {}}, term_filters={"regions": ("上海",)},
                                       date_range=(datetime.date(2026, 1, 1), None), date_free_facets=("month",))
    month = body["aggs"]["without_dates:month"]["filter"]["bool"]["filter"]
    assert month == [{"terms": {"regions": ["上海"]}}]  # no date range
    assert body["aggs"]["relaxed:regions"]["filter"]["bool"]["filter"] == [
        {"range": {"published": {"gte": "2026-01-01T00:00:00"}}}]
    assert body["aggs"]["relaxed:*"]["filter"]["bool"]["filter"] == []


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
    assert body["query"]["boosting"]["negative"] == {"bool": {"should": [{"terms": {"has_body": ["no"]}}]}}
    assert body["sort"] == [{"_score": {"order": "desc"}}, {"published": {"order": "desc"}},
                            {"archive_pk": {"order": "asc"}}]
    newest = backend.build_search_kwargs("人工智能", sort_by=[("published", "desc")], aside={"has_body": ("no",)})
    assert newest["sort"][0] == {"_score": {"order": "desc"}}  # the set-aside ones last, then by date
    assert "script" not in str(newest)  # the server has no scripting module
    complement = query_dsl(backend.parse_query("-人工智能").query)
    assert complement["bool"]["must"] == [{"match_all": {}}] and complement["bool"]["must_not"]
