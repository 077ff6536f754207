"""Terms that belong together rank together: a proximity re-rank of the best candidates.

A query word jieba splits into several terms (上海人工智能实验室 -> 上海 /
人工智能 / 实验室) and the words of a query of several words are read, in
the order typed, as pairs of neighbours. For the best RERANK_TOP candidates
by BM25F, the positions the index keeps in the text field (title, source
and body) say for each pair whether its terms stand in sequence, close
(within WINDOW positions) or apart. The pairs inside split words set the
tier: documents with every such pair in sequence rank first, then close,
then scattered, by score within each tier. Pairs across words typed apart
(the researcher separated them) raise the score by up to ACROSS_BONUS
instead: in sequence most, then close, then reversed. Within a tier the
score is also raised by how often the document says the query's words
(MENTIONS): BM25F's length normalisation alone favours short texts with
one passing mention. Inside each tier the candidates are ordered by that
score fused with the count a reader makes (title, then how often the text
says the words; see counting).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from whoosh import query as wq

from search.backends.whoosh import counting
from search.synonyms import SynonymOr

if TYPE_CHECKING:
    from search.backends.whoosh.engine import Snapshot

FIELD = "text"
DATE_FIELD = "published"  # ties newest first
RERANK_TOP = 300
WINDOW = 5  # "close": the second term at most this many words after the first
IN_SEQUENCE, CLOSE, REVERSED = 1.0, 0.5, 0.25
ACROSS_BONUS = 0.3
MENTIONS = 1.0  # score x (1 + log(1 + mentions)) within a tier


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    split: bool  # both terms come from one query word


def term_groups(q: wq.Query) -> list[list[str]]:
    """Return the text-field terms the query looks for, one list per query word, in typed order."""
    return [spellings[0] for spellings in word_spellings(q)]


def word_spellings(q: wq.Query) -> list[list[list[str]]]:
    """Return each query word's spellings (the word as typed first, then its synonyms), each as its
    text-field terms, in typed order; exclusions, phrases and alternatives (OR) are left out."""
    if isinstance(q, (wq.Not, wq.Phrase, wq.Wildcard, wq.Prefix)) or q is wq.NullQuery:
        return []
    if isinstance(q, wq.AndNot):
        return word_spellings(q.a)
    if isinstance(q, wq.Term):
        return [[[_text(q.text)]]] if q.fieldname == FIELD else []
    if isinstance(q, SynonymOr):
        spellings = [terms for s in q.subqueries for word in word_spellings(s) for terms in word]
        return [spellings] if spellings else []
    if isinstance(q, wq.And):
        typed = [_typed(s) for s in q.subqueries]
        if typed and all(isinstance(s, wq.Term) for s in typed):  # one word jieba split
            terms = [_text(s.text) for s in typed if s.fieldname == FIELD]
            return [[terms]] if terms else []
        return [w for s in q.subqueries for w in word_spellings(s)]
    if isinstance(q, wq.Or):
        found = [w for w in (word_spellings(s) for s in q.subqueries) if w]
        return found[0] if len(found) == 1 else []  # several alternatives (OR): nothing to link
    return []


def pairs_of(groups: list[list[str]]) -> list[Pair]:
    """Return the neighbouring term pairs of a query: inside each word, then word to word."""
    pairs = []
    for group in groups:
        pairs += [Pair(a, b, True) for a, b in zip(group, group[1:]) if a != b]
    for left, right in zip(groups, groups[1:]):
        if left[-1] != right[0]:
            pairs.append(Pair(left[-1], right[0], False))
    return pairs


def pair_closeness(first: list[int], second: list[int], *, split: bool) -> float:
    """Return IN_SEQUENCE, CLOSE, REVERSED (words only) or 0 for two terms' position lists."""
    if not first or not second:
        return 0.0
    a, b = np.asarray(first), np.asarray(second)
    gaps = b[None, :] - a[:, None]
    # 0: a word holding both terms (its sub-words share its position)
    if np.any((gaps == 0) | (gaps == 1)):
        return IN_SEQUENCE
    if np.any((gaps > 1) & (gaps <= WINDOW)):
        return CLOSE
    if not split and np.any((gaps < 0) & (gaps >= -WINDOW)):
        return REVERSED
    return 0.0


def closeness(positions: dict[str, list[int]], pairs: list[Pair]) -> float:
    """Return the mean closeness of a document's pairs, 1.0 when all stand in sequence."""
    got = sum(pair_closeness(positions.get(p.first, []), positions.get(p.second, []), split=p.split)
              for p in pairs)
    return got / len(pairs) if pairs else 0.0


