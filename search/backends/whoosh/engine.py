"""Query evaluation over per-segment numpy arrays, on top of Whoosh's storage.

Whoosh keeps the index (segments, lexicon, postings, stored fields); this
module answers a query as arrays over all documents of a reader:

- a match mask and BM25F scores from each term's postings (scoring);
- phrases from whole posting blocks (phrases);
- filters as masks from unanalysed keyword fields and the date column,
  facet counts with numpy.bincount, top-k with argpartition (columns).

Segments never change once written, so what is read from one (postings,
field lengths, keyword values, dates) is cached by segment id and reused by
every later reader (segment_cache); a save only adds a small segment and a
deletion mask. Private Whoosh names are reached through internals only.
"""
from __future__ import annotations

import threading
from datetime import datetime
from typing import Any
from collections.abc import Callable

import numpy as np
from whoosh import query as wq

from search.analysis import normalize, occurrence_weights
from search.backends.whoosh import columns, phrases
from search.backends.whoosh.scoring import B, K1, Evaluated, bm25, combine
from search.backends.whoosh.segment_cache import (
    MATCHES_PER_SEGMENT, POSTINGS_CACHE_BYTES, LRUBytes, SegmentData, forget_other_segments, segment_data,
)
from search.backends.whoosh.phrases import consecutive

__all__ = ["B", "K1", "MATCHES_PER_SEGMENT", "MAX_EXPANSION", "POSTINGS_CACHE_BYTES", "Evaluated",
           "LRUBytes", "SegmentData", "Snapshot", "consecutive"]

MAX_EXPANSION = 64  # terms a one-character query may widen to
# A one-character query's occurrences are not divided by the text's length: a character is
# a piece of many words, and a long text that keeps saying it is about it (see occurrences).
CHARACTER_B = 0.0


