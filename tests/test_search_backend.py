"""The Chinese Whoosh backend on a real index in a temp dir, through the real signal path."""
import pytest

from archive.models import Article
from discovery.service import run_search
from discovery.state import SearchState
from tests.engines import whoosh_only
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(temp_index, django_capture_on_commit_callbacks):
    """Create articles; the on-commit signal processor indexes them."""
    def build(*specs):
        with django_capture_on_commit_callbacks(execute=True):
            return [make_article(*spec[:2], **(spec[2] if len(spec) > 2 else {})) for spec in specs]
    return build


def titles(state):
    return [r["title"] for r in run_search(state).results]


def test_one_character_query_finds_words_containing_it(corpus):
    corpus(("新型存储芯片问世", "复旦团队研发二维半导体芯片。"), ("人才政策", "引进青年科学家。"))
    assert titles(SearchState(q="芯")) == ["新型存储芯片问世"]


def test_compound_word_query_does_not_match_its_parts_apart(corpus):
    corpus(("集成电路产业再提速", "上海集成电路产业规模突破三千亿元。"),
           ("系统集成服务", "提供系统集成和电路板维修。"))
    assert titles(SearchState(q="集成电路")) == ["集成电路产业再提速"]


def test_title_match_outranks_body_match(corpus):
    corpus(("园区动态", "本周园区举办活动，其中提到量子计算。"),
           ("量子计算新进展", "研究团队发布成果。"))
    assert titles(SearchState(q="量子计算"))[0] == "量子计算新进展"


def test_article_about_the_query_outranks_a_passing_mention(corpus):
    corpus(("产业综述", "本市推进多个产业。生物医药只是其中之一。" + "制造业保持增长。" * 20),
           ("产业专题", "生物医药创新药获批。生物医药企业集聚。生物医药产业链完善。" + "制造业保持增长。" * 20))
    assert titles(SearchState(q="生物医药"))[0] == "产业专题"


def test_source_name_as_query_finds_that_source(corpus):
    corpus(("区科委召开会议", "会议研究部署工作。", {"source": "科创长宁"}),
           ("市里发布通知", "通知内容。", {"source": "上海科技"}))
    assert titles(SearchState(q="科创长宁")) == ["区科委召开会议"]


def test_latin_tokens_match_case_insensitively_and_whole(corpus):
    corpus(("Chiplet 技术突破", "芯粒（chiplet）封装。"), ("16G 内存条降价", "消费电子。"),
           ("6G 试验网启动", "6G 通信。"))
    assert titles(SearchState(q="CHIPLET")) == ["Chiplet 技术突破"]
    assert titles(SearchState(q="6g")) == ["6G 试验网启动"]


def test_document_number_finds_the_notice_that_carries_it_first(corpus):
    corpus(("名单公布后企业反响热烈", "根据沪科合〔2026〕1号通知，企业获评小巨人。" * 3),
           ("关于公布科技小巨人企业名单的通知", "各有关单位：现公布名单。", {"doc_number": "沪科合〔2026〕1号"}))
    assert titles(SearchState(q="沪科合〔2026〕1号"))[0] == "关于公布科技小巨人企业名单的通知"


def test_hidden_and_empty_articles_leave_the_index_after_commit(corpus, django_capture_on_commit_callbacks):
    shown, hidden = corpus(("储能电站并网", "新型储能。"), ("储能项目签约", "储能。"))
    assert len(titles(SearchState(q="储能"))) == 2
    with django_capture_on_commit_callbacks(execute=True):
        hidden.status = Article.Status.HIDDEN
        hidden.save()
    assert titles(SearchState(q="储能")) == ["储能电站并网"]
    with django_capture_on_commit_callbacks(execute=True):
        shown.delete()
    assert titles(SearchState(q="储能")) == []


def test_browse_without_query_lists_everything_newest_first(corpus):
    corpus(("旧闻", "内容一。", {"published": "2025-01-01"}), ("新闻", "内容二。", {"published": "2026-02-01"}),
           ("空文", "", {"published": "2026-03-01", "is_empty": True}))
    page = run_search(SearchState())
    assert page.count == 2
    assert [r["title"] for r in page.results] == ["新闻", "旧闻"]
    assert titles(SearchState(sort="oldest")) == ["旧闻", "新闻"]


