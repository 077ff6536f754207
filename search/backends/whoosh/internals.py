"""Every private Whoosh name the archive relies on, reached from this module only.

The engine reads Whoosh's files faster than its public API allows (whole
posting blocks, whole column blocks) and the segment builder writes them
faster (a term's postings in one call, segments made in worker processes and
committed by the parent). Each of those needs an underscore name of Whoosh
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
| W3PostingsWriter `_blocklimit` `_ids` `_weights` `_values` `_maxweight` `_minlength` `_maxlength` `_write_block` | a term's postings in one call | add_posting() each |
| W3Codec `_blocklimit` `_compression` `_inlinelimit`  | the build codec's settings  | (none)                |
| SegmentWriter `_flush_segment`, FieldWriter `_postwriter` | write terms from the grouped pool | the stock flush over iter_postings() |
| SegmentWriter `_lk` `_added` `_finalize_segment` `_close_segment` `_commit_toc` `_finish` | segments written in workers, committed by the parent | (none: the build needs them) |

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
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
from whoosh import system as whoosh_system
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3LeafMatcher, W3PostingsWriter
from whoosh.index import TOC
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import EmptyReader, IndexReader, MultiReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

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


# -- segment writing ---------------------------------------------------------


class BulkPostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer, taking a whole term's postings in one call.

    add_postings() leaves the buffers exactly as add_posting() called once
    per posting would (the same blocks, statistics and bytes), without
    Python calls and type checks per posting.
    """

    def add_postings(self, ids: Sequence[int], weights: Sequence[float], values: Sequence[bytes],
                     lengths: Sequence[int]) -> None:
        if not all(hasattr(self, n) for n in ("_blocklimit", "_ids", "_write_block", "_maxlength")):
            for k, docnum in enumerate(ids):  # the public way, a call per posting
                self.add_posting(docnum, weights[k], values[k], lengths[k] if lengths else None)
            return
        limit, start, count = self._blocklimit, 0, len(ids)
        while start < count:
            if len(self._ids) >= limit:
                self._write_block()
            end = min(count, start + limit - len(self._ids))
            self._add_block(ids[start:end], weights[start:end], values[start:end],
                            lengths[start:end] if lengths else ())
            start = end

    def _add_block(self, ids: Sequence[int], weights: Sequence[float], values: Sequence[bytes],
                   lengths: Sequence[int]) -> None:
        self._ids.extend(ids)
        self._weights.extend(weights)
        self._maxweight = max(self._maxweight, max(weights))
        self._values.extend(v for v in values if v)
        block_lengths = [n for n in lengths if n]
        if block_lengths:
            shortest = min(block_lengths)
            if self._minlength is None or shortest < self._minlength:
                self._minlength = shortest
            self._maxlength = max(self._maxlength, max(block_lengths))


class BuildCodec(W3Codec):
    """W3Codec whose postings writers take whole terms (BulkPostingsWriter).

    Its segments name the plain W3Codec, so the index needs nothing from this module to be read.
    """

    def new_segment(self, storage: Any, indexname: str) -> Any:
        plain = W3Codec(blocklimit=self._blocklimit, compression=self._compression,
                        inlinelimit=self._inlinelimit)
        return plain.new_segment(storage, indexname)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> BulkPostingsWriter:
        return BulkPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                  compression=self._compression, inlinelimit=self._inlinelimit)


def length_column(reader: Any, doccount: int, fieldname: str) -> list[int]:
    """Return every document's length in fieldname, read once from a per-document reader."""
    length = reader.doc_field_length
    return [length(d, fieldname) for d in range(doccount)]


class GroupedSegmentWriter(SegmentWriter):
    """A SegmentWriter that writes its pool a term at a time: the pool has grouped().

    grouped() yields (fieldname, btext, postings) in field, then term order,
    each posting a (fieldname, btext, docnum, weight, value) tuple. Where
    SegmentWriter has no _flush_segment, the stock flush reads the pool's
    iter_postings() instead.
    """

    def _flush_segment(self) -> None:
        # As SegmentWriter's, but the field writer gets each term's postings in one call
        # (FieldWriter.add_postings makes several Python calls per posting).
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        writer, current, column = self.fieldwriter, None, None
        for fieldname, btext, postings in self.pool.grouped():
            if fieldname != current:
                if current is not None:
                    writer.finish_field()
                writer.start_field(fieldname, self.schema[fieldname])
                current = fieldname
                # Whoosh stores lengths only for scorable fields; the others' postings carry none.
                column = (length_column(reader, self.docnum, fieldname)
                          if reader and self.schema[fieldname].scorable else None)
            _, _, ids, weights, values = zip(*postings)
            writer.start_term(btext)
            writer._postwriter.add_postings(ids, weights, values,
                                            list(map(column.__getitem__, ids)) if column else ())
            writer.finish_term()
        if current is not None:
            writer.finish_field()
        writer.close()
        if reader:
            reader.close()


def worker_writer(ix: Any, writer_class: Callable[..., SegmentWriter]) -> SegmentWriter:
    """Return a writer for a build worker: no lock of its own (the parent holds the index's)."""
    return writer_class(ix, _lk=False)


def writer_has_documents(writer: SegmentWriter) -> bool:
    return bool(writer._added)


def finish_worker_segment(writer: SegmentWriter) -> Any | None:
    """Write the writer's documents as a segment and return it (None when it has none)."""
    if writer_has_documents(writer):
        return writer._finalize_segment()
    writer._close_segment()
    return None


def commit_segments(parent: SegmentWriter, segments: list[Any]) -> None:
    """Commit segments written by the workers as the whole index, then release parent's lock."""
    parent._close_segment()
    parent._commit_toc(segments)
    parent._finish()
