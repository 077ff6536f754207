"""Characteristic words, weighed against the whole archive (TF-IDF with the index's document counts).

Words come from search.analysis.tokenize, the same segmentation the index
uses, so a word's document frequency is read straight from the index.
"""
import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from search.analysis import is_han, tokenize
from search.indexing import backend

if TYPE_CHECKING:
    from archive.models import Article

TEXT_FIELD = "text"
BODY_CHARS = 4000  # enough of a long document to know what it is about
RESULT_SAMPLE = 200
_CACHE_SIZE = 2048
_LATIN_RE = re.compile(r"^[a-z][a-z0-9+.-]{1,30}$")
_ADDRESS_PARTS = frozenset("http https www com cn gov org net html htm php mp weixin qq".split())
_cache = OrderedDict()
_cache_lock = threading.Lock()


@dataclass
class Term:
    word: str
    docs: int  # documents of the result set (or sample) holding it
    score: float
    url: str = ""


def is_keyword(word: str) -> bool:
    """Return True for words worth showing: two or more Chinese characters, a Latin word or a doc number."""
    return (is_han(word) and len(word) >= 2) or "〔" in word or (
        bool(_LATIN_RE.match(word)) and word not in _ADDRESS_PARTS)


def article_terms(article: "Article") -> Counter[str]:
    """Return a Counter of the keyword-like words in an article (title and start of body), cached."""
    key = (article.pk, article.content_hash)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    text = f"{article.title}\n{article.body[:BODY_CHARS]}"
    counts = Counter(word for word, *_ in tokenize(text, mode="query") if is_keyword(word))
    with _cache_lock:
        _cache[key] = counts
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return counts


def archive_frequencies(words: Iterable[str]) -> tuple[int, dict[str, int]]:
    """Return (documents in the index, {word: documents holding it})."""
    return backend().document_frequencies(TEXT_FIELD, words)


def _idf(total: int, df: int) -> float:
    return math.log((total + 1) / (df + 1)) + 1e-9


def article_keywords(article: "Article", *, limit: int = 10) -> list[str]:
    """Return an article's most distinctive words: frequent in it, rare in the archive, not unique to it."""
    counts = article_terms(article)
    total, df = archive_frequencies(counts)
    scored = [(tf * _idf(total, df[w]), w) for w, tf in counts.items() if 1 < df[w] <= total / 2]
    return [w for _, w in sorted(scored, key=lambda item: (-item[0], item[1]))[:limit]]


def characteristic_terms(articles: Iterable["Article"], *, exclude: Iterable[str] = (),
                         limit: int = 30) -> list[Term]:
    """Return the Terms most characteristic of a set of articles against the whole archive.

    A word scores by how much more often the set's articles hold it than the
    archive's do: log of that ratio, weighted by the square root of its share
    in the set (plain share favours common words, no weight favours rare
    ones). When the set is the whole archive nothing stands out that way, so
    words score by share x inverse document frequency.
    Words in exclude (the query's) are left out.
    """
    articles = list(articles)
    if not articles:
        return []
    in_set: Counter[str] = Counter()
    frequency: Counter[str] = Counter()
    for article in articles:
        counts = article_terms(article)
        in_set.update(counts.keys())
        frequency.update(counts)
    min_docs = 2 if len(articles) >= 10 else 1
    candidates = [w for w, n in in_set.items() if n >= min_docs and w not in exclude]
    total, df = archive_frequencies(candidates)
    whole_archive = len(articles) >= total
    terms = []
    for word in candidates:
        docs = in_set[word]
        share = docs / len(articles)
        overall = (max(df[word], docs) + 1) / (max(total, len(articles)) + 1)
        score = share * _idf(total, df[word]) if whole_archive else math.sqrt(share) * math.log(share / overall)
        if score > 0:
            terms.append(Term(word, docs, score))
    terms.sort(key=lambda t: (-t.score, -frequency[t.word], t.word))
    return terms[:limit]
