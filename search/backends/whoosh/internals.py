"""Every private Whoosh name the archive relies on, reached from this module only.

The engine reads Whoosh's files faster than its public API allows (whole
posting blocks, whole column blocks) and the segment builder writes them
faster (writing_internals). Each of those needs an underscore name of Whoosh
2.7's classes; they are all here, each with a fallback to the public API
where one exists, and tests/test_whoosh_internals.py pins what they must do
on Whoosh 2.7.4 and on whoosh-reloaded 2.7.5.

| private name                                         | used for                    | without it            |
| ---------------------------------------------------- | --------------------------- | --------------------- |
| matcher `_read_data` `_next_block` `_data` `_byteids` `_fixedsize` | postings a block at a time | id()/weight()/next() |
| W3LeafMatcher `_maxid` `_skip_to_block` `_read_ids` `_ids` `_i` | seek sorted documents by bisection | skip_to() |
| column reader `_fixedlen` `_count` `_typecode` `_dbfile` `_basepos` `_default` | a column in one read | iterate the column |
| segment reader `_perdoc._cached_reader`              | field lengths in one read   | doc_field_length()    |
| `whoosh.system._INT_SIZE`                            | decode a Positions value    | struct.calcsize("!I") |

Readers are refreshed here too (`refreshed_searcher`), with public classes
only: `Searcher.refresh()` reuses segment readers by segment id in
whoosh-reloaded, so a segment that gained deletions kept its old reader
(its deleted documents stayed searchable) and segments merged away stayed
in the new reader. No `whoosh.compat`: it is gone on the fork's main line.
"""
from __future__ import annotations

import pickle
import struct
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from whoosh import system as whoosh_system
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.index import TOC
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import EmptyReader, IndexReader, MultiReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

# -- readers -----------------------------------------------------------------


def index_segments(ix: Any) -> list[Any]:
    """Return the segments of the index's latest table of contents."""
    return list(TOC.read(ix.storage, ix.indexname).segments)


def _unchanged(old: Any, segment: Any) -> bool:
    """A leaf reader still reads segment: the same id and the same deletions (they only grow)."""
    held = getattr(old, "segment", lambda: None)()
    return (held is not None and held.segment_id() == segment.segment_id()
            and held.deleted_count() == segment.deleted_count())


def open_reader(ix: Any, previous: IndexReader | None = None) -> IndexReader:
    """Return a reader of the index's latest generation.

    Leaf readers of previous whose segment is unchanged (same id, same
    deleted documents) are kept, so what the engine cached for them stays;
    previous's other leaves are closed. An index without segments gives an
    EmptyReader.
    """
    toc = TOC.read(ix.storage, ix.indexname, schema=ix.schema)
    old = [leaf for leaf, _ in previous.leaf_readers()] if previous is not None else []
    readers, kept = [], set()
    for segment in toc.segments:
        match = next((r for r in old if id(r) not in kept and _unchanged(r, segment)), None)
        if match is not None:
            kept.add(id(match))
            readers.append(match)
        else:
            readers.append(SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation))
    for leaf in old:  # an EmptyReader has no segment and nothing to close
        if id(leaf) not in kept and isinstance(leaf, SegmentReader) and not leaf.is_closed:
            leaf.close()
    if not readers:
        return EmptyReader(toc.schema)
    if len(readers) == 1 and not kept:
        return readers[0]
    return MultiReader(readers, generation=toc.generation)


def refreshed_searcher(ix: Any, searcher: Searcher | None) -> Searcher:
    """Return searcher while it shows the latest generation, else a searcher of the latest one.

    Used instead of Searcher.refresh(), whose reader reuse differs between
    Whoosh 2.7.4 (it reuses nothing) and whoosh-reloaded 2.7.5 (it reuses by
    segment id, deletions or not, and keeps segments no longer in the index).
    """
    if searcher is not None and searcher.up_to_date():
        return searcher
    previous = searcher.reader() if searcher is not None else None
    return Searcher(open_reader(ix, previous), fromindex=ix)


# -- postings ----------------------------------------------------------------


def _block_reader(matcher: Any, with_values: bool) -> bool:
    """True when matcher is a Whoosh 3 codec leaf matcher whose blocks can be read whole."""
    if not (hasattr(matcher, "_read_data") and hasattr(matcher, "_next_block")):
        return False
    # fixed-size values are not kept as a list in the block
    return not (with_values and getattr(matcher, "_fixedsize", None) is not None)


def _block_weights(weights: Any, count: int) -> np.ndarray:
    if weights is None:
        return np.ones(count, dtype=np.float32)
    if isinstance(weights, float):
        return np.full(count, weights, dtype=np.float32)
    return np.asarray(weights, dtype=np.float32)


def _read_blocks(matcher: Any, with_values: bool, values: list) -> tuple[list, list]:
    id_blocks, weight_blocks = [], []
    while matcher.is_active():
        matcher._read_data()
        data = matcher._data  # (delta-coded or byte ids, weights, values)
        ids = np.asarray(data[0], dtype=np.int64)
        if not matcher._byteids:
            ids = np.cumsum(ids)
        id_blocks.append(ids.astype(np.int32))
        weight_blocks.append(_block_weights(data[1], len(ids)))
        if with_values:
            values.extend(data[2] if data[2] is not None else [b""] * len(ids))
        matcher._next_block()
    return id_blocks, weight_blocks


