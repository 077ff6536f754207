"""Full index builds: worker processes write whole segments; the parent commits them.

Whoosh's own multi-process writer sends every posting through an external
sort (a tuple per posting, sorted in runs, pickled to disk and merged back),
which costs about as much CPU as jieba itself. A fresh build needs none of
that: documents arrive in order, so each worker keeps its postings in memory
grouped by term, sorts only the distinct terms, and hands them to Whoosh's
codec in order. Each worker closes a segment every `segment_docs` documents
to bound its memory. The parent prepares documents (one database
connection), feeds the workers through a bounded queue, and writes the table
of contents that makes the segments an index.
"""
from __future__ import annotations

import copy
import gc
import multiprocessing
import os
import queue
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from whoosh.filedb.filestore import FileStorage

from search.analysis import ChinesePositions, ChineseTokenizer, term_positions

from search.backends.whoosh.worker_guard import die_with_parent
from search.backends.whoosh.writing_internals import (
    BuildCodec, GroupedSegmentWriter, commit_segments, finish_worker_segment, worker_writer,
)
from search.backends.whoosh.position_file import PositionFileWriter, path_for, term_key

BATCH = 250  # documents per job sent to a worker
# zlib level 1 for posting blocks: the same index size as Whoosh's default
# level 3 within 4%, and less time in compress().
COMPRESSION = 1
POLL_SECONDS = 1.0


class BuildError(RuntimeError):
    """A build worker failed; the message carries its traceback."""


class TermGroupedPostings:
    """A posting pool for one new segment: postings grouped by (field, term) in memory.

    Stands in for whoosh.writing.PostingPool (add, cleanup); BuildSegmentWriter reads it
    with grouped(). Documents are added in docnum order, so each term's postings are already sorted.
    """

    def __init__(self) -> None:
        self.terms: dict[tuple[str, bytes], list[tuple]] = {}

    def add(self, item: tuple) -> None:
        # item is (fieldname, btext, docnum, weight, value); kept whole, no new tuple per posting
        postings = self.terms.get(item[:2])
        if postings is None:
            self.terms[item[:2]] = [item]
        else:
            postings.append(item)

    def grouped(self) -> Iterator[tuple[str, bytes, list[tuple]]]:
        """Yield (fieldname, btext, postings) in field, then term order, emptying the pool."""
        terms = self.terms
        for key in sorted(terms):
            yield key[0], key[1], terms.pop(key)

    def iter_postings(self) -> Iterator[tuple]:
        """Yield every posting in (field, term, docnum) order, as whoosh.writing.PostingPool does."""
        for _, _, postings in self.grouped():
            yield from postings

    def cleanup(self) -> None:
        self.terms = {}


class ListedPositions(ChinesePositions):
    """ChinesePositions whose posting values stay lists of positions until the segment is written.

    BuildSegmentWriter encodes them for Whoosh then, and writes the same lists
    to the segment's position file (position_file), so nothing is decoded again.
    """

    def word_values(self, value: str, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, Any]]:
        if not isinstance(analyzer, ChineseTokenizer) or kwargs.get("mode") == "query":
            for term, freq, weight, encoded in super().word_values(value, analyzer, **kwargs):
                yield term, freq, weight, self.decode_positions(encoded)
            return
        boost = self.field_boost
        for term, poslist in term_positions(value).items():
            yield term, len(poslist), len(poslist) * boost, poslist


def listed_schema(schema: Any) -> tuple[Any, set[str]]:
    """Return a copy of schema whose ChinesePositions fields keep position lists, and those fields' names."""
    listed = copy.deepcopy(schema)
    names = set()
    for name in listed.names():
        field = listed[name]
        if type(field.format) is ChinesePositions:
            field.format = ListedPositions(field_boost=field.format.field_boost)
            names.add(name)
    return listed, names


class BuildSegmentWriter(GroupedSegmentWriter):
    """A SegmentWriter whose postings stay in memory, grouped by term, and are written a term at a time.

    With a file storage it also writes the segment's position file.
    """

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        kwargs.setdefault("codec", BuildCodec(compression=COMPRESSION))
        super().__init__(ix, **kwargs)
        self.pool = TermGroupedPostings()
        self._index_schema: Any = ix.schema
        self.schema, self._listed = listed_schema(self._index_schema)
        self._positions: PositionFileWriter | None = None
        if isinstance(self.storage, FileStorage):
            self._positions = PositionFileWriter(path_for(self.storage.folder, self.newsegment.segment_id()))

    def _term_values(self, fieldname: str, btext: bytes, ids: Sequence[int], weights: Sequence[float],
                     values: Sequence[Any]) -> Sequence[Any]:
        if fieldname not in self._listed:
            return values
        if self._positions is not None:
            self._positions.add(term_key(fieldname, btext), ids, weights, values)
        encode = self.schema[fieldname].format.encode
        return [encode(v) for v in values]

    def segment_written(self) -> None:
        if self._positions is not None:
            self._positions.close()

    def segment_abandoned(self) -> None:
        if self._positions is not None:
            self._positions.discard()
            self._positions = None

    def toc_schema(self) -> Any:
        return self._index_schema  # never the listed one


