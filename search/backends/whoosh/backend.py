"""Haystack's Whoosh backend, subclassed where it falls short for Chinese and for speed.

What changes against the stock backend:
- schema: jieba-analysed text fields that are not stored, unanalysed facet fields;
- search: our query syntax (one-character queries included), filters and
  facets over cached per-field document sets, one searcher reused until the
  index changes, browse-all without a query;
- writes: one writer at a time, waiting for the lock instead of failing.
Highlighting is done by discovery.snippets on the page's articles, not here.
"""
import os
import shutil
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from haystack import connections
from haystack.backends import whoosh_backend as stock
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.models import SearchResult
from haystack.utils import get_identifier
from whoosh.fields import DATETIME, ID as WHOOSH_ID, KEYWORD, TEXT
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.qparser import QueryParser
from whoosh.reading import SegmentReader

from search import querysyntax, spelling
from search.querysyntax import ParsedQuery
from search.backends.whoosh import accounts, engine, integrity, internals, position_backfill, proximity
from search.query_filters import StructuredFilters, date_range_bounds
from search.backends.whoosh.segment_build import BuildError, build_segments
from search.backends.base import ArchiveSearchBackend, Build, BuildFailed, IndexBusy, IndexUnavailable
from search.backends.whoosh import index_dirs
from search.backends.whoosh.index_dirs import ensure_symlinked, new_build_dir, swap_in
from search.analysis import ChineseAnalyzer, ChinesePositions, get_jieba

WRITE_LOCK_TIMEOUT = 60.0
PARALLEL_FROM = 1000  # batches this large are analysed by two worker processes
_process_write_lock = threading.Lock()


