"""Haystack's Elasticsearch 7 backend with the archive's jieba tokens, filters and facets.

ELASTICSEARCH_URL selects it (config/settings.py); it answers as the Whoosh backend does:
- the same terms: Chinese fields segmented by search.analysis (index mode), sent space-separated;
- the same phrases: Whoosh gives a word and its dictionary sub-words one position, which a
  whitespace analyser cannot; so each Chinese field also has layer fields (`title__layer0`,
  `title__layer1`, ...) with the first, second, ... term of every position (hex words the
  standard tokenizer keeps whole; a dropped filler where a position has none). A phrase is a
  span_near over the layers, scored as its words;
- the same query syntax (search.querysyntax, term for term, same boosts), one-character
  queries scoring 64 expansions, ties broken as on a fresh Whoosh index (date, article id);
- the same counts: filters go to post_filter; each facet is counted under every filter but
  its own; the month histogram also without dates; relaxed counts; documents set aside last.
Rebuilds write `<INDEX_NAME>-<stamp>`, then move the alias INDEX_NAME to it. No scripts, no analysis-common.
"""
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch import NotFoundError
from elasticsearch.helpers import bulk as es_bulk

from haystack.backends import elasticsearch7_backend as es7
from haystack.constants import ID
from whoosh import query as wq

from search import querysyntax, spelling
from search.querysyntax import ParsedQuery
from search.backends.base import ArchiveSearchBackend, Build, IndexUnavailable
from search.backends.elasticsearch_facets import facet_aggregations, facet_counts
from search.backends.elasticsearch_indices import build_name, builds_of, delete_index, index_names
from search.analysis import ChineseAnalyzer, tokenize
from search.query_filters import StructuredFilters, date_range_bounds

BUILD_BATCH = 500
EXPANSION = 64  # terms a one-character query widens to (the Whoosh engine's MAX_EXPANSION)
PHRASE_LAYERS = 16  # terms one position may hold for phrases (a jieba word and its sub-words: 9 seen)
GAP = "zz"  # a filler where a position has no term in a layer: not hex, dropped by the layer analyser
MAX_LAYER_WORD = 4000  # longer hex words are replaced by a hash (the tokenizer keeps 4096 characters)
ASIDE_BOOST = 1e-9  # scales the scores of documents set aside below every other (each gets 1 added first)
ORDER_FIELD = "archive_pk"  # the article id as a number, to break ties as Whoosh does
RESULT_WINDOW = 100_000  # deepest hit a search may reach: exports read up to 50,000
INDEX_SETTINGS = {"number_of_shards": 1, "number_of_replicas": 1, "max_result_window": RESULT_WINDOW, "analysis": {
    "tokenizer": {"archive_hex_words": {"type": "standard", "max_token_length": 4096}},
    "filter": {"archive_gap": {"type": "stop", "stopwords": [GAP]}},
    "analyzer": {"archive_layer": {"type": "custom", "tokenizer": "archive_hex_words", "filter": ["archive_gap"]}}}}
LAYER_MAPPING = {"type": "text", "analyzer": "archive_layer", "norms": False, "index_options": "positions"}
MATCH_NONE = {"bool": {"must_not": [{"match_all": {}}]}}


def analysed(text: str) -> tuple[str, list[str]]:
    """Return (the index-mode terms, space-separated; the phrase layers): layer d holds the d-th
    term Whoosh indexes at each position (hex) or GAP, with no trailing GAPs and no empty layer."""
    terms = tokenize(text or "", mode="index")
    stacks = {}
    for term, position, _, _ in terms:
        stacks.setdefault(position, []).append(term)
    positions = range(max(stacks) + 1) if stacks else range(0)
    layers = []
    for depth in range(PHRASE_LAYERS):
        words = [layer_word(stacks[p][depth]) if len(stacks.get(p, ())) > depth else GAP for p in positions]
        while words and words[-1] == GAP:
            words.pop()
        if not words:
            break
        layers.append(" ".join(words))
    return " ".join(term for term, _, _, _ in terms), layers


def layer_word(term: str) -> str:
    """Return term as it is written in a phrase layer: hex UTF-8, or a hash when very long."""
    word = term.encode("utf-8").hex()
    return word if len(word) <= MAX_LAYER_WORD else hashlib.sha1(term.encode("utf-8")).hexdigest()


def layer_field(field: str, depth: int) -> str:
    return f"{field}__layer{depth}"


