"""Query evaluation over per-segment numpy arrays, on top of Whoosh's storage.

Whoosh keeps the index (segments, lexicon, postings, stored fields); this
module answers a query as arrays over all documents of a reader:

- a match mask and BM25F scores from each term's postings;
- filters as masks from unanalysed keyword fields and the date column;
- facet counts with numpy.bincount over (document, value) pairs;
- top-k with argpartition instead of sorting every hit.

Segments never change once written, so what is read from one (postings,
field lengths, keyword values, dates) is cached by segment id and reused by
every later reader; a save only adds a small segment and a deletion mask.
"""
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length
from whoosh.util.times import datetime_to_long

K1 = 1.2
B = 0.75
POSTINGS_CACHE_BYTES = 96 * 1024 * 1024
MATCHES_PER_SEGMENT = 256  # cached phrase answers per segment
MAX_EXPANSION = 64  # terms a one-character query may widen to


class LRUBytes:
    """A small thread-safe LRU cache bounded by the bytes of its numpy values."""

    def __init__(self, limit):
        self.limit, self.size = limit, 0
        self.items = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value, nbytes):
        with self.lock:
            if key in self.items:
                return
            self.items[key] = (value, nbytes)
            self.size += nbytes
            while self.size > self.limit and len(self.items) > 1:
                _, (_, old) = self.items.popitem(last=False)
                self.size -= old


_postings_cache = LRUBytes(POSTINGS_CACHE_BYTES)
_segment_cache = {}
_segment_lock = threading.Lock()


def _raw_postings(matcher, with_values=False):
    """Return (ids, weights) arrays of a leaf matcher, deleted documents included.

    with_values: return (ids, weights, values) with each posting's value bytes in a list.
    """
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    id_blocks, weight_blocks, values = [], [], []
    if (hasattr(matcher, "_read_data") and hasattr(matcher, "_next_block")
            and not (with_values and getattr(matcher, "_fixedsize", None) is not None)):
        # Whoosh 3 codec: read whole blocks (delta-coded ids, weights, values) at once.
        while matcher.is_active():
            matcher._read_data()
            data = matcher._data
            ids = np.asarray(data[0], dtype=np.int64)
            if not matcher._byteids:
                ids = np.cumsum(ids)
            weights = data[1]
            if weights is None:
                weights = np.ones(len(ids), dtype=np.float32)
            elif isinstance(weights, float):
                weights = np.full(len(ids), weights, dtype=np.float32)
            else:
                weights = np.asarray(weights, dtype=np.float32)
            id_blocks.append(ids.astype(np.int32))
            weight_blocks.append(weights)
            if with_values:
                values.extend(data[2] if data[2] is not None else [b""] * len(ids))
            matcher._next_block()
    else:
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if with_values:
                values.append(matcher.value())
            matcher.next()
        id_blocks, weight_blocks = [np.asarray(ids, np.int32)], [np.asarray(weights, np.float32)]
    if not id_blocks:
        id_blocks, weight_blocks = [np.zeros(0, np.int32)], [np.zeros(0, np.float32)]
    ids, weights = np.concatenate(id_blocks), np.concatenate(weight_blocks)
    return (ids, weights, values) if with_values else (ids, weights)


def consecutive(position_lists):
    """Return True when some position p has p + i in the i-th list for every i.

    Whoosh's Phrase with slop 1: each word stands right after the one before it.
    """
    lists = iter(position_lists)  # may be lazy: later lists are not decoded once nothing is left
    starts = set(next(lists))
    for i, positions in enumerate(lists, 1):
        starts.intersection_update([p - i for p in positions])
        if not starts:
            return False
    return True


