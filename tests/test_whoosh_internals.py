"""Contract tests of search/backends/whoosh/internals.py: what the private Whoosh names must do.

They run on Whoosh 2.7.4 (`make test-sqlite`) and on whoosh-reloaded
(`make test-whoosh-reloaded`). A Whoosh release that renames one of the
names fails here first, by name, instead of slowly (a public fallback) or
wrongly somewhere in a search.
"""
import re
from datetime import datetime
from pathlib import Path

import pytest
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Positions
from whoosh.query import Every
from whoosh.writing import SegmentWriter

from archive.models import Article
from discovery.service import run_search
from discovery.state import SearchState
from search.analysis import ChineseAnalyzer, ChinesePositions
from search.backends.whoosh import internals
from search.backends.whoosh.engine import Snapshot
from search.backends.whoosh.segment_build import COMPRESSION, TermGroupedPostings, build_segments
from tests.factories import make_article

ROOT = Path(__file__).resolve().parent.parent
BODIES = ["国家发布人工智能产业发展规划，人工智能企业获得支持。", "集成电路产业基金投资芯片制造。",
          "新型储能电站并网，储能项目签约。", "人工智能与集成电路融合发展。"] * 3


def schema():
    text = TEXT(analyzer=ChineseAnalyzer(), stored=False, phrase=True)
    text.format = ChinesePositions()
    return Schema(id=ID(stored=True, unique=True), text=text, topics=KEYWORD(stored=True, commas=True),
                  published=DATETIME(stored=True, sortable=True))


def docs(count=len(BODIES), start=0):
    return [{"id": f"a{i}", "text": BODIES[i % len(BODIES)], "topics": ["ai", "chips", "energy"][i % 3],
             "published": datetime(2026, 1, 1 + i % 28)} for i in range(start, start + count)]


def new_index(path):
    path.mkdir()
    return FileStorage(str(path), supports_mmap=False).create_index(schema())


def add(ix, documents, **commit):
    writer = ix.writer()
    for doc in documents:
        writer.add_document(**doc)
    writer.commit(**commit)


def ids_of(searcher):
    reader = searcher.reader()
    return sorted(reader.stored_fields(d)["id"] for d in reader.all_doc_ids())


@pytest.fixture
def ix(tmp_path):
    ix = new_index(tmp_path / "ix")
    add(ix, docs(6))
    add(ix, docs(6, start=6), merge=False)  # a second segment
    return ix


# -- reading ---------------------------------------------------------------------------------


def slow_postings(matcher):
    ids, weights, values = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        values.append(matcher.value())
        matcher.next()
    return ids, weights, values


def test_block_postings_equal_the_matchers_own_values(ix):
    with ix.searcher() as searcher:
        for leaf, _ in searcher.reader().leaf_readers():
            for field in ("text", "topics"):
                for term in leaf.lexicon(field):
                    matcher = leaf.postings(field, term)
                    assert internals._block_reader(matcher, with_values=False)  # the fast path is there
                    expected = slow_postings(leaf.postings(field, term))
                    if field == "text":  # values are position lists; keyword values are fixed-size
                        ids, weights, values = internals.raw_postings(matcher, with_values=True)
                        assert values == expected[2]
                    else:
                        ids, weights = internals.raw_postings(matcher)
                    assert (ids.tolist(), weights.tolist()) == expected[:2]


def skip_to_positions(matcher, wanted):
    found = {}
    for doc in wanted:
        if not matcher.is_active():
            break
        if matcher.id() < doc:
            matcher.skip_to(doc)
            if not matcher.is_active():
                break
        if matcher.id() == doc:
            found[doc] = matcher.value_as("positions")
    return found


def test_seeking_sorted_documents_by_bisection_equals_skip_to_across_blocks(tmp_path):
    big = new_index(tmp_path / "big")
    add(big, docs(700))  # the common terms' postings span several blocks of at most 128
    with big.searcher() as searcher:
        (leaf, _), = searcher.reader().leaf_readers()
        matcher = leaf.postings("text", "人工智能")
        assert isinstance(matcher, internals.W3LeafMatcher)  # the bisection path, not the fallback
        holders = set(internals.raw_postings(leaf.postings("text", "人工智能"))[0].tolist())
        assert len(holders) > 2 * 128
        for wanted in (list(range(700)), list(range(0, 700, 7)), [3, 129, 130, 500, 699], [699], []):
            seen = {m.id(): m.value_as("positions")
                    for m in internals.seek_postings(leaf.postings("text", "人工智能"), wanted)}
            assert seen == skip_to_positions(leaf.postings("text", "人工智能"), wanted)
            assert set(seen) == holders & set(wanted)


def test_columns_and_lengths_are_read_in_one_block_and_equal_per_document_values(ix):
    with ix.searcher() as searcher:
        for leaf, _ in searcher.reader().leaf_readers():
            n = leaf.doc_count_all()
            column = leaf.column_reader("published", translate=False)
            assert internals.numeric_column(column, n) is not None  # not the fallback
            assert internals.column_values(leaf, "published", n).tolist() == list(column)
            lengths = internals.stored_lengths(leaf, "text", n)
            assert lengths is not None
            assert lengths.tolist() == [leaf.doc_field_length(d, "text", 0) for d in range(n)]


def test_positions_are_encoded_as_whooshs_own_format_and_decoded_alike():
    ours, plain = ChinesePositions(), Positions()
    analyzer = ChineseAnalyzer()
    ours_values = sorted(ours.word_values(BODIES[0], analyzer))
    assert ours_values == sorted(plain.word_values(BODIES[0], analyzer))
    for _, _, _, value in ours_values:
        assert ours.decode_positions(value) == plain.decode_positions(value)