def phrase_dsl(q: wq.Phrase) -> dict:
    """A Whoosh phrase: its words' scores, for documents that hold them at consecutive positions."""
    words = [_text(w) for w in q.words]
    scored = [{"term": {q.fieldname: {"value": w, "boost": q.boost}}} for w in words]
    if len(words) < 2:
        return scored[0] if scored else MATCH_NONE
    first = layer_field(q.fieldname, 0)

    at_a_position = [{"span_or": {"clauses": [{"span_term": {first: layer_word(w)}}] + [
        {"field_masking_span": {"query": {"span_term": {layer_field(q.fieldname, d): layer_word(w)}}, "field": first}}
        for d in range(1, PHRASE_LAYERS)]}} for w in words]
    near = {"span_near": {"clauses": at_a_position, "slop": max(q.slop - 1, 0), "in_order": True}}
    return {"bool": {"must": scored, "filter": [near]}}


def query_dsl(q: wq.Query) -> dict:
    """Translate a search.querysyntax query tree into Elasticsearch's query DSL."""
    if isinstance(q, wq.Every):
        return {"match_all": {}}
    if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
        return MATCH_NONE
    boost = getattr(q, "boost", 1.0)
    if isinstance(q, wq.Term):
        return {"term": {q.fieldname: {"value": _text(q.text), "boost": boost}}}
    if isinstance(q, wq.Phrase):
        return phrase_dsl(q)
    if isinstance(q, (wq.Wildcard, wq.Prefix)):  # scored as the sum of the top expansions, as on Whoosh
        kind = "wildcard" if isinstance(q, wq.Wildcard) else "prefix"
        return {kind: {q.fieldname: {"value": _text(q.text), "boost": boost, "rewrite": f"top_terms_{EXPANSION}"}}}
    if isinstance(q, wq.AndNot):
        return {"bool": {"must": [query_dsl(q.a)], "must_not": [query_dsl(q.b)]}}
    if isinstance(q, wq.Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [query_dsl(q.query)]}}
    if isinstance(q, (wq.AndMaybe, wq.Require)):  # matched unscored, as by the Whoosh engine; b optional or required
        return {"bool": {"filter": [query_dsl(q.a)] + ([query_dsl(q.b)] if isinstance(q, wq.Require) else [])}}
    if isinstance(q, wq.And):
        return {"bool": {"must": [query_dsl(s) for s in q.subqueries]}}
    if isinstance(q, wq.Or):
        return {"bool": {"should": [query_dsl(s) for s in q.subqueries], "minimum_should_match": 1}}
    raise ValueError(f"no Elasticsearch translation for {type(q).__name__}")


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value


