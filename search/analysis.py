"""Chinese text analysis: the one place that owns jieba and the Whoosh analyzer.

Index time uses a "search mode" segmentation (each word plus the dictionary
words inside it, all at the word's position) for recall; query time uses the
plain segmentation, so a query of 集成电路 needs the whole word 集成电路 and
does not match 集成 … 电路 apart.
"""
import logging
import re
import threading
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from itertools import accumulate
from typing import Any
from pathlib import Path

import jieba
from whoosh.analysis import Token, Tokenizer
from whoosh.formats import Positions

from search.backends.whoosh.internals import position_deltas

from archive.docnumbers import find_numbers
from search.segmenter import Segmenter, load_segmenter

DICT_PATH = Path(__file__).with_name("dict") / "domain.txt"

# Words too common to carry meaning; a query made only of these finds nothing.
STOP_WORDS = frozenset("的 了 和 与 及 是 在 也 等 对 为 将 把 被 之 其 或 而 并 从 以 于 中 上 下".split())

# Policy document numbers (archive/docnumbers.py) are kept whole as one token: 沪科合〔2026〕1号.
_WORD_CHAR_RE = re.compile(r"[0-9a-z\u3400-\u9fff\uf900-\ufaff]")
_HAN_RE = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")

_setup_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_segmenter: Segmenter | None = None


def get_jieba() -> jieba.Tokenizer:
    """Return the shared jieba tokenizer, loading the domain dictionary (and the segmenter) once."""
    global _tokenizer, _segmenter
    if _tokenizer is None:
        with _setup_lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                tok.load_userdict(str(DICT_PATH))
                if _segmenter is None:
                    _segmenter = load_segmenter(tok, DICT_PATH)
                _tokenizer = tok
    return _tokenizer


def get_segmenter() -> Segmenter:
    """Return the segmenter tokenize() cuts with: rjieba or jieba (search/segmenter.py)."""
    tok = get_jieba()
    return _segmenter or use_segmenter(None, tok)


def use_segmenter(choice: str | None, tok: jieba.Tokenizer | None = None) -> Segmenter:
    """Load the segmenter named by choice (None: ARCHIVE_SEGMENTER) and cut with it from now on."""
    global _segmenter
    segmenter = load_segmenter(tok or get_jieba(), DICT_PATH, choice)
    _segmenter = segmenter
    return segmenter


def normalize(text: str) -> str:
    """Return text with full-width forms folded to half-width and Latin lowercased."""
    return unicodedata.normalize("NFKC", text).lower()


def is_han(text: str) -> bool:
    """Return True when text is made only of Chinese characters."""
    return bool(_HAN_RE.match(text))


def _sub_words(word: str, freq: Mapping[str, int]) -> Iterator[tuple[str, int]]:
    """Yield the dictionary words of two and three characters inside a longer word."""
    for size in (2, 3):
        if len(word) > size:
            for i in range(len(word) - size + 1):
                gram = word[i:i + size]
                if freq.get(gram):
                    yield gram, i


def is_sub_word_of(sub: str, word: str) -> bool:
    """Return True when indexing word also indexes sub inside it, at word's position.

    Index mode adds the dictionary words of two and three characters found
    inside a word of three or more: a count of sub's occurrences already
    holds the ones inside word.
    """
    return (len(word) > 2 and len(sub) in (2, 3) and sub != word and sub in word
            and bool(get_jieba().FREQ.get(sub)))


def sub_word_count(sub: str, word: str) -> int:
    """Return how many times indexing word also indexes sub, at word's position (0: not a sub-word)."""
    if not is_sub_word_of(sub, word):
        return 0
    return sum(word.startswith(sub, i) for i in range(len(word) - len(sub) + 1))


def occurrence_weights(words: Sequence[str], char: str) -> list[int]:
    """Return, for each indexed word holding char, what one of its postings adds to char's count.

    A place of the text holds one word and, in index mode, the sub-words
    inside it: 强磁场 puts 强磁, 磁场 and 强磁场 at one position. Summing
    the three words' frequencies counts that one 磁 three times. Each word
    adds its own occurrences of char less those of its sub-words among
    words (强磁场: 1 - 2 = -1; 强磁 and 磁场: 1 each), so a place adds
    exactly the times its word says char when the word and its sub-words
    are all in words. A word whose sub-words hold all of its char adds 0
    (芯片组 is counted through 芯片).
    """
    return [word.count(char) - sum(sub_word_count(sub, word) * sub.count(char) for sub in words)
            for word in words]


