"""The private Whoosh names the segment builder writes with, reached from this module only.

The builder writes a term's postings in one call and makes segments in
worker processes that the parent commits; internals.py holds the names the
readers need. tests/test_whoosh_internals.py pins both on Whoosh 2.7.4 and on
whoosh-reloaded 2.7.5.

| private name                                         | used for                    | without it            |
| ---------------------------------------------------- | --------------------------- | --------------------- |
| W3PostingsWriter `_blocklimit` `_ids` `_weights` `_values` `_maxweight` `_minlength` `_maxlength` `_write_block` | a term's postings in one call | add_posting() each |
| W3Codec `_blocklimit` `_compression` `_inlinelimit`  | the build codec's settings  | (none)                |
| SegmentWriter `_flush_segment`, FieldWriter `_postwriter` | write terms from the grouped pool | the stock flush over iter_postings() |
| SegmentWriter `_lk` `_added` `_finalize_segment` `_close_segment` `_commit_toc` `_finish` | segments written in workers, committed by the parent | (none: the build needs them) |
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.writing import SegmentWriter

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
            _, _, ids, weights, listed = zip(*postings)
            values = self._term_values(fieldname, btext, ids, weights, listed)
            writer.start_term(btext)
            writer._postwriter.add_postings(ids, weights, values,
                                            list(map(column.__getitem__, ids)) if column else ())
            writer.finish_term()
        if current is not None:
            writer.finish_field()
        writer.close()
        if reader:
            reader.close()

    def _term_values(self, fieldname: str, btext: bytes, ids: Sequence[int], weights: Sequence[float],
                     values: Sequence[Any]) -> Sequence[Any]:
        """Return the posting values to write for a term (a subclass may keep or re-encode them)."""
        return values

    # Hooks for what a subclass writes beside the segment, and the schema its TOC keeps.
    def segment_written(self) -> None:
        """Called once the segment's own files are complete (compound or not)."""

    def segment_abandoned(self) -> None:
        """Called when the segment is not written: an error, or no documents."""

    def toc_schema(self) -> Any:
        return self.schema

    def _finalize_segment(self) -> Any:
        try:
            segment = super()._finalize_segment()
        except BaseException:
            self.segment_abandoned()
            raise
        self.segment_written()
        return segment

    def _close_segment(self) -> None:
        if not self._added:
            self.segment_abandoned()
        super()._close_segment()

    def _commit_toc(self, segments: list) -> None:
        self.schema = self.toc_schema()
        super()._commit_toc(segments)


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
