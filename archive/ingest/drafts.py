"""Normalize one raw record (JSON article or page story) into an ArticleDraft."""
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from archive.ingest.dates import parse_date
from archive.ingest.errors import RecordRejected
from archive.ingest.extract import (
    REGIONS,
    application_deadline,
    cited_doc_numbers,
    doc_kind,
    issuing_bodies,
    own_doc_number,
    regions_mentioned,
    reprint_outlet,
    source_region,
)
from archive.ingest.text import (
    content_hash,
    drop_repeated_paragraphs,
    html_to_text,
    is_boilerplate_only,
    split_paragraphs,
    strip_control_chars,
    strip_share_boilerplate,
)
from archive.ingest.urls import canonical_wechat_url, wechat_biz

MAX_CONTENT_CHARS = 1_000_000
# Records that a reader of pages, HTML, Markdown or tables made (raw kept beside them).
STORY_FORMATS = ("text", "html", "markdown", "csv", "xlsx")
# Their content is plain text already: markup was read by a parser, never by regex.
_PLAIN_FORMATS = ("html", "markdown")
_NO_DATE = {"text": "no date in the text; pass --date YYYY-MM-DD",
            "html": "no date in the page; pass --date YYYY-MM-DD",
            "markdown": "no date in the file; pass --date YYYY-MM-DD",
            "csv": "missing date; pass --date YYYY-MM-DD",
            "xlsx": "missing date; pass --date YYYY-MM-DD"}
# Record keys per field, first present wins: the seeds' mixed keys, then plain ones.
_KEYS = {
    "id": ("文章标识符aid", "aid"),
    "title": ("标题title", "title"),
    "url": ("链接url", "url"),
    "date": ("时间time", "time", "date", "published"),
    "source": ("公众号名称", "account", "source"),
    "content": ("finalContent", "content"),
}
_MARKER_RE = re.compile(r"【[^】]*】")
_SPACE_RE = re.compile(r"\s+")


@dataclass
class ArticleDraft:
    """An article normalized from one record, ready to upsert."""

    title: str
    paragraphs: list[str]
    published: datetime.date
    source_name: str
    source_biz: str
    url: str
    external_id: str
    original_outlet: str
    kind: str
    doc_number: str
    cited_numbers: list[str]
    regions: list[str]
    is_empty: bool
    content_hash: str
    raw: object
    issuing_bodies: list[str] = field(default_factory=list)
    deadline: datetime.date | None = None

    @property
    def body(self) -> str:
        """Return the paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _field(record: Mapping[str, Any], name: str) -> Any:
    """Return the record's value for a field under its first present key, or None."""
    return next((record[key] for key in _KEYS[name] if key in record), None)


def _text(value: object, name: str) -> str:
    """Return value as a string ("" for None); reject other types."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordRejected(f"{name} is not text (got {_type_name(value)})")
    return value


def _line(value: object, name: str) -> str:
    """Return value as one clean line of plain text."""
    return " ".join(strip_control_chars(html_to_text(_text(value, name))).split())


def _drop_title_lines(title: str, paragraphs: list[str]) -> list[str]:
    """Drop opening lines that only repeat the title, as notices broken over lines do."""
    bare_title = _SPACE_RE.sub("", _MARKER_RE.sub("", title))
    joined = ""
    for count, para in enumerate(paragraphs):
        joined += _SPACE_RE.sub("", para)
        if joined not in bare_title:
            return paragraphs[count:]
    return []


def _published(value: Mapping[str, Any], *, fmt: str | None, year: int | None, date: datetime.date | None,
               today: datetime.date) -> datetime.date:
    """Return the record's date: its own, else the file's date; reject it when there is none."""
    written = _field(value, "date")
    if written is None or (isinstance(written, str) and not written.strip()):
        if date is not None:
            written = date.isoformat()
        elif fmt in _NO_DATE:
            raise RecordRejected(_NO_DATE[fmt])
    return parse_date(written, year=year, today=today)


def draft_from_record(value: object, *, year: int | None = None, source: str | None = None,
                      date: datetime.date | None = None, today: datetime.date) -> ArticleDraft:
    """Return the ArticleDraft of one raw record, or raise RecordRejected with the reason.

    date is the file's date (--date or a manifest's), for records that carry none.
    """
    if not isinstance(value, dict):
        raise RecordRejected(f"record is not an object (got {_type_name(value)})")
    fmt = value.get("format") if value.get("format") in STORY_FORMATS and "raw" in value else ""
    is_story = bool(fmt)

    title = _line(_field(value, "title"), "title")
    if not title:
        raise RecordRejected("missing or empty title")
    source_name = (_line(_field(value, "source"), "source") or _line(source, "source")
                   or (_line(value.get("site"), "source") if is_story else ""))
    if not source_name:
        raise RecordRejected("missing source; pass --source")
    # A page story carries the year its page implies.
    story_year = value.get("year") if is_story else None
    published = _published(value, fmt=fmt, year=story_year or year, date=date, today=today)
    content = _text(_field(value, "content"), "content")
    if len(content) > MAX_CONTENT_CHARS:
        raise RecordRejected(f"content is {len(content):,} characters; the limit is {MAX_CONTENT_CHARS:,}")

    text = content if fmt in _PLAIN_FORMATS else html_to_text(content)
    paragraphs = split_paragraphs(strip_control_chars(text))
    outlet = (value.get("outlet") if is_story else "") or reprint_outlet(paragraphs)
    paragraphs = _drop_title_lines(title, drop_repeated_paragraphs(strip_share_boilerplate(paragraphs)))
    doc_number = own_doc_number(title, paragraphs)
    # A roundup brief's heading names its region; otherwise the source's home region counts.
    given = [region for region in value.get("regions") or () if region in REGIONS] if is_story else []
    home = source_region(source_name)
    mentioned = regions_mentioned("\n".join([title, *paragraphs]))
    raw_id = _field(value, "id")
    url = canonical_wechat_url(_line(_field(value, "url"), "url"))
    return ArticleDraft(
        title=title,
        paragraphs=paragraphs,
        published=published,
        source_name=source_name,
        source_biz=wechat_biz(url),
        url=url,
        external_id=str(raw_id) if type(raw_id) is int else _line(raw_id, "id"),  # ids may be numbers
        original_outlet=outlet,
        kind=doc_kind(title, paragraphs),
        doc_number=doc_number,
        cited_numbers=cited_doc_numbers(paragraphs, own=doc_number),
        regions=[region for region in REGIONS
                 if region in given or (not given and region == home) or region in mentioned],
        is_empty=is_boilerplate_only(paragraphs),
        content_hash=content_hash(title, paragraphs),
        raw=value["raw"] if is_story else value,
        issuing_bodies=issuing_bodies(title, paragraphs, doc_number=doc_number),
        deadline=application_deadline(paragraphs, published=published),
    )
