"""Split plain-text pages (newspaper digests, scraped articles) into story records."""
import re
from dataclasses import dataclass

from archive.ingest.dates import HEADER_RE


@dataclass(frozen=True)
class RawRecord:
    """One record as read from a file; number is its 1-based place there.

    error is set when the record could not be parsed at all (a broken JSON line).
    """

    number: int
    value: object
    error: str = ""


# 「来源:3月15日《解放日报》」 closes each story of a newspaper digest.
SOURCE_LINE_RE = re.compile(r"「?\s*来源\s*[:：]\s*(?P<date>[^《》]*?)\s*《(?P<paper>[^》]+)》\s*」?")
_BARE_DATE_RE = re.compile(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?")
_SENTENCE_ENDS = tuple("。！？；…”」!?;，,：:")
_SENTENCE_SPLIT_RE = re.compile(r"[。！？!?]")
_BULLETS = "■□●○◆◇▲△▶►•·★☆ \u3000"
_HEADLINE_MAX = 80
_FALLBACK_TITLE_MAX = 40
_SIDEBAR_PAIRS = 3


def _story(*, title, body, date, source, outlet, year, raw):
    return {
        "title": title, "content": "\n".join(body), "date": date, "source": source,
        "outlet": outlet, "year": year, "format": "text", "raw": raw,
    }


def _split_headline(lines):
    """Return the title and body lines of a story: the last leading headline is its title."""
    lines = [line.strip() for line in lines if line.strip()]
    count = 0
    while count < len(lines) and len(lines[count]) < _HEADLINE_MAX and not lines[count].endswith(_SENTENCE_ENDS):
        count += 1
    if count:
        # Earlier headline lines are kickers and section heads.
        return lines[count - 1].lstrip(_BULLETS), lines[count:]
    first_sentence = _SENTENCE_SPLIT_RE.split(lines[0])[0] if lines else ""
    return first_sentence[:_FALLBACK_TITLE_MAX], lines


def _drop_sidebar(lines):
    """Cut the tail of unrelated headlines that starts where 3 (line, bare date) pairs do."""
    window = 2 * _SIDEBAR_PAIRS
    for start in range(len(lines) - window + 1):
        if all(bool(_BARE_DATE_RE.fullmatch(line)) == (offset % 2 == 1)
               for offset, line in enumerate(lines[start:start + window])):
            return lines[:start]
    return lines


def _digest(lines, closers, *, year, source, header):
    """Return the stories of a page whose stories each end with a source line."""
    stories = []
    start = 0
    for end in closers:
        closer = SOURCE_LINE_RE.fullmatch(lines[end].strip())
        title, body = _split_headline(lines[start:end])
        stories.append(_story(
            title=title, body=body, date=closer["date"], source=closer["paper"],
            outlet=closer["paper"], year=year, raw="".join(lines[start:end + 1]),
        ))
        start = end + 1
    if "".join(lines[start:]).strip():
        # The tail has no source line: it takes the page's source and date, else the last story's date.
        title, body = _split_headline(lines[start:])
        stories.append(_story(
            title=title, body=body, date=header["date"] if header else closer["date"], source=source or "",
            outlet="", year=year, raw="".join(lines[start:]),
        ))
    return stories


def _article(lines, *, year, source, header):
    """Return the one story of a page: first line title, header line dropped, sidebar cut."""
    kept = [line.strip() for line in lines if line.strip()]
    if header:
        kept.remove(header.string)
        source = header["source"] or source
    return _story(
        title=kept[0] if kept else "", body=_drop_sidebar(kept[1:]), date=header["date"] if header else None,
        source=source or "", outlet="", year=year, raw="".join(lines),
    )


def split_page(text, *, year=None, source=None):
    """Return the stories of a plain-text page as RawRecords of story dicts."""
    lines = text.splitlines(keepends=True)
    header = next((match for line in lines if (match := HEADER_RE.fullmatch(line.strip()))), None)
    if year is None and header:
        year = int(header["date"][:4])
    closers = [number for number, line in enumerate(lines) if SOURCE_LINE_RE.fullmatch(line.strip())]
    if closers:
        stories = _digest(lines, closers, year=year, source=source, header=header)
    else:
        stories = [_article(lines, year=year, source=source, header=header)]
    return [RawRecord(number, story) for number, story in enumerate(stories, 1)]