def tokenize(text: str, *, mode: str = "index") -> list[tuple[str, int, int, int]]:
    """Return (term, position, start, end) tuples for text.

    mode "index" adds the dictionary words inside each word at the same
    position; mode "query" gives one term per word.
    """
    freq = get_jieba().FREQ
    cut = get_segmenter().cut
    norm = normalize(text)
    index_mode = mode == "index"
    out = []
    append = out.append
    position = 0
    offset = 0
    spans = [(found.start, found.end, found.number) for found in find_numbers(norm)]
    span = spans.pop(0) if spans else None
    emitted = None
    # The segmenter yields consecutive segments covering the whole text: offsets are running sums.
    for word in cut(norm):
        start = offset
        end = offset = start + len(word)
        if span is not None:
            while span is not None and start >= span[1]:
                span = spans.pop(0) if spans else None
            if span is not None and end > span[0]:
                if emitted is not span:
                    emitted = span
                    append((span[2], position, span[0], span[1]))
                    position += 1
                if not index_mode:
                    continue  # the number is searched as one term
        if not word.isalnum() and not _WORD_CHAR_RE.search(word):
            continue
        if word in STOP_WORDS:
            continue
        if index_mode and len(word) > 2:
            for gram, at in _sub_words(word, freq):
                append((gram, position, start + at, start + at + len(gram)))
        append((word, position, start, end))
        position += 1
    return out


_dictionary_chars: list[str] | None = None


def is_dictionary_word(word: str) -> bool:
    """Return True when jieba's dictionaries (domain words included) hold word."""
    return bool(get_jieba().FREQ.get(word))


def dictionary_characters(limit: int = 8000) -> list[str]:
    """Return the Chinese characters of the dictionary words, most used first (at most limit)."""
    global _dictionary_chars
    if _dictionary_chars is None:
        weight: dict[str, int] = {}
        for word, freq in get_jieba().FREQ.items():
            if freq:
                for char in word:
                    weight[char] = weight.get(char, 0) + freq
        _dictionary_chars = sorted((c for c in weight if is_han(c)), key=lambda c: -weight[c])
    return _dictionary_chars[:limit]


def query_terms(text: str) -> list[str]:
    """Return the terms a query string is searched for, in order."""
    return [term for term, _, _, _ in tokenize(text, mode="query")]


class ChineseTokenizer(Tokenizer):
    """Whoosh tokenizer over tokenize(); index or query mode follows Whoosh's mode."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = normalize(value)
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        segment_mode = "query" if mode == "query" else "index"
        for term, pos, start, end in globals()["tokenize"](value, mode=segment_mode):
            token.text = term
            token.boost = 1.0
            if keeporiginal:
                token.original = term
            token.stopped = False
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def ChineseAnalyzer() -> ChineseTokenizer:
    """Return the Whoosh analyzer used for every Chinese text field."""
    return ChineseTokenizer()


def term_positions(value: str) -> dict[str, list[int]]:
    """Return each indexed term of value with its positions, in first-seen order."""
    positions: dict[str, list[int]] = {}
    for term, pos, _, _ in tokenize(value, mode="index"):
        found = positions.get(term)
        if found is None:
            positions[term] = [pos]
        else:
            found.append(pos)
    return positions


class ChinesePositions(Positions):
    """Whoosh's Positions format, fed straight from tokenize() when indexing.

    Same postings, same bytes; it skips a Token object per word, which is a
    fifth of the indexing cost of a 2,000-character article.
    """

    def word_values(self, value: str, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        if not isinstance(analyzer, ChineseTokenizer) or kwargs.get("mode") == "query":
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost, encode = self.field_boost, self.encode
        for term, poslist in term_positions(value).items():
            yield term, len(poslist), len(poslist) * boost, encode(poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        # As Positions.decode_positions, with the running sum of the deltas in C
        # (phrase checks decode one list per candidate document).
        return list(accumulate(position_deltas(valuestring)))