def test_facet_counts_follow_query_and_other_filters(corpus):
    corpus(("人工智能大会", "人工智能。", {"source": "上海科技", "kind": "新闻"}),
           ("人工智能申报通知", "人工智能。", {"source": "上海科技", "kind": "通知"}),
           ("人工智能园区", "人工智能。", {"source": "科创长宁", "kind": "新闻"}),
           ("量子", "量子。", {"source": "科创长宁", "kind": "新闻"}))
    page = run_search(SearchState(q="人工智能", kind=("通知",)))
    assert page.count == 1
    source = {f["value"]: f["count"] for f in page.facets["source"]}
    assert source == {"上海科技": 1}
    # the kind facet ignores its own filter, so other kinds stay selectable (OR within a facet)
    kind = {f["value"]: (f["count"], f["selected"]) for f in page.facets["kind"]}
    assert kind == {"新闻": (2, False), "通知": (1, True)}


def test_selected_facet_value_shows_at_zero(corpus):
    corpus(("人工智能大会", "人工智能。", {"source": "上海科技"}))
    page = run_search(SearchState(q="人工智能", source=("不存在的来源",)))
    assert page.count == 0
    source = {f["value"]: (f["count"], f["selected"]) for f in page.facets["source"]}
    assert source == {"不存在的来源": (0, True), "上海科技": (1, False)}


def test_date_range_filter_and_month_facet(corpus):
    corpus(("一月", "科技。", {"published": "2026-01-10"}), ("二月", "科技。", {"published": "2026-02-10"}))
    import datetime
    page = run_search(SearchState(date_from=datetime.date(2026, 2, 1), date_to=datetime.date(2026, 2, 28)))
    assert [r["title"] for r in page.results] == ["二月"]
    # the month histogram describes the current result set, date range included
    assert {f["value"]: f["count"] for f in page.facets["month"]} == {"2026-02": 1}
    assert {f["value"]: f["count"] for f in run_search(SearchState()).facets["month"]} == {
        "2026-01": 1, "2026-02": 1}


@pytest.mark.parametrize("q", ['"unbalanced', "(((", "title:", "*", "?", "a" * 2000, "😀🚀", "' OR 1=1 --",
                               "<script>alert(1)</script>", "NOT", "OR OR", "-", "title:\"x", "[2026 TO", "科技)"])
def test_hostile_queries_return_results_not_errors(corpus, q):
    corpus(("科技新闻", "科技。"))
    page = run_search(SearchState(q=q))
    assert page.count >= 0


def test_an_index_nothing_was_written_to_answers_with_no_hits(temp_index):
    page = run_search(SearchState(q="人工智能"))
    assert page.count == 0 and page.results == []
    assert run_search(SearchState()).count == 0


@pytest.mark.parametrize("q, same_as", [("机器人 OR", "机器人"), ("OR 机器人", "机器人"),
                                        ("机器人 OR OR 芯片", "机器人 OR 芯片"), ("title: 机器人", "机器人"),
                                        ("机器人 NOT", "机器人"), ('"机器人 芯片', "机器人 芯片")])
def test_dangling_operators_and_open_quotes_are_dropped_with_a_notice(corpus, q, same_as):
    corpus(("机器人新政", "支持机器人企业。"), ("芯片专项", "芯片与机器人。"), ("人才", "引进人才。"))
    page, expected = run_search(SearchState(q=q)), run_search(SearchState(q=same_as))
    assert expected.count >= 1
    assert [r["title"] for r in page.results] == [r["title"] for r in expected.results]
    assert page.fallback and not expected.fallback


def test_a_query_of_only_an_empty_field_prefix_finds_nothing_and_says_so(corpus):
    corpus(("标题里有title字样", "title 一词。"))
    page = run_search(SearchState(q="title:"))
    assert page.count == 0 and page.fallback


@pytest.mark.django_db
@whoosh_only("reads the Whoosh index segments' column arrays")
def test_column_arrays_read_in_one_block_equal_whoosh_per_document_values():
    from haystack import connections

    from search.backends.whoosh import internals

    snapshot = connections["default"].get_backend().snapshot()
    assert snapshot.segments
    for seg, _ in snapshot.segments:
        reader = seg.reader
        for field in ("text", "title", "docno"):
            slow = [reader.doc_field_length(d, field, 0) or 0 for d in range(seg.doccount)]
            assert internals.stored_lengths(reader, field, seg.doccount).tolist() == slow
        column = reader.column_reader("published", translate=False)
        assert internals.numeric_column(column, seg.doccount).tolist() == list(column)