# -- refreshing ------------------------------------------------------------------------------


def test_refresh_after_a_delete_drops_the_document_and_keeps_unchanged_segments(ix):
    searcher = internals.refreshed_searcher(ix, None)
    assert len(searcher.reader().leaf_readers()) == 2 and ids_of(searcher) == sorted(d["id"] for d in docs())
    assert internals.refreshed_searcher(ix, searcher) is searcher  # nothing changed
    first, second = [leaf for leaf, _ in searcher.reader().leaf_readers()]
    writer = ix.writer()
    writer.delete_by_term("id", "a1")  # in the first segment
    writer.commit(merge=False)

    fresh = internals.refreshed_searcher(ix, searcher)
    assert "a1" not in ids_of(fresh) and len(ids_of(fresh)) == len(docs()) - 1
    leaves = [leaf for leaf, _ in fresh.reader().leaf_readers()]
    assert leaves[1] is second and leaves[0] is not first  # the segment with a new deletion is reread
    assert first.is_closed and fresh.up_to_date()


def test_refresh_after_a_merge_holds_only_the_merged_segment(ix):
    searcher = internals.refreshed_searcher(ix, None)
    ix.optimize()
    fresh = internals.refreshed_searcher(ix, searcher)
    assert len(fresh.reader().leaf_readers()) == 1
    assert ids_of(fresh) == sorted(d["id"] for d in docs())  # each document once


def test_refresh_of_an_empty_index_then_of_its_first_document(tmp_path):
    ix = new_index(tmp_path / "empty")
    searcher = internals.refreshed_searcher(ix, None)
    assert searcher.doc_count_all() == 0
    snapshot = Snapshot(searcher, "empty")
    assert snapshot.segments == [] and snapshot.evaluate(Every()).mask.sum() == 0
    again = internals.refreshed_searcher(ix, searcher)
    assert again.doc_count_all() == 0
    add(ix, docs(1))
    fresh = internals.refreshed_searcher(ix, again)
    assert ids_of(fresh) == ["a0"]
    assert internals.index_segments(ix)[0].segment_id() == fresh.reader().segment().segment_id()


@pytest.mark.django_db
def test_a_hidden_article_disappears_from_a_warm_searcher(temp_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        shown = make_article("量子计算突破", "量子计算。")
        hidden = make_article("量子通信网络", "量子通信。")
    with django_capture_on_commit_callbacks(execute=True):
        make_article("无关新闻", "内容。")  # a second segment beside the first
    assert run_search(SearchState(q="量子")).count == 2  # the searcher is warm from here on
    with django_capture_on_commit_callbacks(execute=True):
        hidden.status = Article.Status.HIDDEN
        hidden.save()
    assert [r["title"] for r in run_search(SearchState(q="量子")).results] == [shown.title]
    assert temp_index.snapshot().doc_count == 2


# -- writing ---------------------------------------------------------------------------------


def compound_files(ix):
    (segment,) = internals.index_segments(ix)
    files = segment.open_compound_file(ix.storage)
    out = {name.split(".", 1)[1]: files.open_file(name).read() for name in files.list()}
    files.close()
    return out


def test_segment_bytes_of_a_build_equal_whooshs_own_writer(tmp_path):
    built = new_index(tmp_path / "built")
    assert build_segments(built, iter(docs()), procs=1) == len(docs())
    plain = new_index(tmp_path / "plain")
    writer = plain.writer(codec=W3Codec(compression=COMPRESSION))
    for doc in docs():
        writer.add_document(**doc)
    writer.commit()
    expected, actual = compound_files(plain.refresh()), compound_files(built.refresh())
    assert actual.keys() == expected.keys()
    for suffix in expected:
        assert actual[suffix] == expected[suffix], suffix


def test_the_stock_flush_reads_the_grouped_pool_alike(tmp_path):
    """The fallback where SegmentWriter has no _flush_segment: the stock flush over iter_postings()."""
    assert hasattr(SegmentWriter, "_flush_segment")  # the hook the build overrides
    built = new_index(tmp_path / "stock")
    writer = SegmentWriter(built, codec=W3Codec(compression=COMPRESSION))
    writer.pool = TermGroupedPostings()
    for doc in docs():
        writer.add_document(**doc)
    writer.commit()
    plain = new_index(tmp_path / "plain")
    add(plain, docs())
    with built.refresh().searcher() as a, plain.refresh().searcher() as b:
        assert list(a.reader().all_terms()) == list(b.reader().all_terms())
        assert ids_of(a) == ids_of(b)


# -- one module --------------------------------------------------------------------------------

PRIVATE = re.compile(r"\._(read_data|next_block|data|byteids|fixedsize|fixedlen|count|typecode|dbfile|basepos"
                     r"|default|perdoc|cached_reader|blocklimit|compression|inlinelimit|ids|weights|values"
                     r"|maxweight|minlength|maxlength|write_block|flush_segment|postwriter|lk|added"
                     r"|finalize_segment|close_segment|commit_toc|finish|segments|read_toc|schema)\b"
                     r"|_INT_SIZE|\b_lk=|whoosh\.compat|from whoosh import compat")


def test_private_whoosh_names_are_reached_from_internals_only():
    offenders = []
    for path in sorted((ROOT / "search").rglob("*.py")) + sorted((ROOT / "bench").rglob("*.py")):
        if path.name.endswith("internals.py"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if PRIVATE.search(code) and "self._" not in code:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
