"""BM25 over posting arrays, and combining the match masks and scores of subqueries."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

K1 = 1.2
B = 0.75


@dataclass
class Evaluated:
    """A query's answer over every document of a snapshot: which match, and their scores."""

    mask: np.ndarray
    score: np.ndarray | None = None


def bm25(n: int, doc_count: int, ids: np.ndarray, tf: np.ndarray, lengths: np.ndarray,
         avg_length: float, boost: float, b: float | None = None) -> np.ndarray:
    """Return the BM25 scores of one term over n documents (zero where it is absent).

    ids: the documents holding the term; tf: its frequency in each; lengths: their field lengths;
    b: the length normalisation (B unless given). A text shorter than the field's average is
    scored as if of average length: the normalisation is there to keep long texts from winning by
    length alone, and it would otherwise make a three-line brief that names a word once outrank
    every average article that names it as often.
    """
    b = B if b is None else b
    lengths = np.maximum(lengths, avg_length)
    idf = math.log(doc_count / (len(ids) + 1)) + 1.0
    score = np.zeros(n, np.float32)
    score[ids] = boost * idf * (tf * (K1 + 1)) / (tf + K1 * ((1 - b) + b * lengths / avg_length))
    return score


def combine(parts: Sequence[Evaluated], op: Callable) -> Evaluated:
    """Combine subquery answers: masks with op (numpy.logical_and or _or), scores summed."""
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
