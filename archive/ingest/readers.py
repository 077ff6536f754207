"""Read an import file into raw records: JSON, JSON Lines or plain-text pages."""
import codecs
import json
from pathlib import Path

from archive.ingest.archive_export import is_export_record
from archive.ingest.errors import FileRejected
from archive.ingest.pages import RawRecord, split_page

__all__ = ["RawRecord", "decode_bytes", "read_records"]

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_MIN_TEXT_SHARE = 0.9


def _decode(data, encoding):
    """Return data decoded strictly, or None when it fails or holds NULs (not text)."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def _looks_like_text(text):
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


def _decode_any(data):
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


def decode_bytes(data):
    """Return the text of a file in UTF-8 (with or without BOM), UTF-16 or GB18030."""
    text = _decode_any(data) if data else ""
    if text is None:
        raise FileRejected("cannot decode: not UTF-8, UTF-8 with BOM, UTF-16 or GB18030")
    if not text.strip():
        raise FileRejected("file is empty")
    return text


def _json_lines(text):
    """Return one RawRecord per non-blank line, or None when the first line is not JSON.

    A later line that is not JSON becomes a record with an error: the other
    lines of a JSON Lines file are still good records.
    """
    records = []
    # Split on "\n" only: JSON strings may hold U+2028, which splitlines() breaks on.
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            try:
                records.append(RawRecord(number, json.loads(line)))
            except json.JSONDecodeError as error:
                if not records:
                    return None
                records.append(RawRecord(number, None, error=(
                    f"invalid JSON at column {error.colno}: {error.msg}")))
    return records


def read_records(path, *, year=None, source=None):
    """Return the format ("json", "jsonl", "text" or "archive") and raw records of the file at path."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise FileRejected((error.strerror or str(error)).lower()) from None
    text = decode_bytes(data)
    if not text.lstrip().startswith(("[", "{")):
        return "text", split_page(text, year=year, source=source)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        if (records := _json_lines(text)) is not None:
            return _export_or("jsonl", records)
        raise FileRejected(
            f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    items = value if isinstance(value, list) else [value]
    return _export_or("json", [RawRecord(number, item) for number, item in enumerate(items, 1)])


def _export_or(fmt, records):
    """Return ("archive", records) for a file written by export_archive, else (fmt, records)."""
    return ("archive", records) if records and is_export_record(records[0].value) else (fmt, records)
