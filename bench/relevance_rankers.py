"""The two baselines of the relevance benchmark, over the same articles as the archive.

- BM25 on the archive's own jieba terms (search/analysis.py: index-mode terms
  for documents, query terms for queries), one field (title and text
  together), no title boost, no proximity, any query term may match.
- A substring ranker: every part of the query (split on spaces, quotes
  removed) scores 5 per occurrence in the title and 1 per occurrence in the
  text; it is what Ctrl-F over the archive would find.
Both break ties by the order the documents were given (newest first).
"""
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

QUOTES_RE = re.compile(r"[\"'“”‘’「」『』]")


@dataclass(frozen=True)
class Doc:
    """One article as the baselines see it: its key, its title and the rest of its searchable text."""

    key: tuple
    title: str
    text: str  # source, original outlet, document number and body


def _analysis():
    """Return the archive's public tokenizer functions (the one place that names them)."""
    from search.analysis import query_terms, tokenize

    return tokenize, query_terms


class BM25Ranker:
    """Okapi BM25 over one field of jieba terms."""

    name = "bm25"

    def __init__(self, docs: list, k1: float = 1.2, b: float = 0.75):
        tokenize, self._query_terms = _analysis()
        self.docs = docs
        self.k1, self.b = k1, b
        self.tfs = []
        for doc in docs:
            terms = [t[0] for t in tokenize(doc.title + "\n" + doc.text, mode="index")]
            self.tfs.append(Counter(terms))
        self.lengths = [sum(tf.values()) for tf in self.tfs]
        self.avg_length = sum(self.lengths) / len(docs) if docs else 0.0
        self.df = Counter(term for tf in self.tfs for term in tf)

    def idf(self, term: str) -> float:
        """Return BM25's idf, never negative: log(1 + (N - n + 0.5) / (n + 0.5))."""
        n = self.df.get(term, 0)
        return math.log(1 + (len(self.docs) - n + 0.5) / (n + 0.5))

    def terms(self, q: str) -> list:
        """Return the distinct query terms, in order."""
        return list(dict.fromkeys(self._query_terms(q)))

    def rank(self, q: str, k: int = 10) -> list:
        """Return the keys of the k best-scoring documents for q."""
        terms = self.terms(q)
        idfs = {term: self.idf(term) for term in terms}
        scored = []
        for i, tf in enumerate(self.tfs):
            norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / (self.avg_length or 1))
            s = sum(idfs[t] * tf[t] * (self.k1 + 1) / (tf[t] + norm) for t in terms if t in tf)
            if s > 0:
                scored.append((-s, i))
        scored.sort()
        return [self.docs[i].key for _, i in scored[:k]]


def substring_parts(q: str) -> list:
    """Return the parts a substring search looks for: quotes removed, split on spaces."""
    text = unicodedata.normalize("NFKC", QUOTES_RE.sub(" ", q))
    return list(dict.fromkeys(part for part in text.split() if part))


class SubstringRanker:
    """Title occurrences count five times, body occurrences once (case-sensitive, NFKC-folded)."""

    name = "substring"
    TITLE_WEIGHT = 5

    def __init__(self, docs: list):
        self.docs = docs
        self.titles = [unicodedata.normalize("NFKC", doc.title) for doc in docs]
        self.texts = [unicodedata.normalize("NFKC", doc.text) for doc in docs]

    def rank(self, q: str, k: int = 10) -> list:
        """Return the keys of the k documents with the most weighted occurrences of q's parts."""
        parts = substring_parts(q)
        scored = []
        for i, (title, text) in enumerate(zip(self.titles, self.texts)):
            s = sum(self.TITLE_WEIGHT * title.count(p) + text.count(p) for p in parts)
            if s > 0:
                scored.append((-s, i))
        scored.sort()
        return [self.docs[i].key for _, i in scored[:k]]