class SegmentData:
    """What is read once from an immutable segment: lengths, dates, keyword values."""

    def __init__(self, reader, key):
        self.reader = reader
        self.key = key
        self.doccount = reader.doc_count_all()
        self._lengths = {}
        self._keywords = {}
        self._dates = None
        self._matches = OrderedDict()
        self.lock = threading.Lock()

    # The reader is shared by every thread's snapshot and reads files without
    # mmap (seek, then read): each read of it holds self.lock.
    def lengths(self, field):
        with self.lock:
            return self._read_lengths(field)

    def _read_lengths(self, field):
        if field not in self._lengths:
            n = self.doccount
            lengths = _stored_lengths(self.reader, field, n)
            if lengths is None:
                lengths = np.fromiter((self.reader.doc_field_length(d, field, 0) or 0 for d in range(n)),
                                      dtype=np.float32, count=n)
            self._lengths[field] = lengths
        return self._lengths[field]

    def dates(self, field):
        with self.lock:
            return self._read_dates(field)

    def _read_dates(self, field):
        if self._dates is None:
            values = np.zeros(self.doccount, dtype=np.int64)
            if self.reader.has_column(field):
                column = self.reader.column_reader(field, translate=False)
                whole = _numeric_column(column, self.doccount)
                values = whole.astype(np.int64) if whole is not None else np.fromiter(
                    (v or 0 for v in column), dtype=np.int64, count=self.doccount)
            self._dates = values
        return self._dates

    def keyword(self, field):
        """Return (values, docs, codes): every (document, value) pair of a keyword field."""
        with self.lock:
            return self._read_keyword(field)

    def _read_keyword(self, field):
        if field not in self._keywords:
            values, docs, codes = [], [], []
            if field in self.reader.schema:
                for code, term in enumerate(self.reader.lexicon(field)):
                    ids, _ = _raw_postings(self.reader.postings(field, term))
                    values.append(term.decode("utf-8"))
                    docs.append(ids)
                    codes.append(np.full(len(ids), code, dtype=np.int32))
            self._keywords[field] = (
                values,
                np.concatenate(docs) if docs else np.zeros(0, np.int32),
                np.concatenate(codes) if codes else np.zeros(0, np.int32),
            )
        return self._keywords[field]

    def matches(self, key, compute):
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

    def phrase(self, field, words):
        """Return the docnums (deleted ones included) where words stand one right after another in field.

        The same answer as Whoosh's Phrase with slop 1, from whole posting
        blocks: positions are decoded only for the documents holding every word.
        """
        decode = self.reader.schema[field].format.decode_positions
        lists = []
        with self.lock:
            for word in words:
                btext = word.encode("utf-8")
                if (field, btext) not in self.reader:
                    return np.zeros(0, np.int64)
                ids, _, values = _raw_postings(self.reader.postings(field, btext), with_values=True)
                lists.append((ids, values))
        common = lists[0][0]
        for ids, _ in lists[1:]:
            common = np.intersect1d(common, ids, assume_unique=True)
        at = [np.searchsorted(ids, common).tolist() for ids, _ in lists]
        found = [doc for k, doc in enumerate(common.tolist())
                 if consecutive(decode(values[at[j][k]]) for j, (_, values) in enumerate(lists))]
        return np.asarray(found, np.int64)

    def postings(self, field, btext):
        key = (self.key, field, btext)
        cached = _postings_cache.get(key)
        if cached is not None:
            return cached[0]
        try:
            with self.lock:
                ids, weights = _raw_postings(self.reader.postings(field, btext))
        except Exception:  # term not in this segment
            ids, weights = np.zeros(0, np.int32), np.zeros(0, np.float32)
        _postings_cache.put(key, (ids, weights), ids.nbytes + weights.nbytes + 64)
        return ids, weights


# Whoosh stores a field's length per document as one byte (a log scale) in a column.
_BYTE_TO_LENGTH = np.array([byte_to_length(b) if b else 0 for b in range(256)], dtype=np.float32)


def _numeric_column(column, doccount):
    """Return a Whoosh NumericColumn reader's values in one read, or None if it is another kind.

    Reading value by value costs a Python call per document (a third of a
    second per field at 100,000 documents); the column is one fixed-width block.
    """
    try:
        width, count, code = column._fixedlen, column._count, column._typecode
        data = column._dbfile.get(column._basepos, width * count)
        default = column._default
    except AttributeError:
        return None
    values = np.frombuffer(data, dtype=np.dtype(">" + code)) if count else np.zeros(0, np.dtype(code))
    if count < doccount:
        values = np.concatenate([values, np.full(doccount - count, default, dtype=values.dtype)])
    return values[:doccount]


def _stored_lengths(reader, field, doccount):
    """Return the field lengths of a segment reader as floats, read in one block; None if unknown."""
    try:
        column = reader._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
    except AttributeError:
        return None
    if column is None:
        return np.zeros(doccount, dtype=np.float32)
    values = _numeric_column(column, doccount)
    return None if values is None else _BYTE_TO_LENGTH[values.astype(np.intp)]


def _segment_data(leaf, storage_key):
    key = (storage_key, leaf.segment().segment_id())
    with _segment_lock:
        data = _segment_cache.get(key)
        if data is None or data.reader.is_closed:
            data = _segment_cache[key] = SegmentData(leaf, key)
        return data


def _forget_other_segments(live_keys):
    """Drop cached data of segments merged away or swapped out; snapshots keep their own."""
    with _segment_lock:
        for key in [k for k in _segment_cache if k not in live_keys]:
            del _segment_cache[key]


@dataclass
class Evaluated:
    mask: np.ndarray
    score: np.ndarray | None = None


