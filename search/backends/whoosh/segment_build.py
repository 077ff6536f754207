"""Full index builds: worker processes write whole segments; the parent commits them.

Whoosh's own multi-process writer sends every posting through an external
sort (a tuple per posting, sorted in runs, pickled to disk and merged back),
which costs about as much CPU as jieba itself. A fresh build needs none of
that: documents arrive in order, so each worker keeps its postings in memory
grouped by term, sorts only the distinct terms, and hands them to Whoosh's
codec in order. Each worker closes a segment every `segment_docs` documents
to bound its memory. The parent prepares documents (one database
connection), feeds the workers through a bounded queue, and writes the table
of contents that makes the segments an index.
"""
import gc
import os
import multiprocessing
import queue
import traceback

from search.backends.whoosh.worker_guard import die_with_parent
from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.writing import SegmentWriter

BATCH = 250  # documents per job sent to a worker
# zlib level 1 for posting blocks: the same index size as Whoosh's default
# level 3 within 4%, and less time in compress().
COMPRESSION = 1
POLL_SECONDS = 1.0


class BuildError(RuntimeError):
    """A build worker failed; the message carries its traceback."""


class TermGroupedPostings:
    """A posting pool for one new segment: postings grouped by (field, term) in memory.

    Stands in for whoosh.writing.PostingPool (add, cleanup); BuildSegmentWriter reads it
    with grouped(). Documents are added in docnum order, so each term's postings are already sorted.
    """

    def __init__(self):
        self.terms = {}

    def add(self, item):
        # item is (fieldname, btext, docnum, weight, value); kept whole, no new tuple per posting
        postings = self.terms.get(item[:2])
        if postings is None:
            self.terms[item[:2]] = [item]
        else:
            postings.append(item)

    def grouped(self):
        """Yield (fieldname, btext, postings) in field, then term order, emptying the pool."""
        terms = self.terms
        for key in sorted(terms):
            yield key[0], key[1], terms.pop(key)

    def cleanup(self):
        self.terms = {}


class BulkPostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer, taking a whole term's postings in one call.

    add_postings() leaves the buffers exactly as add_posting() called once
    per posting would (the same blocks, statistics and bytes), without
    Python calls and type checks per posting.
    """

    def add_postings(self, ids, weights, values, lengths):
        limit, start, count = self._blocklimit, 0, len(ids)
        while start < count:
            if len(self._ids) >= limit:
                self._write_block()
            end = min(count, start + limit - len(self._ids))
            block_weights = weights[start:end]
            self._ids.extend(ids[start:end])
            self._weights.extend(block_weights)
            self._maxweight = max(self._maxweight, max(block_weights))
            self._values.extend(v for v in values[start:end] if v)
            block_lengths = [n for n in lengths[start:end] if n] if lengths else None
            if block_lengths:
                shortest = min(block_lengths)
                if self._minlength is None or shortest < self._minlength:
                    self._minlength = shortest
                self._maxlength = max(self._maxlength, max(block_lengths))
            start = end


class BuildCodec(W3Codec):
    """W3Codec whose postings writers take whole terms (BulkPostingsWriter).

    Its segments name the plain W3Codec, so the index needs nothing from this module to be read.
    """

    def new_segment(self, storage, indexname):
        plain = W3Codec(blocklimit=self._blocklimit, compression=self._compression,
                        inlinelimit=self._inlinelimit)
        return plain.new_segment(storage, indexname)

    def postings_writer(self, dbfile, byteids=False):
        return BulkPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                  compression=self._compression, inlinelimit=self._inlinelimit)


class BuildSegmentWriter(SegmentWriter):
    """A SegmentWriter whose postings stay in memory, grouped by term, and are written a term at a time."""

    def __init__(self, ix, **kwargs):
        kwargs.setdefault("codec", BuildCodec(compression=COMPRESSION))
        super().__init__(ix, **kwargs)
        self.pool = TermGroupedPostings()

    def _flush_segment(self):
        # As SegmentWriter's, but the field writer gets each term's postings in one call
        # (FieldWriter.add_postings makes several Python calls per posting).
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        writer, schema, current = self.fieldwriter, self.schema, None
        for fieldname, btext, postings in self.pool.grouped():
            if fieldname != current:
                if current is not None:
                    writer.finish_field()
                writer.start_field(fieldname, schema[fieldname])
                current = fieldname
                # Whoosh stores lengths only for scorable fields; the others' postings carry none.
                column = (length_column(reader, self.docnum, fieldname)
                          if reader and schema[fieldname].scorable else None)
            # Columns of this term's (fieldname, btext, docnum, weight, value) postings.
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


def length_column(reader, doccount, fieldname):
    """Return every document's length in fieldname, read once from a per-document reader."""
    length = reader.doc_field_length
    return [length(d, fieldname) for d in range(doccount)]


