"""Titles of stories found in plain text: headline lines, note labels, shortened fallback titles.

A story with no headline line is titled by its first sentence. A sentence
longer than FALLBACK_TITLE_MAX is cut at a natural boundary and marked as
shortened with "…": at the last clause break (，、；：) that leaves at least
FALLBACK_TITLE_MIN characters; else at the last word edge the script shows:
after a closing bracket or quote or 的, before an opening one or a number, at
a space or between Latin letters and Chinese. Only a sentence with none of
these is cut at the limit.
(Word boundaries come from punctuation and script, not from the tokenizer,
which lives in search/ above this layer.)

A note or afterword label on a line of its own (编后, 编者按, 短评, 本报评论员,
记者手记 …) is never a title: the note it opens runs to the next headline line
and belongs to the story before it.
"""
import re
from collections.abc import Sequence

FALLBACK_TITLE_MAX = 40  # characters, the "…" included
FALLBACK_TITLE_MIN = 8
HEADLINE_MAX = 80
ELLIPSIS = "…"
DECORATION = "■□●○◆◇▲△▶►•·★☆ \u3000"
SENTENCE_ENDS = tuple("。！？；…”」!?;，,：:")
_SENTENCE_SPLIT_RE = re.compile(r"[。！？!?]")
_CLAUSE_BREAKS = "，、；：,;:"
_CLOSERS = "）)》」』”’】〉］]"
_OPENERS = "（(《「『“‘【〈［["
_LATIN_RE = re.compile(r"[A-Za-z]")
_HAN_RE = re.compile(r"[\u4e00-\u9fff]")
_NOTE_LABELS = (
    "编后语", "编后记", "编后话", "编后", "编者按", "编者的话", "编辑手记", "编辑部的话", "编者附记",
    "短评", "快评", "微评", "小评", "时评", "述评", "点评", "本报评论员", "特约评论员", "评论员手记",
    "评论员观察", "评论员文章", "评论员", "记者手记", "记者观察", "记者札记", "采访手记", "采写手记",
)
_LABEL = "|".join(map(re.escape, _NOTE_LABELS))
_BRACKET_OPEN, _BRACKET_CLOSE = r"[【\[〖（(「]", r"[】\]〗）)」]"
_NOTE_LABEL_RE = re.compile(rf"(?:{_BRACKET_OPEN}\s*)?(?:{_LABEL})\s*(?:{_BRACKET_CLOSE})?\s*[：:]?")
# A label opening a paragraph: "编者按：今年是……" or "【短评】……".
_NOTE_PREFIX_RE = re.compile(
    rf"(?:{_BRACKET_OPEN}\s*(?:{_LABEL})\s*{_BRACKET_CLOSE}\s*[：:]?|(?:{_LABEL})\s*[：:])\s*")


def is_note_label(line: str) -> bool:
    """Return True for a line that is only a note or afterword label ("■ 编后", "【编者按】", "记者手记：")."""
    return bool(_NOTE_LABEL_RE.fullmatch(line.strip().strip(DECORATION)))


def without_note_label(line: str) -> str:
    """Return a line without the note label that opens it ("编者按：今年……" gives "今年……")."""
    text = line.strip().lstrip(DECORATION)
    match = _NOTE_PREFIX_RE.match(text)
    return text[match.end():] if match and match.end() < len(text) else text


def is_headline_line(line: str) -> bool:
    """Return True for a line that can be a headline or kicker: short, not closed as a sentence, no label."""
    text = line.strip()
    return (bool(text) and len(text) < HEADLINE_MAX and not text.endswith(SENTENCE_ENDS)
            and not is_note_label(text))


def note_block_length(lines: Sequence[str]) -> int:
    """Return how many of lines (blank ones included) form the note they open; 0 when they open none.

    A note is its label line and the lines after it, up to the next headline line.
    """
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not is_note_label(lines[first]):
        return 0
    end = first + 1
    for i in range(first + 1, len(lines)):
        if lines[i].strip():
            if is_headline_line(lines[i]):
                break
            end = i + 1
    return end


def _cut_at(text: str, limit: int) -> int:
    """Return where to cut text to at most limit characters: the best natural boundary there."""
    low = FALLBACK_TITLE_MIN
    positions = range(limit, low - 1, -1)
    for position in positions:
        if text[position] in _CLAUSE_BREAKS and not (
                text[position] == "," and text[position - 1].isdigit() and text[position + 1:position + 2].isdigit()):
            return position
    for position in positions:
        before, after = text[position - 1], text[position]
        if (before in _CLOSERS or after in _OPENERS or before.isspace() or after.isspace() or before == "的"
                or (_LATIN_RE.match(before) and _HAN_RE.match(after))
                or (_HAN_RE.match(before) and (_LATIN_RE.match(after) or after.isdigit()))):
            return position
    return limit


def shorten_title(sentence: str, limit: int = FALLBACK_TITLE_MAX) -> str:
    """Return sentence whole if it fits in limit characters, else cut at a natural boundary and ended by "…"."""
    text = sentence.strip()
    if len(text) <= limit:
        return text
    return text[:_cut_at(text, limit - len(ELLIPSIS))].rstrip(_CLAUSE_BREAKS + " \u3000") + ELLIPSIS


def fallback_title(line: str) -> str:
    """Return the title of a story with no headline: the first sentence of its first line, shortened."""
    text = without_note_label(line)
    return shorten_title(_SENTENCE_SPLIT_RE.split(text)[0])
