"""A segment's text positions as flat arrays: one document's positions without decoding a block.

Whoosh keeps a term's positions inside its posting blocks: a block (up to
128 documents) is one zlib-compressed pickle, and each document's positions
another pickle inside it. A phrase or proximity check that needs a few
documents' positions pays for whole blocks, and one Python call per
document. This file, written beside a segment's own files and named after
it (``MAIN_<segment>.apos``, so Whoosh deletes it with the segment), keeps
the same positions as arrays: per term its document ids, where each
document's positions end, and the positions; a term is found by a hash in
a sorted table. Reads are ``os.pread`` of exactly the bytes needed.

It only speeds reads up: Whoosh's postings still hold the positions, a
segment without this file (or with one that does not check out, or of an
older layout) is read the Whoosh way, and a rebuild or the next commit's
backfill writes it anew. Layout, little-endian::

    MAGIC
    per term, two zstd-compressed parts: its postings (document id deltas,
    positions per document, weights, each in byte planes: all low bytes,
    then the next, which packs best), then its position deltas as plain
    unsigned ints (each document's first position whole)
    hashes uint64[T] (sorted), rows ROW[T], term texts (bytes)
    footer: T uint64, directory offset uint64, MAGIC

zstd (level 1) rather than zlib: about the same size, faster to write
and a quarter of zlib's time to read, which was most of a cold phrase check
over common words.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
import zstandard

from search.analysis import ChinesePositions

MAGIC = b"ARCHPOS4"
SUFFIX = ".apos"
ZSTD_LEVEL = 1
FILE_MODE = 0o644
ROW = np.dtype([("offset", "<u8"), ("length", "<u4"), ("positions_length", "<u4"), ("count", "<u4"), ("total", "<u4"),
                ("text_offset", "<u8"), ("text_length", "<u4"), ("count_width", "<u1"), ("position_width", "<u1")])
FOOTER = np.dtype([("terms", "<u8"), ("directory", "<u8"), ("magic", "V8")])


class Damaged(ValueError):
    """A position file (or one of its terms) that does not check out: read the segment the Whoosh way."""


class TermPositions(NamedTuple):
    """A term's documents and positions in one segment: document ids[k] holds the
    keys[bounds[k]:bounds[k + 1]], each doc << 32 | position, so all keys are sorted."""

    ids: np.ndarray
    bounds: np.ndarray
    keys: np.ndarray


EMPTY = TermPositions(np.zeros(0, np.int32), np.zeros(1, np.int64), np.zeros(0, np.int64))


def _decompress(data: bytes, length: int) -> bytes:
    try:
        out = zstandard.decompress(data)
    except zstandard.ZstdError as exc:
        raise Damaged(f"position file: {exc}") from exc
    if len(out) != length:
        raise Damaged("position file: a term's data has the wrong length")
    return out


def _planes(values: Any, dtype: str) -> bytes:
    """values as dtype (little-endian, 4 or 2 bytes), low bytes of all first, then the next (packs best)."""
    kind = np.dtype(dtype)
    return np.asarray(values).astype(kind).view(np.uint8).reshape(-1, kind.itemsize).T.tobytes()


def _unplanes(data: bytes, start: int, dtype: str, count: int) -> np.ndarray:
    """The count values of dtype that _planes wrote at start of data (shifts: a transpose is slower)."""
    kind = np.dtype(dtype)
    planes = np.frombuffer(data, np.uint8, kind.itemsize * count, start).reshape(kind.itemsize, count)
    unsigned = np.dtype(f"<u{kind.itemsize}")
    out = planes[0].astype(unsigned)
    for k in range(1, kind.itemsize):
        out |= planes[k].astype(unsigned) << (8 * k)
    return out.view(kind)


def _uint(width: int) -> str:
    return f"<u{width}"


def _deltas(values: np.ndarray) -> np.ndarray:
    out = values.copy()
    out[1:] -= values[:-1]
    return out


def _width(values: np.ndarray) -> int:
    return 2 if not len(values) or int(values.max()) < 1 << 16 else 4


def term_hash(btext: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(btext, digest_size=8).digest(), "little")


def path_for(folder: str, segment_id: str) -> str:
    return os.path.join(folder, segment_id + SUFFIX)


def positional_fields(schema: Any) -> list[str]:
    """The fields whose terms a position file holds: the Chinese text fields."""
    return [name for name in schema.names() if isinstance(schema[name].format, ChinesePositions)]


def term_key(fieldname: str, btext: bytes) -> bytes:
    """The key of a field's term in a position file (one file holds every positional field)."""
    return fieldname.encode("utf-8") + b"\0" + btext


