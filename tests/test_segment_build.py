"""Full builds by worker processes write the same index the ordinary writer does."""
import pytest
from haystack import connections
from whoosh.filedb.filestore import FileStorage

from search.backends.whoosh import backend as backend_module
from search.indexing import article_index
from whoosh.codec.whoosh3 import W3Codec

from search.backends.whoosh.internals import index_segments
from search.backends.whoosh.segment_build import COMPRESSION, BuildError, TermGroupedPostings, build_segments

pytestmark = pytest.mark.django_db


def new_index(path, schema):
    path.mkdir()
    return FileStorage(str(path)).create_index(schema)


def documents():
    backend = connections["default"].get_backend()
    if not backend.setup_complete:
        backend.setup()
    index = article_index()
    return backend, [backend._document(index, obj) for obj in index.index_queryset()]


def postings_by_identifier(ix):
    """{(field, term): {article id: (weight, positions)}} over every posting of ix."""
    out = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        for field, term in reader.all_terms():
            if field not in ("text", "title", "source", "topics"):
                continue
            matcher = reader.postings(field, term)
            entry = out[(field, term)] = {}
            while matcher.is_active():
                positions = matcher.value_as("positions") if matcher.supports("positions") else None
                entry[ids[matcher.id()]] = (matcher.weight(), positions)
                matcher.next()
    return out


def test_parallel_segments_hold_the_same_postings_as_the_ordinary_writer(tmp_path):
    backend, docs = documents()
    assert len(docs) > 100
    built = new_index(tmp_path / "built", backend.schema)
    assert build_segments(built, iter(docs), procs=2, segment_docs=40) == len(docs)

    plain = new_index(tmp_path / "plain", backend.schema)
    with plain.writer() as writer:
        for doc in docs:
            writer.add_document(**doc)

    built = built.refresh()
    assert built.doc_count() == plain.doc_count() == len(docs)
    assert len(index_segments(built)) >= 4  # two workers, a segment every 40 documents
    expected, actual = postings_by_identifier(plain), postings_by_identifier(built)
    assert len(actual) > 10_000
    assert actual == expected


def segment_files(ix):
    """{file name without the segment id: bytes} of the files inside the one (compound) segment of ix."""
    (segment,) = index_segments(ix)
    files = segment.open_compound_file(ix.storage)
    out = {name.split(".", 1)[1]: files.open_file(name).read() for name in files.list()}
    files.close()
    return out


def test_one_worker_writes_the_same_bytes_as_whooshs_own_writer(tmp_path):
    backend, docs = documents()
    built = new_index(tmp_path / "built", backend.schema)
    assert build_segments(built, iter(docs), procs=1) == len(docs)
    plain = new_index(tmp_path / "plain", backend.schema)
    writer = plain.writer(codec=W3Codec(compression=COMPRESSION))
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()

    built = built.refresh()
    # The table of contents names Whoosh's own codec: the index is readable without this project.
    assert [type(s.codec()) for s in index_segments(built)] == [W3Codec]
    expected, actual = segment_files(plain.refresh()), segment_files(built)
    assert len(actual["pst"]) > 100_000  # the postings file
    assert actual.keys() == expected.keys()
    for suffix in expected:
        assert actual[suffix] == expected[suffix], suffix


def test_a_failing_document_stops_the_build_and_commits_nothing(tmp_path):
    backend, docs = documents()
    docs = docs[:30] + [{**docs[30], "no_such_field": "x"}] + docs[31:]
    ix = new_index(tmp_path / "ix", backend.schema)
    with pytest.raises(BuildError, match="no_such_field"):
        build_segments(ix, iter(docs), procs=2)
    ix = ix.refresh()
    assert ix.doc_count() == 0
    ix.writer(timeout=1).cancel()  # the lock was released


def test_term_grouped_postings_come_out_sorted_by_field_then_term():
    pool = TermGroupedPostings()
    for item in [("title", b"b", 0, 1.0, b"x"), ("text", b"z", 0, 1.0, b"y"),
                 ("title", b"a", 1, 2.0, b"z"), ("title", b"b", 2, 1.0, b"w")]:
        pool.add(item)
    assert list(pool.grouped()) == [
        ("text", b"z", [("text", b"z", 0, 1.0, b"y")]),
        ("title", b"a", [("title", b"a", 1, 2.0, b"z")]),
        ("title", b"b", [("title", b"b", 0, 1.0, b"x"), ("title", b"b", 2, 1.0, b"w")])]
    assert pool.terms == {}  # emptied as it is read


def test_imports_fold_tiny_segments_saves_do_not_and_big_ones_stay(temp_index, monkeypatch):
    # At this scale "big" is 10 documents (Whoosh's own policy would merge that
    # segment into the fourth save), "tiny" under 5 and a batch 3 documents.
    monkeypatch.setattr(backend_module, "TINY_SEGMENT_DOCS", 5)
    monkeypatch.setattr(backend_module, "TINY_SEGMENTS_BEFORE_MERGE", 4)
    monkeypatch.setattr(backend_module, "MERGE_FROM_BATCH", 3)
    monkeypatch.setattr(backend_module, "PILED_UP", 20)
    index = article_index()
    objs = list(index.index_queryset()[:25])
    temp_index.update_and_remove(index, objs[:10], [])
    big = {s.segment_id() for s in index_segments(temp_index.index.refresh())}
    for obj in objs[10:22]:
        temp_index.update_and_remove(index, [obj], [])  # one save, one commit: no merging
    assert len(index_segments(temp_index.index.refresh())) == 1 + 12
    temp_index.update_and_remove(index, objs[22:25], [])  # a batch folds the tiny segments
    segments = index_segments(temp_index.index.refresh())
    assert big <= {s.segment_id() for s in segments}  # the big segment was never rewritten
    assert len(segments) == 2
    assert sum(s.doc_count() for s in segments) == 25
    assert temp_index.snapshot().doc_count == 25
