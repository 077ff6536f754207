"""Phrase matching: words standing one right after another, from whole posting blocks.

The same answer as Whoosh's Phrase with slop 1; positions are decoded only
for the documents that hold every word. Other phrase queries (slop > 1,
fields without positions) are matched by Whoosh itself, segment by segment.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from search.backends.whoosh.engine import Snapshot


def consecutive(position_lists: Iterable[Iterable[int]]) -> bool:
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


def consecutive_docs(lists: list[tuple[np.ndarray, list[bytes]]],
                     decode: Callable[[bytes], list[int]]) -> np.ndarray:
    """Return the docnums where the words of lists, (ids, position values) each, stand in a row."""
    common = lists[0][0]
    for ids, _ in lists[1:]:
        common = np.intersect1d(common, ids, assume_unique=True)
    at = [np.searchsorted(ids, common).tolist() for ids, _ in lists]
    found = [doc for k, doc in enumerate(common.tolist())
             if consecutive(decode(values[at[j][k]]) for j, (_, values) in enumerate(lists))]
    return np.asarray(found, np.int64)


def whoosh_mask(snap: Snapshot, q: Any) -> np.ndarray:
    """Match q with Whoosh itself (phrases: positions), segment by segment, cached per segment.

    Whoosh checks phrase positions in Python (seconds for a common pair
    of words at 100,000 articles); segments never change, so each one's
    answer is kept and a save only costs the new segment's.
    """
    key = repr(q)
    by_id = {seg.key[1]: seg for seg, _ in snap.segments}
    mask = np.zeros(snap.n, bool)
    for sub, offset in snap.searcher.leaf_searchers():
        segment = getattr(sub.reader(), "segment", lambda: None)()
        data = by_id.get(segment.segment_id()) if segment is not None else None
        if data is None:
            continue
        ids = data.matches(key, lambda sub=sub: np.fromiter(sub.docs_for_query(q), dtype=np.int64))
        mask[ids + offset] = True
    return mask & snap.live


def phrase_mask(snap: Snapshot, q: Any) -> np.ndarray:
    """Documents where q's words follow one another; Whoosh's own matcher for slop > 1."""
    field = snap.searcher.schema[q.fieldname] if q.fieldname in snap.searcher.schema else None
    if q.slop != 1 or field is None or not field.format.supports("positions"):
        return whoosh_mask(snap, q)
    key = ("phrase", q.fieldname, tuple(q.words))
    mask = np.zeros(snap.n, bool)
    for seg, offset in snap.segments:
        ids = seg.matches(key, lambda seg=seg: seg.phrase(q.fieldname, q.words))
        mask[ids + offset] = True
    return mask & snap.live