class ChineseWhooshSearchBackend(ArchiveSearchBackend, stock.WhooshSearchBackend):
    def __init__(self, connection_alias: str, **connection_options: Any) -> None:
        super().__init__(connection_alias, **connection_options)
        self._searcher: Any = None
        self._snapshot: engine.Snapshot | None = None
        self._parser: Any = None

    # -- schema ---------------------------------------------------------
    def build_schema(self, fields: Mapping[str, Any]) -> tuple[str, Any]:
        content_field_name, schema = super().build_schema(fields)
        for field_class in fields.values():
            name = field_class.index_fieldname
            if field_class.field_type == "chinese":
                replacement = TEXT(analyzer=ChineseAnalyzer(), stored=False, phrase=True,
                                   field_boost=field_class.boost)
                replacement.format = ChinesePositions(field_boost=field_class.boost)
            elif field_class.field_type == "keyword" and field_class.is_multivalued:
                replacement = KEYWORD(stored=field_class.stored, commas=True, scorable=False)
            elif field_class.field_type == "keyword":
                replacement = WHOOSH_ID(stored=field_class.stored)
            elif field_class.field_type in ("date", "datetime"):
                replacement = DATETIME(stored=True, sortable=True)
            else:
                continue
            schema.remove(name)
            schema.add(name, replacement)
        return content_field_name, schema

    def setup(self) -> None:
        """Open the index behind PATH, a symlink to the live build directory (see rebuild)."""
        if self.use_file_storage:
            ensure_symlinked(self.path)
            self._opened_dir = os.path.realpath(self.path)
            # No mmap: index pages stay in the OS page cache, shared by every
            # worker, instead of counting in each worker's resident memory.
            self.storage = FileStorage(self._opened_dir, supports_mmap=False)
            self.content_field_name, self.schema = self.build_schema(
                connections[self.connection_alias].get_unified_index().all_searchfields())
            self.parser = QueryParser(self.content_field_name, schema=self.schema)
            if self.storage.index_exists():
                self.index = self.storage.open_index(schema=self.schema)
            else:
                self.index = self.storage.create_index(self.schema)
            self.setup_complete = True
        else:
            super().setup()
        self._parser = querysyntax.make_parser(self.schema)
        self._searcher = None
        self._snapshot = None

    # -- writes ---------------------------------------------------------
    def update(self, index: Any, iterable: Iterable[Any], commit: bool = True) -> None:
        self.update_and_remove(index, iterable, [])

    def remove(self, obj_or_string: Any, commit: bool = True) -> None:
        self.update_and_remove(None, [], [get_identifier(obj_or_string)])

    def _follow_swap(self) -> None:
        """Reopen the index when a rebuild has swapped PATH to a new directory."""
        if not self.setup_complete or (
                self.use_file_storage and os.path.realpath(self.path) != self._opened_dir):
            self.setup()

    def delete_index(self) -> None:
        """Point PATH at a new, empty directory; old readers keep the old one."""
        if not self.use_file_storage:
            return super().delete_index()
        swap_in(self.path, new_build_dir(self.path))
        self.setup()

    def update_and_remove(self, index: Any, objs: Iterable[Any], remove_ids: list[str], *,
                          build: Build | None = None, wait: float | None = None) -> None:
        """Index objs and delete remove_ids in one commit, waiting up to wait seconds for the write lock."""
        self._follow_swap()
        objs = list(objs)
        if not objs and not remove_ids:
            return
        wait = WRITE_LOCK_TIMEOUT if wait is None else wait
        if not _process_write_lock.acquire(timeout=wait):
            raise IndexBusy(f"another write of this process held the index for over {wait:g} s")
        try:
            if build is not None:
                target = FileStorage(build.name, supports_mmap=False).open_index(schema=self.schema)
            else:
                target = self.index = self.index.refresh()
            self._write(self._writer(target, len(objs), wait), index, objs, remove_ids)
            if build is not None or self.use_file_storage:
                position_backfill.write_missing(target.refresh(), build.name if build else os.path.realpath(self.path))
        finally:
            _process_write_lock.release()

    @staticmethod
    def _writer(target: Any, count: int, wait: float) -> Any:
        """Return a writer holding the index's lock; IndexBusy when another process keeps it past wait."""
        try:
            if count >= PARALLEL_FROM:
                get_jieba()  # forked analysis workers inherit the loaded dictionaries
                return target.writer(procs=2, multisegment=True, batchsize=256, timeout=wait)
            return target.writer(timeout=wait)
        except LockError:
            raise IndexBusy(f"another process has been writing the index for over {wait:g} s") from None

    def _write(self, writer: Any, index: Any, objs: list[Any], remove_ids: list[str]) -> None:
        # One searcher for all deletions: Whoosh's update_document() opens a
        # new searcher over every segment for each document it replaces.
        searcher = writer.searcher()
        try:
            for obj in objs:
                doc = self._document(index, obj)
                writer.delete_by_term(ID, doc[ID], searcher=searcher)
                writer.add_document(**doc)
            for identifier in remove_ids:
                writer.delete_by_term(ID, identifier, searcher=searcher)
        except BaseException:
            searcher.close()
            writer.cancel()
            raise
        searcher.close()
        # Saves (a few documents) never merge: folding even tiny segments
        # costs seconds at 100,000 articles. Batches fold them.
        small = len(objs) + len(remove_ids) < MERGE_FROM_BATCH
        try:
            writer.commit(mergetype=merge_tiny_segments if not small else merge_if_piled_up)
        except BaseException:
            writer.cancel()
            raise

    # -- rebuilds -------------------------------------------------------
    def start_build(self) -> Build:
        if not self.setup_complete:
            self.setup()
        return Build(str(new_build_dir(self.path)))

    def swap_in(self, build: Build) -> None:
        swap_in(self.path, build.name)
        self.setup()

    def discard_build(self, build: Build) -> None:
        shutil.rmtree(build.name, ignore_errors=True)

    def remove_stale_builds(self) -> list[str]:
        return index_dirs.prune_builds(self.path)

    def build(self, index: Any, objs: Iterable[Any], *, build: Build, procs: int = 2,
              on_batch: Callable[[int], None] | None = None) -> int:
        """Write a complete new index of objs into build; return the document count.

        procs worker processes analyse the documents (jieba is the cost) and
        write whole segments; see search.backends.whoosh.segment_build.
        """
        storage = FileStorage(build.name)
        ix = storage.create_index(self.schema)
        get_jieba()  # load the dictionaries once; forked workers inherit them
        documents = (self._document(index, obj) for obj in objs)
        try:
            return build_segments(ix, documents, procs=procs, on_batch=on_batch)
        except BuildError as exc:
            raise BuildFailed(str(exc).strip().splitlines()[-1]) from exc

    def _document(self, index: Any, obj: Any) -> dict[str, Any]:
        doc = index.full_prepare(obj)
        doc.pop("boost", None)
        return {key: self._from_python(value) for key, value in doc.items()}

    # -- reads ----------------------------------------------------------
    def snapshot(self) -> engine.Snapshot:
        """Return the engine snapshot of the latest index, reusing it while nothing changed."""
        self._follow_swap()
        fresh = internals.refreshed_searcher(self.index, self._searcher)
        if fresh is not self._searcher:
            self._searcher, self._snapshot = fresh, None
        if self._snapshot is None:
            self._snapshot = engine.Snapshot(self._searcher, storage_key=os.path.realpath(self.path))
        return self._snapshot

    def warm(self) -> None:
        """Load what every search needs (jieba, the columns, facet values, did-you-mean's vocabulary)."""
        get_jieba()
        spelling.warm()
        snap = self.snapshot()
        for name in self.schema.names():
            if isinstance(self.schema[name], TEXT):
                snap.lengths(name)
            elif isinstance(self.schema[name], (KEYWORD, WHOOSH_ID)) and name not in (ID, DJANGO_CT, DJANGO_ID):
                snap.keyword(name)
        snap.dates("published")

    def searcher(self) -> Any:
        """Return a Whoosh searcher on the latest index."""
        return self.snapshot().searcher

    def document_frequencies(self, field: str, words: Iterable[str]) -> tuple[int, dict[str, int]]:
        """Return (documents in the index, {word: documents whose field holds it})."""
        try:
            searcher = self.searcher()
            return searcher.doc_count(), {w: searcher.doc_frequency(field, w) for w in words}
        except integrity.UNREADABLE as exc:
            raise IndexUnavailable(f"the search index cannot be read: {integrity.describe(exc)}") from exc

    def parse_query(self, query_string: str, *, synonyms: bool = True) -> ParsedQuery:
        if not self.setup_complete:
            self.setup()
        return querysyntax.parse_cached(query_string, self.schema, self._parser, synonyms=synonyms)

    def stored_field_names(self) -> list[str]:
        if not self.setup_complete:
            self.setup()
        return sorted(self.schema.stored_names())

    def damage(self) -> list[str]:
        """Open every segment's files and read their TOC, columns and postings' ends."""
        self._follow_swap()
        return integrity.problems(self.storage, self.schema)

    def search(self, query_string: str, sort_by: Sequence[str] | None = None, start_offset: int = 0,
               end_offset: int | None = None, facets: Iterable[str] | None = None,
               result_class: type | None = None, term_filters: Mapping[str, Sequence[str]] | None = None,
               date_range: tuple[Any, Any] | None = None, models: Any = None,
               date_free_facets: Iterable[str] = (), aside: Mapping[str, Sequence[str]] | None = None,
               literal: bool = False, **kwargs: Any) -> dict[str, Any]:
        """Evaluate the query once: the page of results, every facet, and the relaxed counts.

        Each facet is counted under every filter but its own; date_free_facets
        (the month histogram) also without the date range; "relaxed" holds the
        hit count with each filter dropped ("*": the query alone). Documents
        matching aside ({field: values}) come after all others and are not
        counted in facets; literal leaves the synonyms out.
        """
        unsupported = sorted(k for k in ("narrow_queries", "date_facets", "query_facets", "within",
                                         "dwithin", "distance_point") if kwargs.get(k))
        if unsupported:
            raise NotImplementedError(f"{', '.join(unsupported)}: use term_filters/date_range")
        try:
            snap = self.snapshot()
            parsed = self.parse_query("" if query_string in ("*", "*:*") else query_string,
                                      synonyms=not literal)
            field, reverse = _sort_field(sort_by, parsed)
            base = snap.evaluate(parsed.query, scored=field is None)
            filters = {name: snap.value_mask(name, list(values))
                       for name, values in (term_filters or {}).items() if values}
            if date_range and any(date_range):
                first, last = date_range_bounds(date_range)
                filters["published"] = snap.date_mask("published", first, last)
            matched = _intersect(base.mask, filters.values())
            apart = _aside_mask(snap, aside)
            counted = _facets(snap, base.mask & ~apart, filters, facets or (), date_free_facets)
            counted["aside"] = {"count": int((matched & apart).sum())}
            end = end_offset if end_offset is not None else int(matched.sum())
            score = proximity.rerank_parts(snap, parsed.query, (matched & ~apart, matched & apart), base.score)
            score = accounts.rank_named_first(snap, query_string, matched, score)
            docnums = []
            for part in (matched & ~apart, matched & apart):  # the aside ones after all others
                if len(docnums) < end:
                    docnums += snap.top(part, score, end - len(docnums), date_field=field or "published",
                                        newest=reverse if field else True, by_date=field is not None).tolist()
            # values_list() asks for some fields only (exports want ids): convert just those.
            wanted = set(kwargs["fields"]) if kwargs.get("fields") else None
            results = [self._result(snap, int(d), score, result_class or SearchResult, wanted)
                       for d in docnums[start_offset:end]]
        except integrity.UNREADABLE as exc:
            raise IndexUnavailable(f"the search index cannot be read: {integrity.describe(exc)}") from exc
        return {"results": results, "hits": int(matched.sum()), "facets": counted,
                "spelling_suggestion": None}

    def _result(self, snap: engine.Snapshot, docnum: int, score: np.ndarray | None, result_class: type,
                wanted: set[str] | None = None) -> Any:
        stored = snap.reader.stored_fields(docnum)
        app_label, model_name = stored[DJANGO_CT].split(".")
        extra = {k: self._to_python(v) for k, v in stored.items()
                 if k not in (ID, DJANGO_CT, DJANGO_ID) and (wanted is None or k in wanted)}
        value = float(score[docnum]) if score is not None else 0.0
        return result_class(app_label, model_name, stored[DJANGO_ID], value, **extra)