class Snapshot:
    """One reader generation: its segments with offsets, the live mask, merged columns."""

    def __init__(self, searcher: Any, storage_key: str) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        # An index nothing was written to has one leaf without a segment: skip it.
        leaves = [(leaf, offset) for leaf, offset in self.reader.leaf_readers()
                  if getattr(leaf, "segment", lambda: None)() is not None]
        self.segments = [(segment_data(leaf, storage_key), offset) for leaf, offset in leaves]
        forget_other_segments(seg.key for seg, _ in self.segments)
        self.n = self.reader.doc_count_all()
        self.live = np.zeros(self.n, dtype=bool)
        for leaf, offset in leaves:
            ids = np.fromiter(leaf.all_doc_ids(), dtype=np.int64)
            self.live[ids + offset] = True
        self.doc_count = int(self.live.sum())
        self._columns: dict = {}
        self._expansions: dict = {}
        self.lock = threading.Lock()

    # -- merged per-document arrays --------------------------------------
    def _merged(self, name: tuple, per_segment: Callable[[SegmentData], np.ndarray], dtype: Any) -> np.ndarray:
        with self.lock:
            if name not in self._columns:
                out = np.zeros(self.n, dtype=dtype)
                for seg, offset in self.segments:
                    out[offset:offset + seg.doccount] = per_segment(seg)
                self._columns[name] = out
            return self._columns[name]

    def lengths(self, field: str) -> np.ndarray:
        return self._merged(("len", field), lambda s: s.lengths(field), np.float32)

    def dates(self, field: str) -> np.ndarray:
        return self._merged(("date", field), lambda s: s.dates(field), np.int64)

    def keyword(self, field: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Return (values, docs, codes) merged over segments, with live documents only."""
        with self.lock:
            cached = self._columns.get(("kw", field))
        if cached is not None:
            return cached
        result = columns.merge_keyword(self.segments, field, self.live)
        with self.lock:
            self._columns[("kw", field)] = result
        return result

    def names(self, field: str) -> dict[str, list[str]]:
        """Return a keyword field's values by their normalised form (full-width folded, lower case)."""
        with self.lock:
            cached = self._columns.get(("names", field))
        if cached is None:
            cached = {}
            for value in self.keyword(field)[0]:
                cached.setdefault(normalize(value), []).append(value)
            with self.lock:
                self._columns[("names", field)] = cached
        return cached

    # -- terms -----------------------------------------------------------
    def term_postings(self, field: str, text: str | bytes) -> tuple[np.ndarray, np.ndarray]:
        """Return (docnums, weights) of a term over all segments, live documents only."""
        btext = text if isinstance(text, bytes) else text.encode("utf-8")
        ids, weights = [], []
        for seg, offset in self.segments:
            seg_ids, seg_weights = seg.postings(field, btext)
            if len(seg_ids):
                ids.append(seg_ids.astype(np.int64) + offset)
                weights.append(seg_weights)
        if not ids:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        all_ids, all_weights = np.concatenate(ids), np.concatenate(weights)
        keep = self.live[all_ids]
        return all_ids[keep], all_weights[keep]

    def avg_length(self, field: str) -> float:
        total = self.reader.field_length(field)
        return max(total / max(self.doc_count, 1), 1.0)

    def expand(self, field: str, pattern: str) -> list[bytes]:
        """Return the terms of field matching a Whoosh wildcard pattern, most frequent first."""
        key = (field, pattern)
        if key not in self._expansions:
            needle = pattern.strip("*")
            terms = [t for t in self.reader.lexicon(field) if needle in t.decode("utf-8")]
            terms.sort(key=lambda t: -self.reader.doc_frequency(field, t))
            self._expansions[key] = terms[:MAX_EXPANSION]
        return self._expansions[key]

    # -- evaluation ------------------------------------------------------
    def evaluate(self, q: Any, scored: bool = True) -> Evaluated:
        """Return Evaluated(mask, score) for a Whoosh query tree."""
        if isinstance(q, wq.Every):
            return Evaluated(self.live.copy())
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return Evaluated(np.zeros(self.n, bool))
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text, q.boost, scored)
        if isinstance(q, wq.AndNot):
            a = self.evaluate(q.a, scored)
            b = self.evaluate(q.b, False)
            return Evaluated(a.mask & ~b.mask, a.score)
        if isinstance(q, wq.Not):
            inner = self.evaluate(q.query, False)
            return Evaluated(self.live & ~inner.mask)
        if isinstance(q, wq.And):
            return combine([self.evaluate(s, scored) for s in q.subqueries], np.logical_and)
        if isinstance(q, wq.Or):
            return combine([self.evaluate(s, scored) for s in q.subqueries], np.logical_or)
        if isinstance(q, (wq.Wildcard, wq.Prefix)):
            pattern = q.text if isinstance(q, wq.Wildcard) else q.text + "*"
            return self.occurrences(q.fieldname, pattern, q.boost, scored)
        if isinstance(q, wq.Phrase):
            words = [self.term(q.fieldname, w, q.boost, scored) for w in q.words]
            combined = combine(words, np.logical_and)
            exact = self.phrase_mask(q) if len(q.words) > 1 else combined.mask
            return Evaluated(combined.mask & exact, combined.score)
        return Evaluated(self.whoosh_mask(q))

    def whoosh_mask(self, q: Any) -> np.ndarray:
        """Match q with Whoosh itself, segment by segment, cached per segment (see phrases)."""
        return phrases.whoosh_mask(self, q)

    def phrase_mask(self, q: Any) -> np.ndarray:
        """Documents where q's words follow one another (see phrases)."""
        return phrases.phrase_mask(self, q)

    def occurrences(self, field: str, pattern: str, boost: float, scored: bool) -> Evaluated:
        """Match a wildcard's terms, scored as one term: how often the document says the pattern.

        A one-character query (芯 -> *芯*) means the character, not the many
        words holding it: summing each word's BM25 would favour a text that
        uses many different such words over one that keeps returning to one.
        """
        weights_of = self.occurrence_weights(field, pattern)
        mask = np.zeros(self.n, bool)
        times = np.zeros(self.n, np.float32)
        for text in self.expand(field, pattern):
            ids, weights = self.term_postings(field, text)
            mask[ids] = True
            if scored and weights_of.get(text):
                times[ids] += weights_of[text] * weights
        if not scored or not mask.any():
            return Evaluated(mask)
        ids = np.flatnonzero(mask)
        score = bm25(self.n, self.doc_count, ids, np.maximum(times[ids], 0.0), self.lengths(field)[ids],
                     self.avg_length(field), boost, CHARACTER_B)
        return Evaluated(mask, score)

    def occurrence_weights(self, field: str, pattern: str) -> dict[bytes, int]:
        """Return what a posting of each expansion of pattern adds to the pattern's count (see
        analysis.occurrence_weights), the expansions that add nothing left out."""
        key = ("weights", field, pattern)
        if key not in self._expansions:
            terms = self.expand(field, pattern)
            words = [t.decode("utf-8") for t in terms]
            self._expansions[key] = {t: w for t, w in zip(terms, occurrence_weights(words, pattern.strip("*")))
                                     if w}
        return self._expansions[key]

    def term(self, field: str, text: str | bytes, boost: float, scored: bool) -> Evaluated:
        """Return a term's mask, and its BM25 scores when scored."""
        ids, weights = self.term_postings(field, text)
        mask = np.zeros(self.n, bool)
        mask[ids] = True
        if not scored or not len(ids):
            return Evaluated(mask)
        score = bm25(self.n, self.doc_count, ids, weights, self.lengths(field)[ids],
                     self.avg_length(field), boost)
        return Evaluated(mask, score)

    # -- filters, facets, ranking ------------------------------------------
    def value_mask(self, field: str, values: list[str]) -> np.ndarray:
        return columns.value_mask(self.keyword(field), self.n, values)

    def date_mask(self, field: str, start: datetime | None, end: datetime | None) -> np.ndarray:
        return columns.date_mask(self.dates(field), self.live, start, end)

    def facet_counts(self, field: str, mask: np.ndarray) -> list[tuple[str, int]]:
        """Return [(value, count)] of a keyword field over mask, most frequent first."""
        return columns.facet_counts(self.keyword(field), mask)

    def top(self, mask: np.ndarray, score: np.ndarray | None, k: int, *, date_field: str = "published",
            newest: bool = True, by_date: bool = False) -> np.ndarray:
        """Return up to k docnums of mask: by score (ties newest first) or by date."""
        candidates = np.flatnonzero(mask)
        if not len(candidates) or k <= 0:
            return candidates[:0]
        return columns.top(candidates, self.dates(date_field)[candidates], score, k,
                           newest=newest, by_date=by_date)
