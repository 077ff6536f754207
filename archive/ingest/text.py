"""Pure text normalizers for article titles and bodies."""
import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\ufeff]")
_SCRIPT_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_BREAK_RE = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|section|tr)\s*>", re.I)
_TAG_RE = re.compile(r"<!--.*?-->|</?[a-zA-Z][^<>]*>", re.S)

# Lines dropped wherever they appear: share buttons, swipe hints, image
# placeholders, "read the original" links and reprint notices.
_NOISE_RES = (
    re.compile(r"(?:↓\s*\w{1,2}\s*)+"),
    re.compile(r"[上下左右]+滑动查看更多"),
    re.compile(r"【资料图】"),
    re.compile(r".{0,30}阅读原文.{0,30}"),
    re.compile(r"(?:本文)?转载自.{0,30}"),
)
# Credit lines dropped only from the closing block of an article.
_TRAILER_RE = re.compile(
    r"(?:来源|编辑|责任编辑|作者|视频制作|摄影|图片|文字|校对|审核)\s*[：:].{0,60}|.*转载请注明.*"
)
_MIN_REPEAT_CHARS = 20
_MIN_REAL_CHARS = 30
_WIDE_TO_NARROW = {
    **{code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)},
    **{code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)},
    **{code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)},
    0x3000: 0x20,
}


def strip_control_chars(s: str) -> str:
    """Remove control and zero-width characters, keeping line breaks and tabs."""
    # \r stays: WeChat bodies use it as the paragraph separator.
    return _CONTROL_RE.sub("", s)


def html_to_text(s: str) -> str:
    """Turn HTML into plain text with line breaks; unescape entities in any text."""
    s = html.unescape(s).replace("\xa0", " ")
    if not _TAG_RE.search(s):
        return s
    s = _SCRIPT_RE.sub("", s)
    s = _BREAK_RE.sub("\n", s)
    return _TAG_RE.sub("", s)


def split_paragraphs(s: str) -> list[str]:
    """Return the non-empty, non-decorative lines of s, stripped."""
    lines = (line.strip() for line in s.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    # A line with no letter or digit is decoration: "★ ★ ★", "👇👇👇", "——".
    return [line for line in lines if any(ch.isalnum() for ch in line)]


def drop_repeated_paragraphs(paras: Iterable[str]) -> list[str]:
    """Keep only the first copy of each paragraph of 20 or more characters."""
    seen = set()
    kept = []
    for para in paras:
        if len(para) >= _MIN_REPEAT_CHARS:
            if para in seen:
                continue
            seen.add(para)
        kept.append(para)
    return kept


def _is_noise(para: str) -> bool:
    return any(regex.fullmatch(para) for regex in _NOISE_RES)


def strip_share_boilerplate(paras: Sequence[str]) -> list[str]:
    """Remove WeChat share buttons, placeholders and the closing credit block."""
    end = len(paras)
    while end and (_is_noise(paras[end - 1]) or _TRAILER_RE.fullmatch(paras[end - 1])):
        end -= 1
    return [para for para in paras[:end] if not _is_noise(para)]


def is_boilerplate_only(paras: Sequence[str]) -> bool:
    """Return True when under 30 letters or digits remain once boilerplate is gone."""
    real = sum(ch.isalnum() for para in strip_share_boilerplate(paras) for ch in para)
    return real < _MIN_REAL_CHARS


def _fingerprint(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", s).casefold() if ch.isalnum())


def content_hash(title: str, paragraphs: Iterable[str]) -> str:
    """Return a sha256 hex digest of the body, ignoring whitespace and punctuation."""
    normal = _fingerprint("".join(paragraphs)) or _fingerprint(title)
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def normalize_width(s: str) -> str:
    """Turn full-width ASCII letters, digits and spaces into half-width ones."""
    return s.translate(_WIDE_TO_NARROW)