def _read_one_by_one(matcher: Any, with_values: bool, values: list) -> tuple[list, list]:
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if with_values:
            values.append(matcher.value())
        matcher.next()
    return [np.asarray(ids, np.int32)], [np.asarray(weights, np.float32)]


def raw_postings(matcher: Any, with_values: bool = False) -> tuple:
    """Return (ids, weights) arrays of a leaf matcher, deleted documents included.

    with_values: return (ids, weights, values) with each posting's value bytes in a list.
    """
    if isinstance(matcher, FilterMatcher):  # the deletion filter: read what it wraps
        matcher = matcher.child
    values: list = []
    read = _read_blocks if _block_reader(matcher, with_values) else _read_one_by_one
    id_blocks, weight_blocks = read(matcher, with_values, values)
    if not id_blocks:
        id_blocks, weight_blocks = [np.zeros(0, np.int32)], [np.zeros(0, np.float32)]
    ids, weights = np.concatenate(id_blocks), np.concatenate(weight_blocks)
    return (ids, weights, values) if with_values else (ids, weights)


def seek_postings(matcher: Any, docs: Sequence[int]) -> Iterator[Any]:
    """Yield matcher positioned on each of the sorted docs that it holds, in order.

    Whole blocks are skipped by their largest id, and a document is found inside
    a block by bisection over the block's decoded ids. Whoosh's skip_to() walks a
    block posting by posting, one Python call each: that was most of the
    proximity re-rank's time at 100,000 articles (docs/BENCHMARKS.md).
    Deleted documents are not filtered: the docs asked for are live ones.
    """
    if isinstance(matcher, FilterMatcher):  # the deletion filter: read what it wraps
        matcher = matcher.child
    by_block = isinstance(matcher, W3LeafMatcher)
    for doc in docs:
        if not matcher.is_active():
            return
        if by_block:
            if doc > matcher._maxid:
                matcher._skip_to_block(lambda target=doc: target > matcher._maxid)
                if not matcher.is_active():
                    return
            if matcher._ids is None:
                matcher._read_ids()
            # doc <= the block's largest id, so the bisection stays inside the block
            matcher._i = bisect_left(matcher._ids, doc, matcher._i)
        elif matcher.id() < doc:
            matcher.skip_to(doc)
            if not matcher.is_active():
                return
        if matcher.id() == doc:
            yield matcher


# -- columns -----------------------------------------------------------------

# Whoosh stores a field's length per document as one byte (a log scale) in a column.
BYTE_TO_LENGTH = np.array([byte_to_length(b) if b else 0 for b in range(256)], dtype=np.float32)


def numeric_column(column: Any, doccount: int) -> np.ndarray | None:
    """Return a Whoosh NumericColumn reader's values in one read, or None if it is another kind.

    Reading value by value costs a Python call per document (a third of a
    second per field at 100,000 documents); the column is one fixed-width block.
    """
    try:
        width, count, code = column._fixedlen, column._count, column._typecode
        data = column._dbfile.get(column._basepos, width * count)
        default = column._default
    except AttributeError:
        return None
    values = np.frombuffer(data, dtype=np.dtype(">" + code)) if count else np.zeros(0, np.dtype(code))
    if count < doccount:
        values = np.concatenate([values, np.full(doccount - count, default, dtype=values.dtype)])
    return values[:doccount]


def column_values(reader: Any, field: str, doccount: int) -> np.ndarray:
    """Return a numeric column of a segment reader as int64 (0 where a document has none)."""
    if not reader.has_column(field):
        return np.zeros(doccount, dtype=np.int64)
    column = reader.column_reader(field, translate=False)
    whole = numeric_column(column, doccount)
    if whole is not None:
        return whole.astype(np.int64)
    return np.fromiter((v or 0 for v in column), dtype=np.int64, count=doccount)


def stored_lengths(reader: Any, field: str, doccount: int) -> np.ndarray | None:
    """Return the field lengths of a segment reader as floats, read in one block; None if unknown."""
    try:
        column = reader._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
    except AttributeError:
        return None
    if column is None:
        return np.zeros(doccount, dtype=np.float32)
    values = numeric_column(column, doccount)
    return None if values is None else BYTE_TO_LENGTH[values.astype(np.intp)]


def field_lengths(reader: Any, field: str, doccount: int) -> np.ndarray:
    """Return every document's length in field (as Whoosh stores it: one byte, log scale)."""
    lengths = stored_lengths(reader, field, doccount)
    if lengths is None:
        lengths = np.fromiter((reader.doc_field_length(d, field, 0) or 0 for d in range(doccount)),
                              dtype=np.float32, count=doccount)
    return lengths


# -- positions ---------------------------------------------------------------

# A Positions value: the count of positions (an unsigned int), then the pickled deltas.
POSITIONS_HEADER = getattr(whoosh_system, "_INT_SIZE", struct.calcsize("!I"))


def position_deltas(valuestring: bytes) -> list[int]:
    """Return the position deltas of a Positions posting value, as Positions.decode_positions reads them."""
    if not valuestring.endswith(b"."):
        valuestring += b"."
    return pickle.loads(valuestring[POSITIONS_HEADER:])