class PositionFileWriter:
    """Writes one segment's position file a term at a time, in any term order; atomic on close()."""

    def __init__(self, path: str) -> None:
        # Hidden until complete (Whoosh would fold a file named after the segment into a
        # compound segment), and a name of its own: two processes may write the same file.
        folder, name = os.path.split(path)
        handle, self._partial = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".partial")
        os.fchmod(handle, FILE_MODE)  # as Whoosh's own files, not mkstemp's owner-only mode
        self.path = path
        self._file = os.fdopen(handle, "wb")
        self._file.write(MAGIC)
        self._offset = len(MAGIC)
        self._texts: list[bytes] = []
        self._rows: list[tuple] = []
        # one compressor for the file's terms (zstandard.compress would make one per term, and a writer
        # is used by one thread)
        self._compress = zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress

    def add(self, btext: bytes, ids: Sequence[int], weights: Sequence[float],
            positions: Sequence[Sequence[int]]) -> None:
        """Add a term: its documents in increasing order, their weights as Whoosh keeps them,
        and each one's positions, increasing."""
        counts = np.fromiter(map(len, positions), np.int64, len(positions))
        flat = np.fromiter(chain.from_iterable(positions), np.int64, int(counts.sum()))
        deltas = _deltas(flat)
        starts = np.cumsum(counts) - counts
        deltas[starts] = flat[starts]  # each document's first position whole (every count is >= 1)
        id_deltas = _deltas(np.asarray(ids, np.int64))
        count_width, position_width = _width(counts), _width(deltas)
        postings = self._compress(_planes(id_deltas, "<u4") + _planes(counts, _uint(count_width))
                                  + _planes(weights, "<f4"))
        placed = self._compress(deltas.astype(_uint(position_width)).tobytes())
        self._rows.append((self._offset, len(postings), len(placed), len(ids), len(flat), count_width, position_width))
        self._texts.append(btext)
        self._file.write(postings + placed)
        self._offset += len(postings) + len(placed)

    def close(self) -> None:
        hashes = np.fromiter((term_hash(t) for t in self._texts), np.uint64, len(self._texts))
        order = np.argsort(hashes, kind="stable")
        rows = np.zeros(len(order), ROW)
        text_at = self._offset + hashes.nbytes + rows.nbytes
        for k, i in enumerate(order.tolist()):
            offset, length, placed, count, total, count_width, position_width = self._rows[i]
            rows[k] = (offset, length, placed, count, total, text_at, len(self._texts[i]), count_width,
                       position_width)
            text_at += len(self._texts[i])
        footer = np.array([(len(order), self._offset, MAGIC)], FOOTER)
        self._file.write(hashes[order].astype("<u8").tobytes() + rows.tobytes()
                         + b"".join(self._texts[i] for i in order.tolist()) + footer.tobytes())
        self._file.close()
        os.replace(self._partial, self.path)

    def discard(self) -> None:
        if self._file.closed and not os.path.exists(self._partial):
            return
        self._file.close()
        if os.path.exists(self._partial):
            os.unlink(self._partial)


