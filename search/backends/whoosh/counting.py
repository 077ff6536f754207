"""The count a reader makes, fused with BM25F by reciprocal rank in the re-rank.

BM25F saturates a word's frequency and divides by the text's length, so a
short digest that lists 量子 once in a run of industries can outrank a long
review that returns to it in its own paragraphs. A researcher skimming the
hits counts instead: is the word in the title, and how often does the text
say it. Neither view is right alone (counting alone favours long texts that
repeat a name in passing, see the substring baseline of bench/relevance.py),
so the re-rank orders its candidates by both, fused by reciprocal rank
(Cormack, Clarke and Büttcher, SIGIR 2009): 1/(FUSION_K + rank by BM25F)
+ 1/(FUSION_K + rank by count), ranks from 0, ties in either broken newest
first as everywhere in the archive. The fusion keeps the proximity tiers:
it orders the documents inside each tier.

A word's count is the sum over its spellings (the word as typed and its
synonyms: AI also counts 人工智能); a word jieba splits counts as often as
its rarest term; a one-character word counts each place of the text once
(analysis.occurrence_weights). Each field counts with the boost the query
parser gives it (querysyntax.FIELD_BOOSTS: a title occurrence 4 times, a
document number 10 times, on top of the text field that holds them too).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from search.querysyntax import FIELD_BOOSTS

if TYPE_CHECKING:
    from search.backends.whoosh.engine import Snapshot

FUSION_K = 10.0


def frequencies(snap: Snapshot, field: str, terms: list[str], docnums: np.ndarray,
                factors: list[int] | None = None) -> np.ndarray:
    """Return the sum of the terms' frequencies in each document, each times its factor (1 unless given)."""
    out = np.zeros(len(docnums), np.float64)
    for i, term in enumerate(terms):
        ids, weights = snap.term_postings(field, term)
        if not len(ids):
            continue
        at = np.searchsorted(ids, docnums)
        at[at >= len(ids)] = 0
        hit = ids[at] == docnums
        out[hit] += weights[at[hit]] * (factors[i] if factors else 1)
    return out


def word_count(snap: Snapshot, field: str, spellings: list[list[str]], docnums: np.ndarray) -> np.ndarray:
    """Return how often each document says a word in field: its spellings summed, each its rarest term."""
    out = np.zeros(len(docnums), np.float64)
    for terms in spellings:
        out += np.minimum.reduce([frequencies(snap, field, [t], docnums) for t in terms])
    return out


def character_count(snap: Snapshot, field: str, pattern: str, docnums: np.ndarray) -> np.ndarray:
    """Return how many places of field say a one-character word's pattern (芯 -> *芯*) in each document."""
    weights = snap.occurrence_weights(field, pattern)
    terms = [t.decode("utf-8") for t in weights]
    return np.maximum(frequencies(snap, field, terms, docnums, list(weights.values())), 0.0)


def reader_counts(snap: Snapshot, docnums: np.ndarray, words: list[list[list[str]]],
                  patterns: list[str]) -> np.ndarray:
    """Return how often each document says the query's words, every field times its boost."""
    out = np.zeros(len(docnums), np.float64)
    for field, boost in FIELD_BOOSTS.items():
        if field not in snap.reader.schema:
            continue
        for spellings in words:
            out += boost * word_count(snap, field, spellings, docnums)
        for pattern in patterns:
            out += boost * character_count(snap, field, pattern, docnums)
    return out


def ranks(values: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """Return each value's rank from 0 (the highest), equal values newest first."""
    order = np.lexsort((-dates, -values))
    out = np.empty(len(values), np.float64)
    out[order] = np.arange(len(values))
    return out


def fuse(scores: np.ndarray, counts: np.ndarray, dates: np.ndarray, k: float = FUSION_K) -> np.ndarray:
    """Return the reciprocal-rank fusion of two views of the same documents (higher is better).

    When the counts are all equal they say nothing, and the scores' order is kept.
    """
    if not len(counts) or float(counts.max()) == float(counts.min()):
        return scores.astype(np.float64)
    return 1.0 / (k + ranks(scores, dates)) + 1.0 / (k + ranks(counts, dates))
