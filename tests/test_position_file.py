"""Position files: the positions Whoosh keeps, as arrays beside each built segment, read the same."""
import os

import numpy as np
import pytest
from haystack import connections
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage

from search.backends.whoosh import engine, position_file
from search.backends.whoosh.internals import index_segments, raw_postings
from search.backends.whoosh.position_file import (
    PositionFile, PositionFileWriter, consecutive_docs, open_position_file, path_for, positions_of, term_key,
)
from search.backends.whoosh.segment_build import build_segments
from search.backends.whoosh.segment_cache import SegmentData
from search.indexing import article_index

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(tmp_path_factory, django_db_setup, django_db_blocker):
    """A real index of fixtures/ built by two workers in segments of 60 documents."""
    with django_db_blocker.unblock():
        backend = connections["default"].get_backend()
        if not backend.setup_complete:
            backend.setup()
        index = article_index()
        docs = [backend._document(index, obj) for obj in index.index_queryset()]
    folder = tmp_path_factory.mktemp("built")
    ix = FileStorage(str(folder)).create_index(backend.schema)
    build_segments(ix, iter(docs), procs=2, segment_docs=60)
    return ix.refresh(), str(folder), docs


def whoosh_positions(reader, field):
    """{term: {doc: positions}} of a positional field, decoded by Whoosh itself."""
    out = {}
    for btext in reader.lexicon(field):
        matcher = reader.postings(field, btext)
        entry = out[btext] = {}
        while matcher.is_active():
            entry[matcher.id()] = matcher.value_as("positions")
            matcher.next()
    return out


def test_every_built_segment_has_a_position_file_with_whooshs_positions(built):
    ix, folder, _ = built
    segments = index_segments(ix)
    assert len(segments) >= 3
    with ix.searcher() as searcher:
        for leaf, _ in searcher.reader().leaf_readers():
            positions = open_position_file(folder, leaf.segment().segment_id())
            assert positions is not None
            for field in ("text", "title"):
                expected = whoosh_positions(leaf, field)
                assert len(expected) > 100
                for btext, docs in expected.items():
                    whoosh_ids, whoosh_weights = raw_postings(leaf.postings(field, btext))
                    ids, weights = positions.postings(term_key(field, btext))
                    assert ids.tolist() == whoosh_ids.tolist() and weights.tolist() == whoosh_weights.tolist()
                    ids, bounds, keys = positions.term(term_key(field, btext))
                    flat = keys & 0xFFFFFFFF
                    assert ids.tolist() == sorted(docs)
                    assert [flat[bounds[k]:bounds[k + 1]].tolist() for k in range(len(ids))] == \
                        [docs[d] for d in sorted(docs)]
            assert len(positions.term(term_key("text", "不在索引里的词".encode()))[0]) == 0


def snapshot_pair(ix, folder):
    """The same index read with its position files and, for every segment, without them."""
    with_files = engine.Snapshot(ix.searcher(), storage_key=folder)
    without = engine.Snapshot(ix.searcher(), storage_key=folder)
    without.segments = [(SegmentData(seg.reader, ("no such folder", seg.key[1])), offset)
                        for seg, offset in without.segments]
    assert all(seg.positions is not None for seg, _ in with_files.segments)
    assert all(seg.positions is None for seg, _ in without.segments)
    return with_files, without


@pytest.mark.parametrize("words", [["人工智能", "产业"], ["长三角", "一体化"], ["科技", "创新"],
                                   ["上海", "人工智能", "实验室"], ["集成电路", "产业"], ["人工智能", "不在索引里的词"]])
def test_phrases_match_the_same_documents_with_and_without_position_files(built, words):
    ix, folder, _ = built
    with_files, without = snapshot_pair(ix, folder)
    q = wq.Phrase("text", words)
    fast = np.flatnonzero(engine.phrases.phrase_mask(with_files, q))
    slow = np.flatnonzero(engine.phrases.phrase_mask(without, q))
    assert fast.tolist() == slow.tolist()
    whoosh = np.flatnonzero(engine.phrases.whoosh_mask(without, q))
    assert fast.tolist() == whoosh.tolist()


