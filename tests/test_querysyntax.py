"""The query language as a Chinese keyboard types it: quotes, full-width operators, any case."""
import pytest

from discovery.service import run_search
from discovery.state import SearchState
from search.indexing import backend
from search.querysyntax import fold_keyboard, only_exclusions
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(temp_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_article("脑机接口医疗器械获批", "首款脑机接口医疗器械进入临床。", published="2026-01-03")
        make_article("脑机接口新进展", "医疗器械企业关注脑机接口。", published="2026-01-02")
        make_article("量子计算大会", "量子计算与集成电路。", published="2026-01-01")
        make_article("集成电路产业", "集成电路规模扩大。", published="2025-12-30")
        make_article("AI+制造方案发布", "推动AI+制造。", published="2025-12-29")


def titles(q):
    return sorted(r["title"] for r in run_search(SearchState(q=q)).results)


def test_keyboard_folding_is_pure():
    assert fold_keyboard("“脑机接口 医疗器械”") == '"脑机接口 医疗器械"'
    assert fold_keyboard("「a b」『c』‘d’") == '"a b""c""d"'
    assert fold_keyboard("－量子计算 ＋芯片 ｔｉｔｌｅ：通知") == "-量子计算 +芯片 title:通知"


@pytest.mark.parametrize("quoted", ["“脑机接口 医疗器械”", "「脑机接口 医疗器械」", "『脑机接口 医疗器械』",
                                    "‘脑机接口 医疗器械’"])
def test_chinese_quotes_make_the_same_phrase_as_ascii_quotes(corpus, quoted):
    expected = titles('"脑机接口 医疗器械"')
    assert expected == ["脑机接口医疗器械获批"]
    assert titles(quoted) == expected
    assert len(titles("脑机接口 医疗器械")) == 2  # the words apart find more


@pytest.mark.parametrize("q", ["-量子计算", "－量子计算", "NOT 量子计算", "not 量子计算"])
def test_a_query_of_only_exclusions_returns_the_complement(corpus, q):
    page = run_search(SearchState(q=q))
    assert not page.fallback
    assert sorted(r["title"] for r in page.results) == sorted(["AI+制造方案发布", "脑机接口新进展",
                                                               "脑机接口医疗器械获批", "集成电路产业"])
    assert "量子计算" not in page.terms


def test_several_exclusions_leave_out_each(corpus):
    assert titles("-量子计算 -集成电路") == sorted(["AI+制造方案发布", "脑机接口新进展", "脑机接口医疗器械获批"])
    assert only_exclusions("-a NOT b") == "a OR b" and only_exclusions("a -b") == ""


@pytest.mark.parametrize("op", ["OR", "or", "Or", "ＯＲ"])
def test_operators_are_case_insensitive(corpus, op):
    page = run_search(SearchState(q=f"量子计算 {op} 集成电路"))
    assert sorted(r["title"] for r in page.results) == ["量子计算大会", "集成电路产业"]
    assert not page.fallback


@pytest.mark.parametrize("q", ["title:脑机接口", "TITLE:脑机接口", "Title：脑机接口", "ｔｉｔｌｅ：脑机接口"])
def test_field_prefixes_are_case_insensitive_and_full_width(corpus, q):
    assert titles(q) == sorted(["脑机接口医疗器械获批", "脑机接口新进展"])


def test_plus_inside_a_word_is_part_of_it(corpus):
    parsed = backend().parse_query("AI+制造")
    assert "AndMaybe" not in repr(parsed.query)
    assert titles("AI+制造") == ["AI+制造方案发布"]
    assert titles("＋集成电路 －量子计算") == ["集成电路产业"]
