"""Read an import file into raw records: JSON, JSON Lines, plain-text pages, HTML, Markdown, CSV, Excel."""
import codecs
import datetime
import json
import os
import stat
from pathlib import Path
from typing import Any

from archive.ingest.archive_export import is_export_record
from archive.ingest.errors import FileRejected
from archive.ingest.html_pages import decode_html, looks_like_html, read_html
from archive.ingest.markdown_pages import read_markdown
from archive.ingest.pages import RawRecord, split_page
from archive.ingest.tables import read_csv, read_xlsx

__all__ = ["RawRecord", "decode_bytes", "read_bytes", "read_records"]

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 100  # nesting of a JSON record; deeper ones are not articles and would exhaust recursion
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
MARKDOWN_SUFFIXES = (".md", ".markdown")
CSV_SUFFIXES = (".csv", ".tsv")
_ZIP_MAGIC = b"PK\x03\x04"
_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_MIN_TEXT_SHARE = 0.9


def _decode(data: bytes, encoding: str) -> str | None:
    """Return data decoded strictly, or None when it fails or holds NULs (not text)."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def _looks_like_text(text: str) -> bool:
    """Return True when most characters are printable ASCII, CJK or CJK punctuation."""
    plausible = sum(
        (ch.isascii() and (ch.isprintable() or ch.isspace()))
        or "\u2000" <= ch <= "\u206f"  # general punctuation
        or "\u3000" <= ch <= "\u303f"  # CJK punctuation
        or "\u4e00" <= ch <= "\u9fff"  # CJK ideographs
        or "\uff00" <= ch <= "\uffef"  # full-width forms
        for ch in text
    )
    return plausible >= _MIN_TEXT_SHARE * len(text)


def _decode_any(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data, encoding)
    if (text := _decode(data, "utf-8")) is not None:
        return text
    # Without a BOM, guess the byte order from where ASCII characters put their zero byte.
    little_first = data[1::2].count(0) >= data[0::2].count(0)
    for encoding in ("utf-16-le", "utf-16-be") if little_first else ("utf-16-be", "utf-16-le"):
        if (text := _decode(data, encoding)) is not None and _looks_like_text(text):
            return text
    return _decode(data, "gb18030")


def decode_bytes(data: bytes) -> str:
    """Return the text of a file in UTF-8 (with or without BOM), UTF-16 or GB18030."""
    text = _decode_any(data) if data else ""
    if text is None:
        raise FileRejected("cannot decode: not UTF-8, UTF-8 with BOM, UTF-16 or GB18030")
    if not text.strip():
        raise FileRejected("file is empty")
    return text


def _depth(value: object) -> int:
    """Return how deeply lists and objects nest in value (0 for a scalar), without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _checked(number: int, value: object) -> RawRecord:
    if _depth(value) > MAX_DEPTH:
        return RawRecord(number, None, error=f"record nested more than {MAX_DEPTH} levels deep")
    return RawRecord(number, value)


def _json_lines(text: str) -> list[RawRecord] | None:
    """Return one RawRecord per non-blank line, or None when the first line is not JSON.

    A later line that is not JSON becomes a record with an error: the other
    lines of a JSON Lines file are still good records.
    """
    records: list[RawRecord] = []
    # Split on "\n" only: JSON strings may hold U+2028, which splitlines() breaks on.
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            try:
                records.append(_checked(number, json.loads(line)))
            except json.JSONDecodeError as error:
                if not records:
                    return None
                records.append(RawRecord(number, None, error=(
                    f"invalid JSON at column {error.colno}: {error.msg}")))
            except RecursionError:
                records.append(RawRecord(number, None, error=f"record nested more than {MAX_DEPTH} levels deep"))
    return records


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Return the bytes of a regular file; FileRejected for anything else, never blocking on a FIFO."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then tells what it is.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise FileRejected((error.strerror or str(error)).lower()) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileRejected("is a directory")
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
            raise FileRejected(f"is {kind}, not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise FileRejected(f"file is {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise FileRejected((error.strerror or str(error)).lower()) from None
    finally:
        os.close(fd)


def _json(text: str) -> tuple[str, list[RawRecord]]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        if (records := _json_lines(text)) is not None:
            return _export_or("jsonl", records)
        raise FileRejected(
            f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise FileRejected(f"JSON nested more than {MAX_DEPTH} levels deep") from None
    items = value if isinstance(value, list) else [value]
    return _export_or("json", [_checked(number, item) for number, item in enumerate(items, 1)])


def _export_or(fmt: str, records: list[RawRecord]) -> tuple[str, list[RawRecord]]:
    """Return ("archive", records) for a file written by export_archive, else (fmt, records)."""
    return ("archive", records) if records and is_export_record(records[0].value) else (fmt, records)


def _one(story: dict[str, Any], *, date: datetime.date | None) -> list[RawRecord]:
    """Return the one record of a single-article file; date, when given, is its date."""
    if date is not None:
        story["date"] = date.isoformat()
    return [RawRecord(1, story)]


def read_records(path: str | os.PathLike[str], *, year: int | None = None, source: str | None = None,
                 date: datetime.date | None = None) -> tuple[str, list[RawRecord]]:
    """Return the format and raw records of the file at path.

    The format is "json", "jsonl", "text", "html", "markdown", "csv" or "xlsx",
    chosen by the file's name and, for names that do not say, by its content.
    """
    path = Path(path)
    data = read_bytes(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx" or (data.startswith(_ZIP_MAGIC) and suffix not in (".json", ".txt")):
        return "xlsx", read_xlsx(data)
    if suffix in HTML_SUFFIXES:
        text = decode_html(data) or decode_bytes(data)
        return "html", _one(read_html(text), date=date)
    text = decode_bytes(data)
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown", _one(read_markdown(text), date=date)
    if suffix in CSV_SUFFIXES:
        return "csv", read_csv(text)
    if looks_like_html(text):
        return "html", _one(read_html(text), date=date)
    if not text.lstrip().startswith(("[", "{")):
        return "text", split_page(text, year=year, source=source, date=date)
    return _json(text)
