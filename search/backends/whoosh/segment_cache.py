"""What is read once from an immutable Whoosh segment, cached by segment id.

Segments never change once written (a deletion only changes the live mask,
which the snapshot reads anew), so a segment's field lengths, dates, keyword
values, postings and phrase answers are read once and reused by every later
reader of the same segment.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, TypeVar

import numpy as np

from search.backends.whoosh import phrases, position_file
from search.backends.whoosh.internals import column_values, field_lengths, raw_postings, seek_postings
from search.backends.whoosh.position_file import (
    Damaged, PositionFile, TermPositions, open_position_file, positional_fields, term_key,
)

log = logging.getLogger(__name__)
_T = TypeVar("_T")
POSTINGS_CACHE_BYTES = 96 * 1024 * 1024
MATCHES_PER_SEGMENT = 256  # cached phrase answers per segment


class LRUBytes:
    """A small thread-safe LRU cache bounded by the bytes of its numpy values."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any, nbytes: int) -> None:
        with self.lock:
            if key in self.items:
                return
            self.items[key] = (value, nbytes)
            self.size += nbytes
            while self.size > self.limit and len(self.items) > 1:
                _, (_, old) = self.items.popitem(last=False)
                self.size -= old


_postings_cache = LRUBytes(POSTINGS_CACHE_BYTES)
_segment_cache: dict = {}
_segment_lock = threading.Lock()


