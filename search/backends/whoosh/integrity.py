"""Find what cannot be read in a Whoosh index: its TOC, and each segment's files.

Reads everything a search or a compare touches: the TOC, each segment's
stored fields, every term's postings and the length columns. A damaged
index is named here instead of failing later inside a search.
"""
from __future__ import annotations

import struct
import zlib
from typing import Any

from whoosh.index import TOC
from whoosh.reading import SegmentReader

READ_ERRORS = (Exception,)  # a damaged file fails in many ways; check_index reports them all
# What reading a damaged or missing index raises inside a search: answered as "unavailable".
UNREADABLE = (OSError, EOFError, struct.error, zlib.error, ValueError, TypeError, KeyError, IndexError)


def problems(storage: Any, schema: Any) -> list[str]:
    """Return a description of each unreadable part of the index in storage (empty when sound)."""
    try:
        toc = TOC.read(storage, "MAIN", schema=schema)
    except READ_ERRORS as exc:
        return [f"table of contents unreadable ({describe(exc)})"]
    found = []
    for segment in toc.segments:
        try:
            check_segment(storage, schema, segment)
        except READ_ERRORS as exc:
            found.append(f"segment {segment.segment_id()} ({segment.doc_count_all()} documents) "
                         f"unreadable ({describe(exc)})")
    return found


def check_segment(storage: Any, schema: Any, segment: Any) -> None:
    """Read every part of one segment; raise what reading it raises."""
    reader = SegmentReader(storage, schema, segment)
    try:
        for docnum in range(reader.doc_count_all()):
            reader.stored_fields(docnum)
        for fieldname in reader.indexed_field_names():
            for term in reader.lexicon(fieldname):
                reader.postings(fieldname, term).all_ids()
            if schema[fieldname].scorable:
                reader.doc_field_length(max(reader.doc_count_all() - 1, 0), fieldname)
    finally:
        reader.close()


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