def test_a_documents_positions_read_the_same_both_ways(built):
    ix, folder, _ = built
    with_files, without = snapshot_pair(ix, folder)
    for (fast, _), (slow, _) in zip(with_files.segments, without.segments):
        docs = np.arange(0, fast.doccount, 3)
        for term in ("人工智能", "上海", "发展"):
            assert list(fast.term_positions("text", term, docs)) == list(slow.term_positions("text", term, docs))


def test_a_damaged_or_truncated_file_is_not_used(built, tmp_path):
    ix, folder, _ = built
    segment_id = index_segments(ix)[0].segment_id()
    data = open(path_for(folder, segment_id), "rb").read()
    broken = tmp_path / "broken"
    broken.mkdir()
    for name, content in (("truncated", data[: len(data) // 2]), ("empty", b""), ("garbage", b"x" * 64)):
        (broken / (name + position_file.SUFFIX)).write_bytes(content)
        assert open_position_file(str(broken), name) is None
    assert open_position_file(str(broken), "missing") is None


def test_writer_handles_large_positions_and_any_term_order(tmp_path):
    path = str(tmp_path / "MAIN_x.apos")
    writer = PositionFileWriter(path)
    writer.add(b"text\0b", [1, 4], [2.0, 1.0], [[70000, 70001], [3]])
    writer.add(b"text\0a", [0, 1, 2], [1.0, 8.0, 4.0], [[1], [2, 9], [5]])
    assert not os.path.exists(path)  # nothing visible before close
    writer.close()
    pf = PositionFile(path)
    a, b = pf.term(b"text\0a"), pf.term(b"text\0b")
    assert positions_of(b, np.array([0, 1, 4])) == [None, [70000, 70001], [3]]
    assert positions_of(a, np.array([1, 2])) == [[2, 9], [5]]
    assert consecutive_docs([a, b]).tolist() == []
    assert [x.tolist() for x in pf.postings(b"text\0a")] == [[0, 1, 2], [1.0, 8.0, 4.0]]
    assert [x.tolist() for x in pf.postings(b"title\0a")] == [[], []]
    assert consecutive_docs([pf.term(b"text\0a"), pf.term(b"text\0a")]).tolist() == []
    assert os.listdir(tmp_path) == ["MAIN_x.apos"]
    assert os.stat(path).st_mode & 0o777 == 0o644  # readable by a server running as another user


def test_whoosh_removes_the_file_with_its_segment(built, tmp_path):
    _, _, docs = built
    ix = FileStorage(str(tmp_path)).create_index(built[0].schema)
    build_segments(ix, iter(docs[:50]), procs=2, segment_docs=10)
    ix = ix.refresh()
    files = [f for f in os.listdir(tmp_path) if f.endswith(position_file.SUFFIX)]
    assert len(files) == len(index_segments(ix)) >= 4
    ix.optimize()
    assert len(index_segments(ix.refresh())) == 1
    # the merged segment reads Whoosh's own positions; the merged-away segments' files are gone
    assert [f for f in os.listdir(tmp_path) if f.endswith(position_file.SUFFIX)] == []


def test_segments_that_saves_write_get_their_file_after_the_commit(built, tmp_path):
    from search.backends.whoosh.position_backfill import write_missing

    _, _, docs = built
    ix = FileStorage(str(tmp_path)).create_index(built[0].schema)
    with ix.writer() as writer:  # Whoosh's own writer, as a save uses it
        for doc in docs[:30]:
            writer.add_document(**doc)
    ix = ix.refresh()
    (segment,) = index_segments(ix)
    assert open_position_file(str(tmp_path), segment.segment_id()) is None
    assert write_missing(ix, str(tmp_path)) == 1
    assert write_missing(ix, str(tmp_path)) == 0  # once
    with_files, without = snapshot_pair(ix, str(tmp_path))
    for words in (["人工智能", "产业"], ["上海", "人工智能", "实验室"]):
        q = wq.Phrase("text", words)
        assert np.flatnonzero(engine.phrases.phrase_mask(with_files, q)).tolist() == \
            np.flatnonzero(engine.phrases.whoosh_mask(without, q)).tolist()
    docs_ = np.arange(with_files.segments[0][0].doccount)
    assert list(with_files.segments[0][0].term_positions("text", "上海", docs_)) == \
        list(without.segments[0][0].term_positions("text", "上海", docs_))


def test_a_save_through_the_backend_writes_the_new_segments_file(settings, tmp_path):
    from archive.models import Article

    backend = connections["default"].get_backend()
    if not backend.setup_complete:
        backend.setup()
    folder = os.path.realpath(backend.path)
    before = {f for f in os.listdir(folder) if f.endswith(position_file.SUFFIX)}
    article = Article.objects.searchable().first()
    backend.update(article_index(), [article])
    after = {f for f in os.listdir(folder) if f.endswith(position_file.SUFFIX)}
    segments = {s.segment_id() + position_file.SUFFIX for s in index_segments(backend.index.refresh())}
    assert after - before and after <= segments | before
    assert segments <= after


def test_phrase_starts_match_a_plain_check_on_random_positions(tmp_path):
    """Any word order and repeats: the bisection answer equals checking each document by hand."""
    rng = np.random.default_rng(7)
    vocabulary = [b"text\0a", b"text\0b", b"text\0c"]
    docs = {d: rng.integers(0, 3, size=int(rng.integers(1, 60))).tolist() for d in range(0, 400, 2)}
    path = str(tmp_path / "MAIN_r.apos")
    writer = PositionFileWriter(path)
    for t, btext in enumerate(vocabulary):
        held = {d: [p for p, w in enumerate(words) if w == t] for d, words in docs.items()}
        ids = [d for d in sorted(held) if held[d]]
        writer.add(btext, ids, [float(len(held[d])) for d in ids], [held[d] for d in ids])
    writer.close()
    pf = PositionFile(path)
    for phrase in ([0, 1], [1, 0], [2, 2], [0, 1, 2], [2, 0, 0], [1, 1, 1, 0]):
        expected = [d for d, words in docs.items()
                    if any(words[p:p + len(phrase)] == phrase for p in range(len(words)))]
        found = consecutive_docs([pf.term(vocabulary[t]) for t in phrase]).tolist()
        assert found == expected and found


def test_a_file_damaged_inside_is_set_aside_and_whoosh_answers(built, tmp_path):
    ix, folder, docs = built
    copy = tmp_path / "copy"
    ix2 = FileStorage(str(copy.mkdir() or copy)).create_index(ix.schema)
    build_segments(ix2, iter(docs[:60]), procs=1, segment_docs=60)
    ix2 = ix2.refresh()
    (segment,) = index_segments(ix2)
    path = path_for(str(copy), segment.segment_id())
    data = bytearray(open(path, "rb").read())
    directory = int(np.frombuffer(bytes(data[-position_file.FOOTER.itemsize:]), position_file.FOOTER)[0]["directory"])
    data[len(position_file.MAGIC):directory] = b"\xff" * (directory - len(position_file.MAGIC))
    open(path, "wb").write(bytes(data))  # the footer and the table check out; the terms' data does not
    damaged = engine.Snapshot(ix2.searcher(), storage_key=str(copy))
    assert damaged.segments[0][0].positions is not None
    q = wq.Phrase("text", ["人工智能", "产业"])
    reference = engine.Snapshot(ix2.searcher(), storage_key="no such folder")
    expected = np.flatnonzero(engine.phrases.whoosh_mask(reference, q)).tolist()
    assert expected and np.flatnonzero(engine.phrases.phrase_mask(damaged, q)).tolist() == expected
    assert damaged.segments[0][0].positions is None  # set aside after the first failed read
    ids, _ = damaged.segments[0][0].postings("text", "产业".encode())
    assert len(ids) == len(reference.segments[0][0].postings("text", "产业".encode())[0]) > 0


def test_a_file_of_an_older_layout_is_refused_and_rewritten(built, tmp_path):
    from search.backends.whoosh.position_backfill import write_missing

    _, _, docs = built
    ix = FileStorage(str(tmp_path)).create_index(built[0].schema)
    build_segments(ix, iter(docs[:30]), procs=1, segment_docs=30)
    ix = ix.refresh()
    (segment,) = index_segments(ix)
    path = path_for(str(tmp_path), segment.segment_id())
    current = open(path, "rb").read()
    older = b"ARCHPOS3" + current[8:-8] + b"ARCHPOS3"
    open(path, "wb").write(older)
    assert open_position_file(str(tmp_path), segment.segment_id()) is None
    assert write_missing(ix, str(tmp_path)) == 1
    assert open_position_file(str(tmp_path), segment.segment_id()) is not None
    assert write_missing(ix, str(tmp_path)) == 0
