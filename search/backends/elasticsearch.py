"""Haystack's Elasticsearch 7 backend with the archive's jieba tokens, filters and facets.

For more than one search host: ELASTICSEARCH_URL selects this engine (see
config/settings.py). What it keeps from the Whoosh backend:
- the same tokens: Chinese text fields are segmented by search.analysis
  (index mode) before they are sent, and mapped with Elasticsearch's
  whitespace analyzer, so Elasticsearch sees exactly the terms Whoosh indexes;
- the same query syntax: search.querysyntax parses what researchers type and
  the tree is translated into Elasticsearch's query DSL, term for term, with
  the same field boosts (BM25 on both sides);
- the same filters and facets: exact-value filters and the date range go to
  `post_filter`; each facet is counted under every filter but its own.

Rebuilds write a new concrete index (`<INDEX_NAME>-<stamp>`) and then move
the alias INDEX_NAME to it in one request; searches use the alias
throughout. The previous index is kept as the last good one.
"""
import time
import uuid

from elasticsearch import NotFoundError
from elasticsearch.helpers import bulk as es_bulk

from haystack.backends import elasticsearch7_backend as es7
from haystack.constants import ID
from whoosh import query as wq

from search import querysyntax
from search.backends.base import ArchiveSearchBackend, Build
from search.analysis import ChineseAnalyzer, tokenize
from search.query_filters import StructuredFilters, date_range_bounds

FACET_SIZE = 10_000
BUILD_BATCH = 500
# Only built-in analysers (whitespace, keyword): the terms come pre-segmented by search.analysis.
INDEX_SETTINGS = {"number_of_shards": 1, "number_of_replicas": 1}
MATCH_NONE = {"bool": {"must_not": [{"match_all": {}}]}}


def tokenized(text):
    """Return text as the space-separated index-mode terms Whoosh would index."""
    return " ".join(term for term, _, _, _ in tokenize(text or "", mode="index"))


def query_dsl(q):
    """Translate a search.querysyntax query tree into Elasticsearch's query DSL."""
    if isinstance(q, wq.Every):
        return {"match_all": {}}
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return MATCH_NONE
    boost = getattr(q, "boost", 1.0)
    if isinstance(q, wq.Term):
        return {"term": {q.fieldname: {"value": _text(q.text), "boost": boost}}}
    if isinstance(q, wq.Phrase):
        return {"match_phrase": {q.fieldname: {"query": " ".join(map(_text, q.words)), "boost": boost}}}
    if isinstance(q, wq.Wildcard):
        return {"wildcard": {q.fieldname: {"value": _text(q.text), "boost": boost}}}
    if isinstance(q, wq.Prefix):
        return {"prefix": {q.fieldname: {"value": _text(q.text), "boost": boost}}}
    if isinstance(q, wq.AndNot):
        return {"bool": {"must": [query_dsl(q.a)], "must_not": [query_dsl(q.b)]}}
    if isinstance(q, wq.Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [query_dsl(q.query)]}}
    if isinstance(q, wq.And):
        return {"bool": {"must": [query_dsl(s) for s in q.subqueries]}}
    if isinstance(q, wq.Or):
        return {"bool": {"should": [query_dsl(s) for s in q.subqueries], "minimum_should_match": 1}}
    raise ValueError(f"no Elasticsearch translation for {type(q).__name__}")


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