def _worker(storage: Any, indexname: str, jobs: Any, results: Any, segment_docs: int, parent_pid: int) -> None:
    """Index the batches from jobs into segments of up to segment_docs documents."""
    die_with_parent(parent_pid)
    # Millions of posting tuples and no reference cycles: the cyclic collector
    # would only rescan them (5% or more of a worker's time), so it is off in
    # this short-lived process.
    gc.disable()
    try:
        ix = storage.open_index(indexname)
        segments = []
        writer = worker_writer(ix, BuildSegmentWriter)
        while True:
            batch = jobs.get()
            if batch is None:
                break
            for doc in batch:
                writer.add_document(**doc)
            if writer.doc_count() >= segment_docs:
                segments.append(finish_worker_segment(writer))
                writer = worker_writer(ix, BuildSegmentWriter)
        last = finish_worker_segment(writer)
        results.put(("ok", segments + ([last] if last is not None else [])))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def _check_alive(workers: list) -> None:
    for w in workers:
        if w.exitcode not in (None, 0):
            raise BuildError(f"index build worker {w.pid} exited with code {w.exitcode}")


class _Feeder:
    """The parent's side of a build: job and result queues and the worker processes."""

    def __init__(self, ix: Any, procs: int, segment_docs: int) -> None:
        context = multiprocessing.get_context("fork")  # workers inherit loaded jieba dictionaries
        self.jobs = context.Queue(procs * 4)
        self.results = context.Queue()
        self.workers = [context.Process(target=_worker, daemon=True,
                                        args=(ix.storage, ix.indexname, self.jobs, self.results,
                                              segment_docs, os.getpid()))
                        for _ in range(max(procs, 1))]
        for w in self.workers:
            w.start()

    def put(self, item: Any) -> None:
        while True:
            try:
                self.jobs.put(item, timeout=POLL_SECONDS)
                return
            except queue.Full:
                _check_alive(self.workers)
                _collect_errors(self.results, self.workers)

    def feed(self, documents: Iterable[dict], size: int, on_batch: Callable[[int], Any] | None) -> int:
        """Send documents in batches of size, then one stop per worker; return the count."""
        count, batch = 0, []
        for doc in documents:
            batch.append(doc)
            count += 1
            if len(batch) == size:
                self.put(batch)
                batch = []
                if on_batch and count % 1000 < size:
                    on_batch(count)
        if batch:
            self.put(batch)
        for _ in self.workers:
            self.put(None)
        return count

    def collect(self) -> list:
        """Wait for every worker's segments; raise the first failure."""
        segments, pending = [], len(self.workers)
        while pending:
            try:
                status, payload = self.results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                _check_alive(self.workers)
                continue
            if status != "ok":
                raise BuildError(f"index build worker failed:\n{payload}")
            segments.extend(payload)
            pending -= 1
        for w in self.workers:
            w.join()
        return segments

    def stop(self) -> None:
        for w in self.workers:
            if w.is_alive():
                w.terminate()


def build_segments(ix: Any, documents: Iterable[dict], *, procs: int = 2, segment_docs: int = 12_500,
                   on_batch: Callable[[int], Any] | None = None) -> int:
    """Write documents (field dicts) into the empty index ix with procs workers; return the count.

    The index is locked for the whole build and committed once at the end; on
    any failure nothing is committed and the error is raised.
    """
    parent = ix.writer()  # holds the lock; commits the workers' segments
    feeder = _Feeder(ix, procs, segment_docs)
    try:
        count = feeder.feed(documents, min(BATCH, segment_docs), on_batch)
        segments = feeder.collect()
    except BaseException:
        feeder.stop()
        parent.cancel()
        raise
    commit_segments(parent, segments)
    return count


def _collect_errors(results: Any, workers: list) -> None:
    """Raise a worker's error early while the parent is blocked feeding jobs."""
    try:
        status, payload = results.get_nowait()
    except queue.Empty:
        return
    if status != "ok":
        raise BuildError(f"index build worker failed:\n{payload}")
    results.put((status, payload))  # a finished worker's segments: keep them for the end
