"""The word segmenter under search/analysis.py: jieba, or rjieba (compiled jieba-rs) where installed.

jieba stays the reference and owns the dictionary (its FREQ table). rjieba is made to cut
the same words (docs/SEGMENTER.md measures it on fixtures/ and the benchmark corpus):
- it gets the domain words with the frequencies jieba's load_userdict gave them, and the
  same dictionary total (jieba's total also counts overwritten entries; rjieba's does not);
- it only sees the blocks jieba itself segments (jieba's block pattern is narrower than
  jieba-rs's, which also takes CJK extension characters);
- a run of Latin letters, digits and symbols that its HMM step returns whole
  (``svc.stcsm.sh.gov.cn``) is split the way jieba's HMM step splits it.

ARCHIVE_SEGMENTER=auto|jieba|rjieba picks one; auto (the default) is rjieba when importable.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jieba
from jieba import finalseg

ENV_VAR = "ARCHIVE_SEGMENTER"
CHOICES = ("auto", "jieba", "rjieba")

# jieba's own patterns, so the blocks and the splits are jieba's by construction.
_BLOCK_RE = jieba.re_han_default  # the runs jieba segments with its dictionary
_SKIP_RE = jieba.re_skip_default  # whitespace between them
_HMM_SKIP_RE = finalseg.re_skip  # how jieba's HMM step splits a non-Chinese run
_HMM_HAN_RE = finalseg.re_han
# A private-use character lies outside every block, so this entry can never be cut;
# it only carries the part of jieba's dictionary total that rjieba would lack.
_TOTAL_CARRIER = "\ue000"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Segmenter:
    """A named cut function: text in, consecutive words covering all of it out."""

    name: str
    cut: Callable[[str], Iterable[str]]


def chosen(environ: Mapping[str, str] = os.environ) -> str:
    """Return the segmenter ARCHIVE_SEGMENTER asks for; ValueError names the choices."""
    value = environ.get(ENV_VAR, "").strip().lower() or "auto"
    if value not in CHOICES:
        raise ValueError(f"{ENV_VAR}={value!r} is not a segmenter; use one of: {', '.join(CHOICES)}")
    return value


def load_segmenter(tok: jieba.Tokenizer, dict_path: Path, choice: str | None = None) -> Segmenter:
    """Return the segmenter for choice (default: ARCHIVE_SEGMENTER) over jieba's loaded tok."""
    choice = choice or chosen()
    if choice not in CHOICES:
        raise ValueError(f"{choice!r} is not a segmenter; use one of: {', '.join(CHOICES)}")
    if choice != "jieba":
        compiled = load_rjieba(tok, dict_path)
        if compiled is not None:
            return Segmenter("rjieba", partial(cut_like_jieba, compiled.cut, tok.FREQ))
        if choice == "rjieba":
            raise RuntimeError(f"{ENV_VAR}=rjieba but rjieba is not installed (pip install rjieba)")
    return Segmenter("jieba", partial(tok.cut, HMM=True))


def user_words(dict_path: Path) -> list[tuple[str, str | None]]:
    """Return (word, tag) for each line of a jieba user dictionary, parsed as load_userdict does."""
    words = []
    for line in dict_path.read_text(encoding="utf-8").lstrip("\ufeff").splitlines():
        line = line.strip()
        if line:
            word, _, tag = jieba.re_userdict.match(line).groups()
            words.append((word, tag.strip() if tag else None))
    return words


def load_rjieba(tok: jieba.Tokenizer, dict_path: Path) -> Any:
    """Return rjieba's segmenter holding tok's domain words and total, or None without rjieba."""
    try:
        import rjieba
    except ImportError:
        return None
    words = user_words(dict_path)
    if any(not tok.FREQ.get(word) for word, _ in words):
        log.warning("a domain word of frequency 0 (a forced split) has no rjieba equivalent: using jieba")
        return None
    # The module-level instance: importing rjieba has already loaded its dictionary there,
    # and adding the same words again changes nothing.
    for word, tag in words:
        rjieba.add_word(word, tok.FREQ[word], tag)
    gap = tok.total - sum(tok.FREQ.values())
    if gap > 0:
        rjieba.add_word(_TOTAL_CARRIER, gap, None)
    return rjieba


def cut_like_jieba(cut_block: Callable[[str], list[str]], freq: Mapping[str, int], text: str) -> Iterator[str]:
    """Yield jieba's cut(text, HMM=True), with cut_block (rjieba's cut) segmenting each block."""
    for block in _BLOCK_RE.split(text):
        if not block:
            continue
        if _BLOCK_RE.match(block):
            for word in cut_block(block):
                # Only a non-Chinese word can differ; jieba-rs returns an HMM run whole.
                if word[0] < "\u4e00" and len(word) > 1 and not freq.get(word) and not _HMM_HAN_RE.search(word):
                    yield from (piece for piece in _HMM_SKIP_RE.split(word) if piece)
                else:
                    yield word
        else:
            for piece in _SKIP_RE.split(block):
                if _SKIP_RE.match(piece):
                    yield piece
                else:
                    yield from piece
