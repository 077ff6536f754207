"""Split plain-text pages (newspaper digests, roundups, scraped articles) into story records."""
import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from archive.ingest.datelines import find_dateline
from archive.ingest.dates import HEADER_RE
from archive.ingest.roundups import Roundup, find_roundup, is_paragraph
from archive.ingest.titles import DECORATION, fallback_title, is_headline_line, is_note_label, note_block_length


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
_SIDEBAR_PAIRS = 3


def make_story(*, title: str, body: Sequence[str], date: object, source: str, raw: object, outlet: str = "",
               year: int | None = None, regions: Iterable[str] = (), url: str = "",
               fmt: str = "text") -> dict[str, Any]:
    """Return a story record: what a page reader found for one article, raw text kept verbatim."""
    return {
        "title": title, "content": "\n".join(body), "date": date or None, "source": source,
        "outlet": outlet, "year": year, "regions": list(regions), "url": url, "format": fmt, "raw": raw,
    }


def _leading_headline(lines: list[str]) -> tuple[str, list[str]] | None:
    """Return the title and body of lines that open with headline lines (the last is the title), else None."""
    count = 0
    while count < len(lines) and is_headline_line(lines[count]):
        count += 1
    # Earlier headline lines are kickers and section heads.
    return (lines[count - 1].lstrip(DECORATION), lines[count:]) if count else None


def _split_headline(lines: Iterable[str]) -> tuple[str, list[str]]:
    """Return the title and body lines of a story: the last leading headline is its title.

    A story that opens with a note (编者按 …) loses the note's label and takes the
    headline after the note, else the shortened first sentence of its text.
    """
    lines = [line.strip() for line in lines if line.strip()]
    if note := note_block_length(lines):
        after = _leading_headline(lines[note:])
        if after:
            return after[0], lines[1:note] + after[1]
        lines = lines[1:]
    found = _leading_headline(lines)
    if found:
        return found
    return (fallback_title(lines[0]) if lines else ""), lines


def _append_note(story: dict[str, Any], lines: list[str]) -> None:
    """Add a note block (its label line kept as a line of text) to the end of a story."""
    text = [line.strip().strip(DECORATION) for line in lines if line.strip()]
    story["content"] = "\n".join([story["content"], *text]) if story["content"] else "\n".join(text)
    story["raw"] += "".join(lines)


def _page_title(title: str, body: list[str]) -> tuple[str, list[str]]:
    """Return a page's title and body: its first line, unless that is a note's label (then as a story's)."""
    return _split_headline([title, *body]) if is_note_label(title) else (title, body)


def _drop_sidebar(lines: list[str]) -> list[str]:
    """Cut the tail of unrelated headlines that starts where 3 (line, bare date) pairs do."""
    window = 2 * _SIDEBAR_PAIRS
    for start in range(len(lines) - window + 1):
        if all(bool(_BARE_DATE_RE.fullmatch(line)) == (offset % 2 == 1)
               for offset, line in enumerate(lines[start:start + window])):
            return lines[:start]
    return lines


def _blocks(lines: list[str], closers: Iterable[int]) -> list[tuple[int, int, re.Match[str] | None]]:
    """Return (start, stop, closer match or None) for each story block of a digest page."""
    blocks, start = [], 0
    for end in closers:
        blocks.append((start, end + 1, SOURCE_LINE_RE.fullmatch(lines[end].strip())))
        start = end + 1
    if "".join(lines[start:]).strip():
        blocks.append((start, len(lines), None))
    return blocks


