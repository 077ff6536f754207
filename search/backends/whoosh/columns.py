"""Per-document columns of a snapshot: filters, facet counts and top-k.

Keyword fields are (document, value code) pairs merged over segments; the
date column is one int64 per document (Whoosh's datetime longs).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import numpy as np
from whoosh.util.times import datetime_to_long


def merge_keyword(segments: Iterable[tuple[Any, int]], field: str,
                  live: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Return (values, docs, codes) of a keyword field merged over segments, live documents only."""
    index: dict[str, int] = {}  # value -> code, in insertion order
    docs, codes = [], []
    for seg, offset in segments:
        seg_values, seg_docs, seg_codes = seg.keyword(field)
        remap = np.array([index.setdefault(v, len(index)) for v in seg_values], dtype=np.int32)
        docs.append(seg_docs.astype(np.int64) + offset)
        codes.append(remap[seg_codes])
    all_docs = np.concatenate(docs) if docs else np.zeros(0, np.int64)
    all_codes = np.concatenate(codes) if codes else np.zeros(0, np.int32)
    keep = live[all_docs] if len(all_docs) else np.zeros(0, bool)
    return list(index), all_docs[keep], all_codes[keep]


def value_mask(keyword: tuple[list[str], np.ndarray, np.ndarray], n: int,
               values: Iterable[str]) -> np.ndarray:
    """Return the documents holding any of values in a keyword field."""
    index, docs, codes = keyword
    wanted_values = set(values)
    wanted = [i for i, v in enumerate(index) if v in wanted_values]
    mask = np.zeros(n, bool)
    if wanted:
        mask[docs[np.isin(codes, wanted)]] = True
    return mask


def date_mask(dates: np.ndarray, live: np.ndarray, start: datetime | None,
              end: datetime | None) -> np.ndarray:
    """Return the live documents dated from start to end (either may be None: open)."""
    mask = live.copy()
    if start is not None:
        mask &= dates >= datetime_to_long(start)
    if end is not None:
        mask &= dates <= datetime_to_long(end)
    return mask


def facet_counts(keyword: tuple[list[str], np.ndarray, np.ndarray],
                 mask: np.ndarray) -> list[tuple[str, int]]:
    """Return [(value, count)] of a keyword field over mask, most frequent first."""
    index, docs, codes = keyword
    if not len(docs):
        return []
    counts = np.bincount(codes[mask[docs]], minlength=len(index))
    pairs = [(index[i], int(counts[i])) for i in np.flatnonzero(counts)]
    pairs.sort(key=lambda p: (-p[1], p[0]))
    return pairs


def top(candidates: np.ndarray, dates: np.ndarray, score: np.ndarray | None, k: int, *,
        newest: bool = True, by_date: bool = False) -> np.ndarray:
    """Return up to k of candidates (docnums; dates: theirs): by score (ties newest first) or by date."""
    if not len(candidates) or k <= 0:
        return candidates[:0]
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
