"""Highlighted snippets: escaped text with the query's terms in <mark> (pure)."""
import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

DEFAULT_WIDTH = 140
_LATIN = re.compile("[A-Za-z0-9]")


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms:
        return None
    return re.compile("|".join(_term_pattern(t) for t in terms), re.IGNORECASE)


def _term_pattern(term: str) -> str:
    """Return term as a regex that, where it begins or ends in a Latin letter or digit,
    does not match inside a longer Latin or digit run (AI is not marked in AAAI or AIGC's
    neighbour AAAIGC, 6G not in 16G), as the index keeps such runs whole."""
    pattern = re.escape(term)
    if _LATIN.match(term[0]):
        pattern = "(?<![A-Za-z0-9])" + pattern
    if _LATIN.match(term[-1]):
        pattern += "(?![A-Za-z0-9])"
    return pattern


def best_window(text: str, terms: Iterable[str], *, width: int = DEFAULT_WIDTH) -> tuple[int, int]:
    """Return (start, end) of the window of text holding the most term matches."""
    pattern = _pattern(terms)
    if pattern is None or len(text) <= width:
        return 0, min(len(text), width)
    starts = [m.start() for m in pattern.finditer(text)]
    if not starts:
        return 0, width
    best, best_count = starts[0], 0
    j = 0
    for i, s in enumerate(starts):
        while starts[j] < s - width + 10:
            j += 1
        if i - j + 1 > best_count:
            best, best_count = starts[j], i - j + 1
    start = max(0, min(best - 20, len(text) - width))
    return start, start + width


def highlight(text: str, terms: Iterable[str]) -> SafeString:
    """Return text HTML-escaped with every term match wrapped in <mark>."""
    pattern = _pattern(terms)
    if pattern is None:
        return mark_safe(escape(text))  # escaped above: safe to mark
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append("<mark>" + escape(m.group()) + "</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # every piece escaped above


def snippet(text: str, terms: Iterable[str], *, width: int = DEFAULT_WIDTH) -> SafeString:
    """Return the best window of text, escaped, with matches marked and ellipses at cuts."""
    flat = " ".join(text.split())
    start, end = best_window(flat, terms, width=width)
    body = highlight(flat[start:end], terms)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    return mark_safe(prefix + body + suffix)  # body is escaped by highlight()


def plain_summary(text: str, *, width: int = DEFAULT_WIDTH) -> str:
    """Return the start of text on one line, cut at width characters with an ellipsis (not escaped)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width].rstrip() + "…"