TINY_SEGMENT_DOCS = 100
TINY_SEGMENTS_BEFORE_MERGE = 10
MERGE_FROM_BATCH = 50  # writes of this many documents (imports) fold the tiny segments
PILED_UP = 200  # ...and so does a save, once this many tiny segments have piled up


def merge_tiny_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Merge policy for imports: fold the segments under 100 documents into
    the new one once 10 of them have piled up, and never touch bigger ones.

    Whoosh's default policy may merge thousands of documents inside an
    editor's save (minutes at 100,000 articles); here a merge rewrites at most
    about a thousand. rebuild_index compacts everything.
    """
    tiny = [s for s in segments if s.doc_count_all() < TINY_SEGMENT_DOCS]
    if len(tiny) < TINY_SEGMENTS_BEFORE_MERGE:
        return list(segments)
    for segment in tiny:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in tiny]


def merge_if_piled_up(writer: Any, segments: list[Any]) -> list[Any]:
    """Merge policy for saves: nothing, unless tiny segments have piled up past PILED_UP."""
    tiny = sum(1 for s in segments if s.doc_count_all() < TINY_SEGMENT_DOCS)
    return merge_tiny_segments(writer, segments) if tiny >= PILED_UP else list(segments)


def _facets(snap: engine.Snapshot, base: np.ndarray, filters: Mapping[str, np.ndarray], names: Iterable[str],
            date_free: Iterable[str]) -> dict[str, Any]:
    """Return haystack's facets dict plus "without_dates" and "relaxed" (see search())."""
    fields: dict[str, Any] = {}
    for name in names:
        others = [mask for key, mask in filters.items() if key != name]
        fields[name] = snap.facet_counts(name, _intersect(base, others))
    without_dates: dict[str, Any] = {}
    for name in date_free:
        others = [mask for key, mask in filters.items() if key not in (name, "published")]
        without_dates[name] = snap.facet_counts(name, _intersect(base, others))
    relaxed = {name: int(_intersect(base, [m for k, m in filters.items() if k != name]).sum())
               for name in filters}
    relaxed["*"] = int(base.sum())
    return {"fields": fields, "dates": {}, "queries": {}, "without_dates": without_dates,
            "relaxed": relaxed}


def _aside_mask(snap: engine.Snapshot, aside: Mapping[str, Sequence[str]] | None) -> np.ndarray:
    """Return the mask of documents set aside ({field: values}); none when aside is empty."""
    mask = np.zeros(snap.n, bool)
    for name, values in (aside or {}).items():
        if name in snap.reader.schema:
            mask |= snap.value_mask(name, list(values))
    return mask


def _intersect(mask: np.ndarray, others: Iterable[np.ndarray]) -> np.ndarray:
    result = mask
    for other in others:
        result = result & other
    return result


def _sort_field(sort_by: Sequence[str] | None, parsed: ParsedQuery) -> tuple[str | None, bool]:
    """Return (field or None for relevance, reverse) for haystack's order_by list."""
    if sort_by:
        key = sort_by[0]
        return key.lstrip("-"), key.startswith("-")
    if parsed.matches_all:
        return "published", True
    return None, False


class ChineseWhooshSearchQuery(StructuredFilters, stock.WhooshSearchQuery):
    """Carry exact-value filters and a date range to the backend as structured data."""


class ChineseWhooshEngine(stock.WhooshEngine):
    backend = ChineseWhooshSearchBackend
    query = ChineseWhooshSearchQuery