def _digest(lines: list[str], closers: Iterable[int], *, year: int | None, source: str | None,
            page_date: str | None) -> list[dict[str, Any]]:
    """Return the stories of a page whose stories each end with a source line.

    A note (编后 …) right after a story's source line is appended to that story.
    """
    stories = []
    last_date = None
    for start, stop, closer in _blocks(lines, closers):
        text_stop = stop - 1 if closer else stop
        note = note_block_length(lines[start:text_stop]) if stories else 0
        if note:
            _append_note(stories[-1], lines[start:start + note])
            start += note
            if not "".join(lines[start:text_stop]).strip():
                stories[-1]["raw"] += "".join(lines[start:stop])
                continue
        title, body = _split_headline(lines[start:text_stop])
        if closer:
            last_date = closer["date"]
            stories.append(make_story(title=title, body=body, date=closer["date"], source=closer["paper"],
                                      outlet=closer["paper"], year=year, raw="".join(lines[start:stop])))
        else:
            # The tail has no source line: it takes the page's source and date, else the last story's date.
            stories.append(make_story(title=title, body=body, date=page_date or last_date, source=source or "",
                                      year=year, raw="".join(lines[start:stop])))
    return stories


def _roundup_stories(lines: list[str], kept: list[tuple[int, str]], roundup: Roundup, *, title: str,
                     year: int | None, source: str, page_date: str | None) -> list[dict[str, Any]]:
    """Return the article before a roundup (when it has text) and one story per brief."""
    body = [line for _, line in kept[1:]]
    stories = []
    first_raw = kept[1 + roundup.roundup_start][0]  # line index in the page of the roundup's first line
    essay = body[:roundup.article_end]
    if any(is_paragraph(line) for line in essay):
        title, essay = _page_title(title, essay)
        stories.append(make_story(title=title, body=essay, date=page_date, source=source, year=year,
                                  raw="".join(lines[:first_raw])))
        first_raw_of_brief = first_raw
    else:
        first_raw_of_brief = 0  # the page's title is the roundup's own: its lines go with the first brief
    starts = [roundup.roundup_start] + [brief.end_line for brief in roundup.briefs[:-1]]
    for number, (brief, start) in enumerate(zip(roundup.briefs, starts)):
        raw_start = first_raw_of_brief if number == 0 else kept[1 + start][0]
        raw_end = kept[1 + brief.end_line][0] if 1 + brief.end_line < len(kept) else len(lines)
        stories.append(make_story(
            title=brief.title, body=brief.body, date=find_dateline(brief.body, within=1) or page_date,
            source=source, year=year, regions=brief.regions, raw="".join(lines[raw_start:raw_end]),
        ))
    return stories


def split_page(text: str, *, year: int | None = None, source: str | None = None,
               date: datetime.date | None = None) -> list[RawRecord]:
    """Return the stories of a plain-text page as RawRecords of story dicts.

    A page's date is date when given, else its header line's, else the
    dateline of its opening paragraphs; a digest story takes the date of its
    source line and a roundup brief its own dateline, else the page's.
    """
    lines = text.splitlines(keepends=True)
    header_at = next((i for i, line in enumerate(lines) if HEADER_RE.fullmatch(line.strip())), None)
    header = HEADER_RE.fullmatch(lines[header_at].strip()) if header_at is not None else None
    source = (header["source"] if header and header["source"] else None) or source or ""
    kept = [(i, line.strip()) for i, line in enumerate(lines) if line.strip() and i != header_at]
    page_date = date.isoformat() if date else header["date"] if header else find_dateline(
        [line for _, line in kept[1:]])
    if year is None and page_date and (found := re.match(r"\d{4}", page_date)):
        year = int(found[0])
    closers = [number for number, line in enumerate(lines) if SOURCE_LINE_RE.fullmatch(line.strip())]
    if closers:
        stories = _digest(lines, closers, year=year, source=source, page_date=page_date)
    else:
        title = kept[0][1] if kept else ""
        body = _drop_sidebar([line for _, line in kept[1:]])
        roundup = find_roundup(body)
        if roundup:
            stories = _roundup_stories(lines, kept, roundup, title=title, year=year, source=source,
                                       page_date=page_date)
        else:
            title, body = _page_title(title, body)
            stories = [make_story(title=title, body=body, date=page_date, source=source, year=year,
                                  raw="".join(lines))]
    return [RawRecord(number, story) for number, story in enumerate(stories, 1)]