def tier(value: float) -> int:
    """Return 2 for every pair in sequence, 1 for pairs mostly close, else 0."""
    if value >= IN_SEQUENCE - 1e-9:
        return 2
    return 1 if value >= CLOSE else 0


def rerank(snap: Snapshot, q: wq.Query, matched: np.ndarray, score: np.ndarray | None) -> np.ndarray | None:
    """Return score with the best RERANK_TOP matches re-ordered by proximity tier, then score."""
    if score is None:
        return None
    words, patterns = word_spellings(q), wildcards(q)
    groups = [spellings[0] for spellings in words]
    if not groups and not patterns:
        return score
    candidates = np.flatnonzero(matched)
    if len(candidates) > RERANK_TOP:
        candidates = candidates[np.argpartition(-score[candidates], RERANK_TOP - 1)[:RERANK_TOP]]
    if not len(candidates):
        return score
    pairs = pairs_of(groups)
    split = [p for p in pairs if p.split]
    across = [p for p in pairs if not p.split]
    by_doc = document_positions(snap, candidates, sorted({t for p in pairs for t in (p.first, p.second)}))
    positions = [by_doc.get(int(d), {}) for d in candidates]
    tiers = np.array([tier(closeness(found, split)) if split else 0 for found in positions])
    bonus = np.array([1.0 + ACROSS_BONUS * closeness(found, across) for found in positions])
    raised = score[candidates] * bonus * (1.0 + MENTIONS * np.log1p(mentions(snap, candidates, groups, patterns)))
    fused = counting.fuse(raised, counting.reader_counts(snap, candidates, words, patterns),
                          snap.dates(DATE_FIELD)[candidates])
    out = score.astype(np.float64)
    high = float(fused.max())
    # Tiers are spaced wider than any fused score, and every candidate stays above every other match.
    out[candidates] = fused + (tiers + 1) * (high + 1.0) + float(score.max())
    return out


def rerank_parts(snap: Snapshot, q: wq.Query, parts: tuple[np.ndarray, ...],
                 score: np.ndarray | None) -> np.ndarray | None:
    """Return score with each part (disjoint masks: the matches with a body, the ones set aside)
    re-ranked on its own. The fusion ranks a document among the ones ranked with it, so the
    matches with a body rank alike whether the others are set aside or left out (exports)."""
    for part in parts:
        score = rerank(snap, q, part, score)
    return score


def wildcards(q: wq.Query) -> list[str]:
    """Return the text-field patterns of the query's one-character words (芯 -> *芯*), exclusions left out."""
    if isinstance(q, (wq.Not, wq.Phrase)) or q is wq.NullQuery:
        return []
    if isinstance(q, wq.AndNot):
        return wildcards(q.a)
    if isinstance(q, wq.Wildcard):
        return [q.text] if q.fieldname == FIELD else []
    if q.is_leaf():
        return []
    return [p for child in q.children() for p in wildcards(child)]


def mentions(snap: Snapshot, docnums: np.ndarray, groups: list[list[str]], patterns: list[str]) -> np.ndarray:
    """Return how often each document says the query's words (a split word: its rarest term).

    BM25F saturates and divides by length, so a short text naming the word
    once can outrank a long one that keeps returning to it; this count
    (the term frequencies the postings keep) raises the ones about it.
    """
    times = np.zeros(len(docnums), np.float64)
    for group in groups:
        times += counting.word_count(snap, FIELD, [group], docnums)
    for pattern in patterns:
        times += counting.character_count(snap, FIELD, pattern, docnums)
    return times


def document_positions(snap: Snapshot, docnums: np.ndarray, terms: list[str]) -> dict[int, dict[str, list[int]]]:
    """Return {docnum: {term: positions in FIELD}} for the given documents of a snapshot."""
    out: dict[int, dict[str, list[int]]] = {}
    order = np.sort(docnums)
    for seg, offset in snap.segments:
        inside = order[(order >= offset) & (order < offset + seg.doccount)] - offset
        if not len(inside):
            continue
        for term in terms:
            for doc, found in seg.term_positions(FIELD, term, inside):
                out.setdefault(int(doc) + offset, {})[term] = found
    return out


def _typed(q: wq.Query) -> wq.Query:
    """Return a word as typed: the first subquery of one OR'ed with its synonyms."""
    return q.subqueries[0] if isinstance(q, SynonymOr) else q


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
