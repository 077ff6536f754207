"""Did you mean: indexed words one edit away from what was typed, same-sound corrections first.

For each Chinese word of a query (2 to 8 characters), every word one edit
away (a character substituted, dropped, added, or two neighbours swapped)
that jieba's dictionaries hold is a candidate; the backend's
document_frequencies says which of them the index holds and in how many
documents. A substitution by a character of the same pinyin (扣 for 口: what
a pinyin keyboard gets wrong) ranks first, then the more frequent words.
Nothing here runs a search.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from search.analysis import dictionary_characters, is_dictionary_word, is_han, normalize

MAX_SUGGESTIONS = 3
MAX_WORDS = 3  # words of a query looked at (about 80 ms each)
SAME_SOUND_BONUS = 3.0
_WORD_RE = re.compile(r"[\u3400-\u9fff]{2,8}")
DocumentFrequencies = Callable[[str, Iterable[str]], tuple[int, dict[str, int]]]


@dataclass(frozen=True)
class Suggestion:
    word: str  # the corrected word
    typed: str  # the word it replaces
    query: str  # the whole query with the word replaced
    count: int  # documents holding the word


@lru_cache(maxsize=8192)
def _sound(char: str) -> str:
    return lazy_pinyin(char, style=Style.NORMAL)[0]


def warm() -> None:
    """Load what the first suggestion needs: the dictionary's characters (about a second) and pinyin."""
    dictionary_characters()
    _sound("字")


def edits(word: str) -> dict[str, bool]:
    """Return {dictionary word one edit from word: whether it is a same-sound substitution}."""
    return dict(_edits(word))


@lru_cache(maxsize=4096)
def _edits(word: str) -> tuple[tuple[str, bool], ...]:
    # A word's edits depend on the dictionaries alone, fixed for the process: worked out once per word
    # (about 30 ms), while the index says on each request which of them it holds.
    out: dict[str, bool] = {}
    alphabet = dictionary_characters()
    for i, char in enumerate(word):
        for other in alphabet:
            if other != char:
                candidate = word[:i] + other + word[i + 1:]
                if is_dictionary_word(candidate):
                    out[candidate] = out.get(candidate, False) or _sound(other) == _sound(char)
        dropped = word[:i] + word[i + 1:]
        if len(dropped) > 1 and is_dictionary_word(dropped):
            out.setdefault(dropped, False)
        if i + 1 < len(word):
            swapped = word[:i] + word[i + 1] + word[i] + word[i + 2:]
            if swapped != word and is_dictionary_word(swapped):
                out.setdefault(swapped, False)
    for i in range(len(word) + 1):
        for other in alphabet:
            added = word[:i] + other + word[i:]
            if is_dictionary_word(added):
                out.setdefault(added, False)
    out.pop(word, None)
    return tuple(out.items())


def suggest(q: str, frequencies: DocumentFrequencies, *, field: str = "text") -> list[Suggestion]:
    """Return up to MAX_SUGGESTIONS corrections of q's Chinese words that the index holds."""
    typed_words = [w for w in dict.fromkeys(_WORD_RE.findall(q)) if is_han(w)][:MAX_WORDS]
    scored = []
    for typed in typed_words:
        candidates = edits(normalize(typed))
        if not candidates:
            continue
        _, counts = frequencies(field, list(candidates))
        for word, count in counts.items():
            if count:
                rank = math.log1p(count) + (SAME_SOUND_BONUS if candidates[word] else 0.0)
                scored.append((rank, word, typed, count))
    scored.sort(key=lambda s: (-s[0], s[1]))
    seen, out = set(), []
    for _, word, typed, count in scored:
        if word not in seen:
            seen.add(word)
            out.append(Suggestion(word, typed, q.replace(typed, word), count))
    return out[:MAX_SUGGESTIONS]