class SegmentData:
    """What is read once from an immutable segment: lengths, dates, keyword values."""

    def __init__(self, reader: Any, key: tuple) -> None:
        self.reader = reader
        self.key = key
        self.doccount = reader.doc_count_all()
        self._lengths: dict = {}
        self._keywords: dict = {}
        self._dates: np.ndarray | None = None
        self._matches: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self._positions: PositionFile | None = None
        self._damaged = False
        self.positional = frozenset(positional_fields(reader.schema))

    @property
    def positions(self) -> PositionFile | None:
        """The segment's position file; None (Whoosh's postings are read) while it has none.

        key is (index folder, segment id). A segment written by a save gets its
        file just after its commit (position_backfill), so a missing one is looked for again;
        one found damaged is not used again by this process.
        """
        if self._positions is None and not self._damaged:
            self._positions = open_position_file(self.key[0], self.key[1])
        return self._positions

    def _from_file(self, read: Callable[[PositionFile], _T]) -> _T | None:
        """read(the segment's position file); None where it has none or the read finds it damaged
        (then it is set aside, and the caller reads Whoosh's postings)."""
        positions = self.positions
        if positions is None:
            return None
        try:
            return read(positions)
        except Damaged as exc:
            log.warning("segment %s: position file set aside, reading Whoosh's postings: %s", self.key[1], exc)
            self._damaged, self._positions = True, None
            return None

    # The reader is shared by every thread's snapshot and reads files without
    # mmap (seek, then read): each read of it holds self.lock.
    def lengths(self, field: str) -> np.ndarray:
        with self.lock:
            if field not in self._lengths:
                self._lengths[field] = field_lengths(self.reader, field, self.doccount)
            return self._lengths[field]

    def dates(self, field: str) -> np.ndarray:
        with self.lock:
            if self._dates is None:
                self._dates = column_values(self.reader, field, self.doccount)
            return self._dates

    def keyword(self, field: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Return (values, docs, codes): every (document, value) pair of a keyword field."""
        with self.lock:
            if field not in self._keywords:
                self._keywords[field] = self._read_keyword(field)
            return self._keywords[field]

    def _read_keyword(self, field: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        values, docs, codes = [], [], []
        if field in self.reader.schema:
            for code, term in enumerate(self.reader.lexicon(field)):
                ids, _ = raw_postings(self.reader.postings(field, term))
                values.append(term.decode("utf-8"))
                docs.append(ids)
                codes.append(np.full(len(ids), code, dtype=np.int32))
        return (
            values,
            np.concatenate(docs) if docs else np.zeros(0, np.int32),
            np.concatenate(codes) if codes else np.zeros(0, np.int32),
        )

    def matches(self, key: Hashable, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """Return the docnums a Whoosh query matches in this segment, computed once per key."""
        with self.lock:
            found = self._matches.get(key)
            if found is not None:
                self._matches.move_to_end(key)
                return found
        found = compute()
        with self.lock:
            self._matches[key] = found
            while len(self._matches) > MATCHES_PER_SEGMENT:
                self._matches.popitem(last=False)
        return found

    def phrase(self, field: str, words: list[str]) -> np.ndarray:
        """Return the docnums (deleted ones included) where words stand one right after another in field."""
        found = self._from_file(lambda f: position_file.consecutive_docs(
            [self._term(f, field, w.encode("utf-8")) for w in words]))
        if found is not None:
            return found
        decode = self.reader.schema[field].format.decode_positions
        lists = []
        with self.lock:
            for word in words:
                btext = word.encode("utf-8")
                if (field, btext) not in self.reader:
                    return np.zeros(0, np.int64)
                ids, _, values = raw_postings(self.reader.postings(field, btext), with_values=True)
                lists.append((ids, values))
        return phrases.consecutive_docs(lists, decode)

    def term_positions(self, field: str, term: str, docs: np.ndarray) -> Iterator[tuple[int, list[int]]]:
        """Yield (doc, positions) of term in field for the sorted docs of this segment that hold it."""
        btext = term.encode("utf-8")
        found = self._from_file(lambda f: position_file.positions_of(self._term(f, field, btext), docs))
        if found is not None:
            yield from ((doc, p) for doc, p in zip(docs.tolist(), found) if p is not None)
            return
        with self.lock:
            if (field, btext) not in self.reader:
                return
            found_whoosh = [(m.id(), m.value_as("positions"))
                            for m in seek_postings(self.reader.postings(field, btext), docs.tolist())]
        yield from found_whoosh

    def _term(self, positions: PositionFile, field: str, btext: bytes) -> TermPositions:
        """A term's documents and position keys from the position file, kept in the postings cache:
        a phrase check and the proximity re-rank of the same search read the same terms."""
        key = (self.key, "positions", field, btext)
        cached = _postings_cache.get(key)
        if cached is not None:
            return cached[0]
        found = positions.term(term_key(field, btext))
        _postings_cache.put(key, found, sum(a.nbytes for a in found) + 64)
        return found

    def postings(self, field: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        key = (self.key, field, btext)
        cached = _postings_cache.get(key)
        if cached is not None:
            return cached[0]
        # the same ids and weights, without Whoosh's blocks of positions
        found = self._from_file(lambda f: f.postings(term_key(field, btext))) if field in self.positional else None
        if found is not None:
            ids, weights = found
        else:
            try:
                with self.lock:
                    ids, weights = raw_postings(self.reader.postings(field, btext))
            except Exception:  # term not in this segment
                ids, weights = np.zeros(0, np.int32), np.zeros(0, np.float32)
        _postings_cache.put(key, (ids, weights), ids.nbytes + weights.nbytes + 64)
        return ids, weights


def segment_data(leaf: Any, storage_key: str) -> SegmentData:
    """Return the cached SegmentData of a leaf reader's segment, made on first use."""
    key = (storage_key, leaf.segment().segment_id())
    with _segment_lock:
        data = _segment_cache.get(key)
        if data is None or data.reader.is_closed:
            data = _segment_cache[key] = SegmentData(leaf, key)
        return data


def forget_other_segments(live_keys: Iterable[tuple]) -> None:
    """Drop cached data of segments merged away or swapped out; snapshots keep their own."""
    live = set(live_keys)
    with _segment_lock:
        for key in [k for k in _segment_cache if k not in live]:
            del _segment_cache[key]
