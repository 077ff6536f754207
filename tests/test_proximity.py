"""Terms that belong together rank together: in sequence, then close, then scattered."""
import pytest
from whoosh import query as wq

from discovery.service import run_search
from discovery.state import SearchState
from search.backends.whoosh.proximity import (
    Pair, closeness, pair_closeness, pairs_of, term_groups, tier, word_spellings)
from tests.factories import make_article

pytestmark = pytest.mark.django_db

FILLER = "本市持续推进创新工作，相关部门介绍了最新进展。"


def test_a_split_word_is_one_group_and_words_follow_each_other():
    q = wq.And([wq.Or([wq.And([wq.Term("title", "上海"), wq.Term("title", "人工智能")]),
                       wq.And([wq.Term("text", "上海"), wq.Term("text", "人工智能")])]),
                wq.Or([wq.Term("title", "实验室"), wq.Term("text", "实验室")]),
                wq.Not(wq.Term("text", "大会"))])
    assert term_groups(q) == [["上海", "人工智能"], ["实验室"]]
    assert pairs_of(term_groups(q)) == [Pair("上海", "人工智能", True), Pair("人工智能", "实验室", False)]
    assert term_groups(wq.Or([wq.Term("text", "a"), wq.Term("text", "b")])) == []  # OR: nothing to link


def test_a_word_s_spellings_are_the_word_as_typed_then_its_synonyms(temp_index):
    parsed = temp_index.parse_query("AI 芯片 上海人工智能实验室").query  # AI ⇄ 人工智能: the starting list
    assert word_spellings(parsed) == [[["ai"], ["人工智能"]], [["芯片"]], [["上海", "人工智能", "实验室"]]]
    assert term_groups(parsed) == [["ai"], ["芯片"], ["上海", "人工智能", "实验室"]]
    assert word_spellings(temp_index.parse_query('"脑机接口 医疗器械" 集成电路').query) == [[["集成电路"]]]
    assert word_spellings(temp_index.parse_query("人工智能 OR 芯片").query) == []  # alternatives: nothing to link


def test_closeness_tiers():
    assert pair_closeness([3], [4], split=True) == 1.0
    assert pair_closeness([3], [3], split=True) == 1.0  # one word holding both
    assert pair_closeness([3], [6], split=True) == 0.5
    assert pair_closeness([3], [40], split=True) == 0.0
    assert pair_closeness([5], [3], split=True) == 0.0 and pair_closeness([5], [3], split=False) == 0.25
    pairs = [Pair("a", "b", True), Pair("b", "c", True)]
    assert tier(closeness({"a": [1], "b": [2], "c": [3]}, pairs)) == 2
    assert tier(closeness({"a": [1], "b": [4], "c": [6]}, pairs)) == 1
    assert tier(closeness({"a": [1], "b": [30], "c": [90]}, pairs)) == 0


def test_compound_name_together_in_a_short_text_ranks_before_its_terms_apart_in_long_ones(
        temp_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            make_article(f"上海人工智能发展综述{i}",
                         "上海" + FILLER * 3 + "人工智能" + FILLER * 4 + "实验室" + "上海人工智能" * 2
                         + FILLER * 2 + "实验室建设", published=f"2026-01-0{i + 1}")
        make_article("院长谈大模型", "上海人工智能实验室发布新模型。", published="2025-06-01")
    page = run_search(SearchState(q="上海人工智能实验室"))
    assert page.count == 4
    assert page.results[0]["title"] == "院长谈大模型"


def test_close_ranks_before_scattered(temp_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_article("甲", "黑湖" + FILLER * 6 + "科技", published="2026-01-02")
        make_article("乙", "黑湖的智能科技平台。" + FILLER * 6, published="2026-01-01")
        make_article("丙", "黑湖科技" + FILLER * 6, published="2025-01-01")
    assert [r["title"] for r in run_search(SearchState(q="黑湖科技")).results] == ["丙", "乙", "甲"]