class ChineseElasticsearchSearchBackend(ArchiveSearchBackend, es7.Elasticsearch7SearchBackend):
    FIELD_MAPPINGS = {
        **es7.Elasticsearch7SearchBackend.FIELD_MAPPINGS,
        "chinese": {"type": "text", "analyzer": "whitespace"},  # terms come from search.analysis
        "keyword": {"type": "keyword"},
    }

    def __init__(self, connection_alias, **connection_options):
        super().__init__(connection_alias, **connection_options)
        self._field_mapping = {}
        self._chinese_fields = None
        self._parse_schema = None

    def chinese_fields(self):
        if self._chinese_fields is None:
            from haystack import connections

            fields = connections[self.connection_alias].get_unified_index().all_searchfields()
            self._chinese_fields = {f.index_fieldname for f in fields.values() if f.field_type == "chinese"}
        return self._chinese_fields

    def _prepare_object(self, index, obj):
        doc = super()._prepare_object(index, obj)
        for name in self.chinese_fields():
            if name in doc:
                doc[name] = tokenized(doc[name])
        return doc

    def parse_query(self, query_string, *, synonyms=True):
        """Parse a researcher's query with the archive's syntax (as the Whoosh backend does)."""
        if self._parse_schema is None:
            from whoosh.fields import Schema, TEXT

            self._parse_schema = Schema(**{name: TEXT(analyzer=ChineseAnalyzer(), phrase=True)
                                           for name in querysyntax.SEARCH_FIELDS})
        return querysyntax.parse_cached(query_string, self._parse_schema, synonyms=synonyms)

    # -- the archive's contract -------------------------------------------
    def update_and_remove(self, index, objs, remove_ids, *, build=None):
        """Index objs and delete remove_ids in one bulk request, then refresh."""
        if not self.setup_complete:
            self.setup()
        target = build.name if build is not None else self.index_name
        actions = self.bulk_actions(index, objs, remove_ids, target=target)
        if not actions:
            return
        _, errors = es_bulk(self.conn, actions, raise_on_error=False, refresh=True)
        real = [e for e in errors if not ("delete" in e and e["delete"].get("status") == 404)]
        if real:
            raise RuntimeError(f"Elasticsearch refused {len(real)} document(s): {real[:3]}")

    def bulk_actions(self, index, objs, remove_ids, *, target):
        """Return the bulk request's actions: a document per obj, a delete per removed id."""
        actions = []
        for obj in objs:
            doc = {key: self._from_python(value) for key, value in self._prepare_object(index, obj).items()}
            actions.append({"_op_type": "index", "_index": target, "_id": doc[ID], "_source": doc})
        actions += [{"_op_type": "delete", "_index": target, "_id": identifier} for identifier in remove_ids]
        return actions

    def start_build(self):
        if not self.setup_complete:
            self.setup()
        name = f"{self.index_name}-{time.strftime('%Y%m%dt%H%M%S')}-{uuid.uuid4().hex[:6]}"
        self._create_index(name)
        return Build(name)

    def setup(self):
        """Create the first concrete index and its alias when the cluster has neither."""
        from haystack import connections

        fields = connections[self.connection_alias].get_unified_index().all_searchfields()
        self.content_field_name, self._field_mapping = self.build_schema(fields)
        if not self.conn.indices.exists(index=self.index_name):
            name = f"{self.index_name}-{time.strftime('%Y%m%dt%H%M%S')}-{uuid.uuid4().hex[:6]}"
            self._create_index(name)
            self.conn.indices.update_aliases(body={"actions": [{"add": {"index": name,
                                                                        "alias": self.index_name}}]})
        self.setup_complete = True

    def _create_index(self, name):
        self.conn.indices.create(index=name, body={"settings": INDEX_SETTINGS,
                                                   "mappings": {"properties": self._field_mapping}})

    def build(self, index, objs, *, build, procs=2, on_batch=None):
        batch, count = [], 0
        for obj in objs:
            batch.append(obj)
            if len(batch) >= BUILD_BATCH:
                count += self._build_batch(index, batch, build, on_batch, count)
                batch = []
        if batch:
            count += self._build_batch(index, batch, build, on_batch, count)
        return count

    def _build_batch(self, index, batch, build, on_batch, done):
        self.update_and_remove(index, batch, [], build=build)
        if on_batch:
            on_batch(done + len(batch))
        return len(batch)

    def swap_in(self, build):
        """Move the alias to build in one request; keep the previous index, drop older ones."""
        current = self._aliased_indices()
        actions = [{"remove": {"index": name, "alias": self.index_name}} for name in current]
        if self.conn.indices.exists(index=self.index_name) and not current:
            self.conn.indices.delete(index=self.index_name)  # a plain index from before aliases
        actions.append({"add": {"index": build.name, "alias": self.index_name}})
        self.conn.indices.update_aliases(body={"actions": actions})
        keep = {build.name, *current}
        for name in self._builds():
            if name not in keep:
                self.conn.indices.delete(index=name, ignore=404)

    def discard_build(self, build):
        self.conn.indices.delete(index=build.name, ignore=404)

    def remove_stale_builds(self):
        return []  # an unfinished build is a named index, removed by discard_build or swap_in

    def _aliased_indices(self):
        try:
            return sorted(self.conn.indices.get_alias(name=self.index_name))
        except NotFoundError:
            return []

    def _builds(self):
        try:
            return sorted(self.conn.indices.get(index=f"{self.index_name}-*"))
        except NotFoundError:
            return []

    def document_frequencies(self, field, words):
        words = list(words)
        body = {"size": 0, "track_total_hits": True,
                "aggs": {w: {"filter": {"term": {field: w}}} for w in words}}
        found = self.conn.search(index=self.index_name, body=body)
        aggregations = found.get("aggregations", {})
        return (found["hits"]["total"]["value"],
                {w: aggregations.get(w, {}).get("doc_count", 0) for w in words})

    def stored_field_names(self):
        from haystack import connections

        fields = connections[self.connection_alias].get_unified_index().all_searchfields()
        return sorted(f.index_fieldname for f in fields.values() if f.stored)

    def warm(self):
        if not self.setup_complete:
            self.setup()
        self.parse_query("科技")  # loads jieba

    def damage(self):
        try:
            health = self.conn.cluster.health(index=self.index_name)
        except Exception as exc:
            return [f"cluster unreachable ({type(exc).__name__}: {exc})"]
        return [] if health.get("status") in ("green", "yellow") else [f"index health {health.get('status')}"]

    def build_search_kwargs(self, query_string, sort_by=None, facets=None, term_filters=None,
                            date_range=None, aside=None, literal=False, **kwargs):
        parsed = self.parse_query("" if query_string in ("*", "*:*") else query_string,
                                  synonyms=not literal)
        body = super().build_search_kwargs("*:*", sort_by=sort_by, **kwargs)
        text_query = query_dsl(parsed.query)
        if "bool" in body["query"]:  # the model filter haystack adds
            body["query"]["bool"]["must"] = text_query
        else:
            body["query"] = text_query
        filters = {name: {"terms": {name: list(values)}} for name, values in (term_filters or {}).items()
                   if values}
        if date_range and any(date_range):
            bounds = {}
            start, end = date_range_bounds(date_range)
            if start:
                bounds["gte"] = self._from_python(start)
            if end:
                bounds["lte"] = self._from_python(end)
            filters["published"] = {"range": {"published": bounds}}
        if filters:
            body["post_filter"] = {"bool": {"filter": list(filters.values())}}
        set_aside = [{"terms": {name: list(values)}} for name, values in (aside or {}).items() if values]
        if facets:
            body["aggs"] = {
                name: {"meta": {"_type": "archive_terms"},
                       "filter": {"bool": {"filter": [f for key, f in filters.items() if key != name],
                                           "must_not": set_aside}},
                       "aggs": {"values": {"terms": {"field": name, "size": FACET_SIZE}}}}
                for name in facets}
        body["track_total_hits"] = True
        if not sort_by:
            body["sort"] = ([{"published": {"order": "desc"}}] if parsed.matches_all
                            else ["_score", {"published": {"order": "desc"}}])
        if set_aside:  # documents set aside come after all others, whatever the sort
            body["sort"] = [{"_script": {"type": "number", "order": "asc", "script": {
                "source": "for (f in params.aside.keySet()) { if (doc.containsKey(f) && !doc[f].empty"
                          " && params.aside[f].contains(doc[f].value)) { return 1; } } return 0;",
                "params": {"aside": {name: list(values) for name, values in aside.items()}}}}},
                *(body.get("sort") or ["_score"])]
        return body

    def _process_results(self, raw_results, highlight=False, result_class=None, distance_point=None,
                         geo_sort=False):
        results = super()._process_results(raw_results, highlight, result_class, distance_point, geo_sort)
        aggregations = raw_results.get("aggregations") or {}
        fields = {name: [(b["key"], b["doc_count"]) for b in agg["values"]["buckets"]]
                  for name, agg in aggregations.items() if agg.get("meta", {}).get("_type") == "archive_terms"}
        if fields:
            results["facets"] = {"fields": fields, "dates": {}, "queries": {}}
        return results


class ChineseElasticsearchSearchQuery(StructuredFilters, es7.Elasticsearch7SearchQuery):
    """Exact-value filters and a date range, carried to the backend as data."""


class ChineseElasticsearchEngine(es7.Elasticsearch7SearchEngine):
    backend = ChineseElasticsearchSearchBackend
    query = ChineseElasticsearchSearchQuery