def _worker(storage, indexname, jobs, results, segment_docs, parent_pid):
    """Index the batches from jobs into segments of up to segment_docs documents."""
    die_with_parent(parent_pid)
    # Millions of posting tuples and no reference cycles: the cyclic collector
    # would only rescan them (5% or more of a worker's time), so it is off in
    # this short-lived process.
    gc.disable()
    try:
        ix = storage.open_index(indexname)
        segments = []
        writer = BuildSegmentWriter(ix, _lk=False)
        while True:
            batch = jobs.get()
            if batch is None:
                break
            for doc in batch:
                writer.add_document(**doc)
            if writer.doc_count() >= segment_docs:
                segments.append(writer._finalize_segment())
                writer = BuildSegmentWriter(ix, _lk=False)
        if writer._added:
            segments.append(writer._finalize_segment())
        else:
            writer._close_segment()
        results.put(("ok", segments))
    except BaseException:
        results.put(("error", traceback.format_exc()))


def _check_alive(workers):
    for w in workers:
        if w.exitcode not in (None, 0):
            raise BuildError(f"index build worker {w.pid} exited with code {w.exitcode}")


def build_segments(ix, documents, *, procs=2, segment_docs=12_500, on_batch=None):
    """Write documents (field dicts) into the empty index ix with procs workers; return the count.

    The index is locked for the whole build and committed once at the end; on
    any failure nothing is committed and the error is raised.
    """
    context = multiprocessing.get_context("fork")  # workers inherit loaded jieba dictionaries
    jobs = context.Queue(procs * 4)
    results = context.Queue()
    parent = ix.writer()  # holds the lock; commits the workers' segments
    workers = [context.Process(target=_worker, daemon=True,
                               args=(ix.storage, ix.indexname, jobs, results, segment_docs, os.getpid()))
               for _ in range(max(procs, 1))]
    for w in workers:
        w.start()

    def put(item):
        while True:
            try:
                jobs.put(item, timeout=POLL_SECONDS)
                return
            except queue.Full:
                _check_alive(workers)
                _collect_errors(results, workers)

    segments = []
    size = min(BATCH, segment_docs)
    try:
        count, batch = 0, []
        for doc in documents:
            batch.append(doc)
            count += 1
            if len(batch) == size:
                put(batch)
                batch = []
                if on_batch and count % 1000 < size:
                    on_batch(count)
        if batch:
            put(batch)
        for _ in workers:
            put(None)
        pending = len(workers)
        while pending:
            try:
                status, payload = results.get(timeout=POLL_SECONDS)
            except queue.Empty:
                _check_alive(workers)
                continue
            if status != "ok":
                raise BuildError(f"index build worker failed:\n{payload}")
            segments.extend(payload)
            pending -= 1
        for w in workers:
            w.join()
    except BaseException:
        for w in workers:
            if w.is_alive():
                w.terminate()
        parent.cancel()
        raise
    parent._close_segment()
    parent._commit_toc(segments)
    parent._finish()
    return count


def _collect_errors(results, workers):
    """Raise a worker's error early while the parent is blocked feeding jobs."""
    try:
        status, payload = results.get_nowait()
    except queue.Empty:
        return
    if status != "ok":
        raise BuildError(f"index build worker failed:\n{payload}")
    results.put((status, payload))  # a finished worker's segments: keep them for the end
