"""Position files for segments that ordinary writes made: saves, batch imports, merges.

A full build writes each segment's position file from its own position lists
(segment_build). A segment written by Whoosh's own writers gets one here,
after the commit, by decoding the positions Whoosh stored; until then, and
if writing it fails, the segment's positions are read the Whoosh way.
"""
from __future__ import annotations

import logging
from typing import Any

from whoosh.reading import SegmentReader

from search.backends.whoosh.internals import index_segments, raw_postings
from search.backends.whoosh.position_file import PositionFileWriter, is_current, path_for, positional_fields, term_key

log = logging.getLogger(__name__)


def write_segment_file(storage: Any, schema: Any, segment: Any, path: str) -> None:
    """Write one segment's position file from the positions its postings hold."""
    reader = SegmentReader(storage, schema, segment)
    writer = PositionFileWriter(path)
    try:
        for field in positional_fields(schema):
            decode = schema[field].format.decode_positions
            for btext in reader.lexicon(field):
                ids, weights, values = raw_postings(reader.postings(field, btext), with_values=True)
                writer.add(term_key(field, btext), ids.tolist(), weights, [decode(v) for v in values])
        writer.close()
    except BaseException:
        writer.discard()
        raise
    finally:
        reader.close()


def write_missing(ix: Any, folder: str) -> int:
    """Write the position file of every segment of ix in folder that lacks one (or holds one of an
    older layout, which readers refuse); return how many.

    Never raises for a file it could not write: the segment stays readable without it.
    """
    written = 0
    for segment in index_segments(ix):
        path = path_for(folder, segment.segment_id())
        if is_current(path):
            continue
        try:
            write_segment_file(ix.storage, ix.schema, segment, path)
            written += 1
        except (OSError, ValueError) as exc:
            log.warning("no position file for segment %s: %s", segment.segment_id(), exc)
    return written