class Snapshot:
    """One reader generation: its segments with offsets, the live mask, merged columns."""

    def __init__(self, searcher, storage_key):
        self.searcher = searcher
        self.reader = searcher.reader()
        # An index nothing was written to has one leaf without a segment: skip it.
        leaves = [(leaf, offset) for leaf, offset in self.reader.leaf_readers()
                  if getattr(leaf, "segment", lambda: None)() is not None]
        self.segments = [(_segment_data(leaf, storage_key), offset) for leaf, offset in leaves]
        _forget_other_segments({seg.key for seg, _ in self.segments})
        self.n = self.reader.doc_count_all()
        self.live = np.zeros(self.n, dtype=bool)
        for leaf, offset in leaves:
            ids = np.fromiter(leaf.all_doc_ids(), dtype=np.int64)
            self.live[ids + offset] = True
        self.doc_count = int(self.live.sum())
        self._columns = {}
        self._expansions = {}
        self.lock = threading.Lock()

    # -- merged per-document arrays --------------------------------------
    def _merged(self, name, per_segment, dtype):
        with self.lock:
            if name not in self._columns:
                out = np.zeros(self.n, dtype=dtype)
                for seg, offset in self.segments:
                    out[offset:offset + seg.doccount] = per_segment(seg)
                self._columns[name] = out
            return self._columns[name]

    def lengths(self, field):
        return self._merged(("len", field), lambda s: s.lengths(field), np.float32)

    def dates(self, field):
        return self._merged(("date", field), lambda s: s.dates(field), np.int64)

    def keyword(self, field):
        """Return (values, docs, codes) merged over segments, with live documents only."""
        with self.lock:
            cached = self._columns.get(("kw", field))
        if cached is not None:
            return cached
        index = {}  # value -> code, in insertion order
        docs, codes = [], []
        for seg, offset in self.segments:
            seg_values, seg_docs, seg_codes = seg.keyword(field)
            remap = np.array([index.setdefault(v, len(index)) for v in seg_values], dtype=np.int32)
            docs.append(seg_docs.astype(np.int64) + offset)
            codes.append(remap[seg_codes])
        docs = np.concatenate(docs) if docs else np.zeros(0, np.int64)
        codes = np.concatenate(codes) if codes else np.zeros(0, np.int32)
        keep = self.live[docs] if len(docs) else np.zeros(0, bool)
        result = (list(index), docs[keep], codes[keep])
        with self.lock:
            self._columns[("kw", field)] = result
        return result

    # -- terms -----------------------------------------------------------
    def term_postings(self, field, text):
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
        ids, weights = np.concatenate(ids), np.concatenate(weights)
        keep = self.live[ids]
        return ids[keep], weights[keep]

    def avg_length(self, field):
        total = self.reader.field_length(field)
        return max(total / max(self.doc_count, 1), 1.0)

    def expand(self, field, pattern):
        """Return the terms of field matching a Whoosh wildcard pattern, most frequent first."""
        key = (field, pattern)
        if key not in self._expansions:
            needle = pattern.strip("*")
            terms = [t for t in self.reader.lexicon(field) if needle in t.decode("utf-8")]
            terms.sort(key=lambda t: -self.reader.doc_frequency(field, t))
            self._expansions[key] = terms[:MAX_EXPANSION]
        return self._expansions[key]

    # -- evaluation ------------------------------------------------------
    def evaluate(self, q, scored=True):
        """Return Evaluated(mask, score) for a Whoosh query tree."""
        if isinstance(q, wq.Every):
            return Evaluated(self.live.copy())
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return Evaluated(np.zeros(self.n, bool))
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, q.boost, scored)
        if isinstance(q, wq.AndNot):
            a = self.evaluate(q.a, scored)
            b = self.evaluate(q.b, False)
            return Evaluated(a.mask & ~b.mask, a.score)
        if isinstance(q, wq.Not):
            inner = self.evaluate(q.query, False)
            return Evaluated(self.live & ~inner.mask)
        if isinstance(q, wq.And):
            return self._combine([self.evaluate(s, scored) for s in q.subqueries], np.logical_and)
        if isinstance(q, wq.Or):
            return self._combine([self.evaluate(s, scored) for s in q.subqueries], np.logical_or)
        if isinstance(q, (wq.Wildcard, wq.Prefix)):
            pattern = q.text if isinstance(q, wq.Wildcard) else q.text + "*"
            terms = self.expand(q.fieldname, pattern)
            return self._combine([self._term(q.fieldname, t, q.boost, scored) for t in terms]
                                 or [Evaluated(np.zeros(self.n, bool))], np.logical_or)
        if isinstance(q, wq.Phrase):
            words = [self._term(q.fieldname, w, q.boost, scored) for w in q.words]
            combined = self._combine(words, np.logical_and)
            exact = self._phrase_mask(q) if len(q.words) > 1 else combined.mask
            return Evaluated(combined.mask & exact, combined.score)
        return Evaluated(self._whoosh_mask(q))

    def _whoosh_mask(self, q):
        """Match q with Whoosh itself (phrases: positions), segment by segment, cached per segment.

        Whoosh checks phrase positions in Python (seconds for a common pair
        of words at 100,000 articles); segments never change, so each one's
        answer is kept and a save only costs the new segment's.
        """
        key = repr(q)
        by_id = {seg.key[1]: seg for seg, _ in self.segments}
        mask = np.zeros(self.n, bool)
        for sub, offset in self.searcher.leaf_searchers():
            segment = getattr(sub.reader(), "segment", lambda: None)()
            data = by_id.get(segment.segment_id()) if segment is not None else None
            if data is None:
                continue
            ids = data.matches(key, lambda: np.fromiter(sub.docs_for_query(q), dtype=np.int64))
            mask[ids + offset] = True
        return mask & self.live

    def _phrase_mask(self, q):
        """Documents where q's words follow one another; Whoosh's own matcher for slop > 1."""
        field = self.searcher.schema[q.fieldname] if q.fieldname in self.searcher.schema else None
        if q.slop != 1 or field is None or not field.format.supports("positions"):
            return self._whoosh_mask(q)
        key = ("phrase", q.fieldname, tuple(q.words))
        mask = np.zeros(self.n, bool)
        for seg, offset in self.segments:
            ids = seg.matches(key, lambda seg=seg: seg.phrase(q.fieldname, q.words))
            mask[ids + offset] = True
        return mask & self.live

    def _term(self, field, text, boost, scored):
        ids, weights = self.term_postings(field, text)
        mask = np.zeros(self.n, bool)
        mask[ids] = True
        if not scored or not len(ids):
            return Evaluated(mask)
        df = len(ids)
        idf = math.log(self.doc_count / (df + 1)) + 1.0
        lengths = self.lengths(field)[ids]
        tf = weights
        score = np.zeros(self.n, np.float32)
        score[ids] = boost * idf * (tf * (K1 + 1)) / (
            tf + K1 * ((1 - B) + B * lengths / self.avg_length(field)))
        return Evaluated(mask, score)

    @staticmethod
    def _combine(parts, op):
        mask = parts[0].mask.copy()
        for p in parts[1:]:
            op(mask, p.mask, out=mask)
        scores = [p.score for p in parts if p.score is not None]
        if not scores:
            return Evaluated(mask)
        total = scores[0].copy()
        for s in scores[1:]:
            total += s
        return Evaluated(mask, total)

    # -- filters, facets, ranking ------------------------------------------
    def value_mask(self, field, values):
        index, docs, codes = self.keyword(field)
        wanted = [i for i, v in enumerate(index) if v in set(values)]
        mask = np.zeros(self.n, bool)
        if wanted:
            mask[docs[np.isin(codes, wanted)]] = True
        return mask

    def date_mask(self, field, start, end):
        dates = self.dates(field)
        mask = self.live.copy()
        if start is not None:
            mask &= dates >= datetime_to_long(start)
        if end is not None:
            mask &= dates <= datetime_to_long(end)
        return mask

    def facet_counts(self, field, mask):
        """Return [(value, count)] of a keyword field over mask, most frequent first."""
        index, docs, codes = self.keyword(field)
        if not len(docs):
            return []
        counts = np.bincount(codes[mask[docs]], minlength=len(index))
        nonzero = np.flatnonzero(counts)
        pairs = [(index[i], int(counts[i])) for i in nonzero]
        pairs.sort(key=lambda p: (-p[1], p[0]))
        return pairs

    def top(self, mask, score, k, *, date_field="published", newest=True, by_date=False):
        """Return up to k docnums of mask: by score (ties newest first) or by date."""
        candidates = np.flatnonzero(mask)
        if not len(candidates) or k <= 0:
            return candidates[:0]
        dates = self.dates(date_field)[candidates]
        if by_date or score is None:
            key = -dates if newest else dates
            secondary = -candidates if newest else candidates
            primary = key.astype(np.float64)
        else:
            primary = -score[candidates].astype(np.float64)
            secondary = -dates
        if k < len(candidates):
            part = np.argpartition(primary, k - 1)[:k]
            # widen to every candidate tied with the k-th so ties break the same way each time
            cutoff = primary[part].max()
            part = np.flatnonzero(primary <= cutoff)
        else:
            part = np.arange(len(candidates))
        order = part[np.lexsort((candidates[part], secondary[part], primary[part]))]
        return candidates[order[:k]]