class PositionFile:
    """A segment's position file, opened once: its hash table in memory, term data read on demand."""

    def __init__(self, path: str) -> None:
        self._fd: int | None = os.open(path, os.O_RDONLY)
        try:
            size = os.fstat(self._fd).st_size
            footer = np.frombuffer(self._read(size - FOOTER.itemsize, FOOTER.itemsize), FOOTER)[0]
            terms, directory = int(footer["terms"]), int(footer["directory"])
            table = 8 * terms + ROW.itemsize * terms
            if (self._read(0, len(MAGIC)) != MAGIC or bytes(footer["magic"]) != MAGIC
                    or directory + table > size - FOOTER.itemsize):
                raise Damaged(f"{path}: not a position file of this layout")
            self._hashes = np.frombuffer(self._read(directory, 8 * terms), "<u8")
            self._rows_at = directory + 8 * terms
        except BaseException:
            self.__del__()
            raise

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            os.close(fd)
            self._fd = None

    def _read(self, offset: int, length: int) -> bytes:
        assert self._fd is not None
        data = os.pread(self._fd, length, offset)
        if len(data) != length:
            raise Damaged(f"position file truncated at {offset + len(data)}")
        return data

    def _row(self, btext: bytes) -> Any:
        """The directory row of a term, None when the segment lacks it."""
        h = np.uint64(term_hash(btext))
        at = int(np.searchsorted(self._hashes, h))
        while at < len(self._hashes) and self._hashes[at] == h:
            row = np.frombuffer(self._read(self._rows_at + at * ROW.itemsize, ROW.itemsize), ROW)[0]
            if self._read(int(row["text_offset"]), int(row["text_length"])) == btext:
                return row
            at += 1
        return None

    def postings(self, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """Return (ids int32, weights float32) of a term, as Whoosh's postings hold them; empty if absent."""
        row = self._row(btext)
        if row is None:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        ids, _, weights = self._postings(row)
        return ids, weights

    def term(self, btext: bytes) -> TermPositions:
        """Return a term's documents and positions (EMPTY when the segment lacks the term)."""
        row = self._row(btext)
        if row is None:
            return EMPTY
        ids, counts, _ = self._postings(row)
        total, width = int(row["total"]), int(row["position_width"])
        if int(counts.sum()) != total:
            raise Damaged("position file: a term's positions do not add up")
        placed = _decompress(self._read(int(row["offset"]) + int(row["length"]), int(row["positions_length"])),
                             width * total)
        bounds = np.zeros(len(ids) + 1, np.int64)
        np.cumsum(counts, out=bounds[1:])
        running = np.cumsum(np.frombuffer(placed, _uint(width)), dtype=np.int64)
        # each document's first delta is its first position: take away the running sum before it
        before = np.zeros(len(ids), np.int64)
        before[1:] = running[bounds[1:-1] - 1]
        return TermPositions(ids, bounds, running + np.repeat((ids.astype(np.int64) << 32) - before, counts))

    def _postings(self, row: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        count, width = int(row["count"]), int(row["count_width"])
        data = _decompress(self._read(int(row["offset"]), int(row["length"])), (8 + width) * count)
        ids = np.cumsum(_unplanes(data, 0, "<u4", count), dtype=np.int64).astype(np.int32)
        counts = _unplanes(data, 4 * count, _uint(width), count).astype(np.int64)
        if count and int(counts.min()) < 1:
            raise Damaged("position file: a document without positions")
        weights = _unplanes(data, (4 + width) * count, "<f4", count)
        return ids, counts, weights


def is_current(path: str) -> bool:
    """Whether path is a complete position file of this layout (its magic at both ends; not its terms)."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(MAGIC))
            f.seek(-len(MAGIC), os.SEEK_END)
            return head == MAGIC and f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def open_position_file(folder: str | None, segment_id: str) -> PositionFile | None:
    """Return the segment's position file, or None where it has none or it cannot be read."""
    if folder is None:
        return None
    try:
        return PositionFile(path_for(folder, segment_id))
    except (OSError, ValueError):
        return None


def positions_of(term: TermPositions, docs: np.ndarray) -> list[list[int] | None]:
    """Return each doc's positions of a term (None where the term is not in it); docs sorted or not."""
    ids, bounds, keys = term
    at = np.searchsorted(ids, docs)
    at[at >= len(ids)] = 0
    out: list[list[int] | None] = []
    for doc, k in zip(docs.tolist(), at.tolist()):
        out.append((keys[bounds[k]:bounds[k + 1]] & 0xFFFFFFFF).tolist() if len(ids) and ids[k] == doc else None)
    return out


def _unique(ordered: np.ndarray) -> np.ndarray:
    """The distinct values of a sorted array (np.unique would sort again, and import numpy.ma)."""
    keep = np.ones(len(ordered), bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def _within(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """The values (sorted) that the sorted array ordered holds: a bisection each, no sort."""
    if not len(ordered):
        return values[:0]
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return values[ordered[at] == values]


def consecutive_docs(terms: list[TermPositions]) -> np.ndarray:
    """Return the docnums where the terms stand one right after another (Whoosh's Phrase, slop 1).

    The phrase's starts come from the term with fewest positions (its keys
    less its place in the phrase) and are narrowed by bisection in each other
    term's sorted keys, fewest first: only the rarest term's keys are copied,
    however common the others are.
    """
    rarest = min(range(len(terms)), key=lambda i: len(terms[i].keys))
    keys = terms[rarest].keys
    starts = keys[(keys & 0xFFFFFFFF) >= rarest] - rarest
    for i in sorted(range(len(terms)), key=lambda i: len(terms[i].keys)):
        if i != rarest:
            starts = _within(starts + i, terms[i].keys) - i
        if not len(starts):
            return np.zeros(0, np.int64)
    return _unique(starts >> 32)