class ChineseElasticsearchSearchBackend(ArchiveSearchBackend, es7.Elasticsearch7SearchBackend):
    FIELD_MAPPINGS = {
        **es7.Elasticsearch7SearchBackend.FIELD_MAPPINGS,
        "chinese": {"type": "text", "analyzer": "whitespace"},  # terms come from search.analysis
        "keyword": {"type": "keyword"},
    }

    def __init__(self, connection_alias: str, **connection_options: Any) -> None:
        super().__init__(connection_alias, **connection_options)
        # Failures surface (as IndexUnavailable: a 503 page) instead of haystack's empty result.
        self.silently_fail = False
        self._field_mapping: dict[str, Any] = {}
        self._chinese_fields: set[str] | None = None
        self._parse_schema: Any = None

    def _search_fields(self) -> dict[str, Any]:
        from haystack import connections

        return connections[self.connection_alias].get_unified_index().all_searchfields()

    def chinese_fields(self) -> set[str]:
        if self._chinese_fields is None:
            fields = self._search_fields().values()
            self._chinese_fields = {f.index_fieldname for f in fields if f.field_type == "chinese"}
        return self._chinese_fields

    def _prepare_object(self, index: Any, obj: Any) -> dict[str, Any]:
        doc = super()._prepare_object(index, obj)
        for name in self.chinese_fields() & doc.keys():
            doc[name], layers = analysed(doc[name])
            doc.update({layer_field(name, depth): layer for depth, layer in enumerate(layers)})
        doc[ORDER_FIELD] = int(doc["django_id"])
        return doc

    def parse_query(self, query_string: str, *, synonyms: bool = True) -> ParsedQuery:
        """Parse a researcher's query with the archive's syntax (as the Whoosh backend does)."""
        if self._parse_schema is None:
            from whoosh.fields import Schema, TEXT

            self._parse_schema = Schema(**{name: TEXT(analyzer=ChineseAnalyzer(), phrase=True)
                                           for name in querysyntax.SEARCH_FIELDS})
        return querysyntax.parse_cached(query_string, self._parse_schema, synonyms=synonyms)

    # -- the archive's contract -------------------------------------------
    def update_and_remove(self, index: Any, objs: Iterable[Any], remove_ids: list[str], *,
                          build: Build | None = None, refresh: bool = True, wait: float | None = None) -> None:
        """Index objs and delete remove_ids in one bulk request, then refresh (searchable at once)."""
        if not self.setup_complete:
            self.setup()
        target = build.name if build is not None else self.index_name
        actions = self.bulk_actions(index, objs, remove_ids, target=target)
        if not actions:
            return
        errors: list[dict[str, Any]] = es_bulk(self.conn, actions, raise_on_error=False, refresh=refresh)[1]  # type: ignore[assignment]
        real = [e for e in errors if not ("delete" in e and e["delete"].get("status") == 404)]
        if real:
            raise RuntimeError(f"Elasticsearch refused {len(real)} document(s): {real[:3]}")

    def bulk_actions(self, index: Any, objs: Iterable[Any], remove_ids: Iterable[str], *,
                     target: str) -> list[dict[str, Any]]:
        """Return the bulk request's actions: a document per obj, a delete per removed id."""
        actions = []
        for obj in objs:
            doc = {key: self._from_python(value) for key, value in self._prepare_object(index, obj).items()}
            actions.append({"_op_type": "index", "_index": target, "_id": doc[ID], "_source": doc})
        actions += [{"_op_type": "delete", "_index": target, "_id": identifier} for identifier in remove_ids]
        return actions

    def start_build(self) -> Build:
        if not self.setup_complete:
            self.setup()
        return Build(self._create_index())

    def setup(self) -> None:
        """Create the first concrete index and its alias when the cluster has neither."""
        self.content_field_name, self._field_mapping = self.build_schema(self._search_fields())
        if not self.conn.indices.exists(index=self.index_name):
            name = self._create_index()
            self.conn.indices.update_aliases(body={"actions": [{"add": {"index": name,
                                                                        "alias": self.index_name}}]})
        self.setup_complete = True

    def _create_index(self) -> str:
        """Create a new concrete index (`<INDEX_NAME>-<stamp>`) with the archive's mapping; return its name."""
        name = build_name(self.index_name)
        properties = {**self._field_mapping, ORDER_FIELD: {"type": "long"}}
        for field in sorted(self.chinese_fields()):
            properties.update({layer_field(field, d): LAYER_MAPPING for d in range(PHRASE_LAYERS)})
        # The Chinese fields (jieba's terms, as on Whoosh not stored: pages read the database), the layers
        # and the order field are searched and sorted on, never read back.
        excludes = [*sorted(self.chinese_fields()), "*__layer*", ORDER_FIELD]
        mappings = {"_source": {"excludes": excludes}, "properties": properties}
        self.conn.indices.create(index=name, settings=INDEX_SETTINGS, mappings=mappings)
        return name

    def build(self, index: Any, objs: Iterable[Any], *, build: Build, procs: int = 2,
              on_batch: Callable[[int], None] | None = None) -> int:
        """Write objs into build in bulk requests of BUILD_BATCH; refresh once at the end."""
        count, objs = 0, iter(objs)
        while batch := list(islice(objs, BUILD_BATCH)):
            self.update_and_remove(index, batch, [], build=build, refresh=False)
            count += len(batch)
            if on_batch:
                on_batch(count)
        self.conn.indices.refresh(index=build.name)
        return count

    def swap_in(self, build: Build) -> None:
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

    def discard_build(self, build: Build) -> None:
        self.conn.indices.delete(index=build.name, ignore=404)

    def remove_stale_builds(self) -> list[str]:
        return []  # an unfinished build is a named index, removed by discard_build or swap_in

    def _aliased_indices(self) -> list[str]:
        return index_names(self.conn.indices.get_alias, name=self.index_name)

    def _builds(self) -> list[str]:
        """Return the concrete indices built for INDEX_NAME (not those of a longer name that starts with it)."""
        return builds_of(self.conn, self.index_name)

    def drop(self) -> None:
        """Delete the alias INDEX_NAME and every index built for it (scratch indexes of tests and benchmarks)."""
        delete_index(self.conn, self.index_name)

    def document_frequencies(self, field: str, words: Iterable[str]) -> tuple[int, dict[str, int]]:
        words = list(words)
        aggs = {f"df{i}": {"filter": {"term": {field: w}}} for i, w in enumerate(words)}
        with _answering():
            found = self.conn.search(index=self.index_name, size=0, track_total_hits=True, aggs=aggs)
        aggregations = found.get("aggregations", {})
        return (found["hits"]["total"]["value"],
                {w: aggregations.get(f"df{i}", {}).get("doc_count", 0) for i, w in enumerate(words)})

    def stored_field_names(self) -> list[str]:
        """The fields read back with each result: all but the Chinese ones (not stored, as on Whoosh)."""
        return sorted(f.index_fieldname for f in self._search_fields().values()
                      if f.stored and f.index_fieldname not in self.chinese_fields())

    def warm(self) -> None:
        if not self.setup_complete:
            self.setup()
        self.parse_query("科技")  # loads jieba
        spelling.warm()

    def damage(self) -> list[str]:
        try:
            health = self.conn.cluster.health(index=self.index_name)
        except Exception as exc:
            return [f"cluster unreachable ({type(exc).__name__}: {exc})"]
        return [] if health.get("status") in ("green", "yellow") else [f"index health {health.get('status')}"]

    def search(self, query_string: str, **kwargs: Any) -> dict[str, Any]:
        """Run one search; an unreachable cluster or a missing index raises IndexUnavailable.

        A page past RESULT_WINDOW (which the server refuses) is empty, as past the last hit on Whoosh.
        """
        start, end = kwargs.get("start_offset", 0), kwargs.get("end_offset")
        if past := end is not None and end > RESULT_WINDOW:
            kwargs.update(start_offset=min(start, RESULT_WINDOW - 1), end_offset=RESULT_WINDOW)
        with _answering():
            results = super().search(query_string, **kwargs)
        if past and start >= RESULT_WINDOW:
            results["results"] = []
        return results

    def build_search_kwargs(self, query_string: str, sort_by: Sequence[str] | None = None,
                            facets: Iterable[str] | None = None,
                            term_filters: Mapping[str, Sequence[str]] | None = None,
                            date_range: tuple[Any, Any] | None = None, date_free_facets: Iterable[str] = (),
                            aside: Mapping[str, Sequence[str]] | None = None, literal: bool = False,
                            **kwargs: Any) -> dict[str, Any]:
        parsed = self.parse_query("" if query_string in ("*", "*:*") else query_string,
                                  synonyms=not literal)
        body = super().build_search_kwargs("*:*", sort_by=sort_by, **kwargs)
        text_query = query_dsl(parsed.query)
        if "bool" in body["query"]:  # the model filter haystack adds
            body["query"]["bool"]["must"] = text_query
        else:
            body["query"] = text_query
        filters: dict[str, Any] = {name: {"terms": {name: list(values)}}
                                   for name, values in (term_filters or {}).items() if values}
        if date_range and any(date_range):
            bounds = zip(("gte", "lte"), date_range_bounds(date_range))
            filters["published"] = {"range": {"published": {op: self._from_python(day)
                                                             for op, day in bounds if day}}}
        if filters:
            body["post_filter"] = {"bool": {"filter": list(filters.values())}}
        set_aside = [{"terms": {name: list(values)}} for name, values in (aside or {}).items() if values]
        body["aggs"] = facet_aggregations(filters, facets or (), date_free_facets, set_aside)
        body["track_total_hits"] = True
        if not sort_by:
            body["sort"] = ([{"published": {"order": "desc"}}] if parsed.matches_all
                            else [{"_score": {"order": "desc"}}, {"published": {"order": "desc"}}])
        # Ties as on Whoosh: by date, newest first, then by article id, in the date's direction.
        (first, how), = body["sort"][0].items()
        body["sort"].append({ORDER_FIELD: {"order": "asc" if first == "_score" else how["order"]}})
        if set_aside:  # set aside: after all others, whatever the sort (scaled down; the server has no scripts)
            by_score = next(iter(body["sort"][0])) == "_score"
            scored = ({"bool": {"must": [body["query"]], "should": [{"constant_score": {"filter": {"match_all": {}}}}]}}
                      if by_score else {"constant_score": {"filter": body["query"]}})  # by date: all score 1
            body["query"] = {"boosting": {"positive": scored, "negative": {"bool": {"should": set_aside}},
                                          "negative_boost": ASIDE_BOOST}}
            body["sort"][:0] = [] if by_score else [{"_score": {"order": "desc"}}]
        return body

    def _process_results(self, raw_results: dict[str, Any], highlight: bool = False, result_class: type | None = None,
                         distance_point: Any = None, geo_sort: bool = False) -> dict[str, Any]:
        results = super()._process_results(raw_results, highlight, result_class, distance_point, geo_sort)
        if "aggregations" in raw_results:
            results["facets"] = facet_counts(raw_results["aggregations"])
        return results


@contextmanager
def _answering() -> Iterator[None]:
    """Turn an unreachable cluster or a missing index into IndexUnavailable (a 503 page)."""
    try:
        yield
    except (ESConnectionError, NotFoundError) as exc:
        raise IndexUnavailable(f"the search cluster cannot answer: {exc}") from exc


class ChineseElasticsearchSearchQuery(StructuredFilters, es7.Elasticsearch7SearchQuery):
    """Exact-value filters and a date range, carried to the backend as data."""


class ChineseElasticsearchEngine(es7.Elasticsearch7SearchEngine):
    backend = ChineseElasticsearchSearchBackend
    query = ChineseElasticsearchSearchQuery
