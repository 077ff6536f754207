"""Ranking rules for what a researcher means, each on a small real Whoosh index."""
import numpy as np
import pytest
from django.urls import reverse
from django.utils import translation

from discovery.service import run_search
from discovery.state import SearchState
from search import analysis
from search.analysis import is_sub_word_of, occurrence_weights, sub_word_count
from search.backends.whoosh import counting
from search.backends.whoosh.accounts import typed_name
from search.backends.whoosh.scoring import bm25
from tests.factories import make_article

pytestmark = pytest.mark.django_db

FILLER = "本市持续推进创新工作，相关部门介绍了最新进展。"


def titles(q):
    return [r["title"] for r in run_search(SearchState(q=q)).results]


# -- an account's or newspaper's name alone ------------------------------------

def test_an_account_name_alone_ranks_its_own_articles_and_its_reprints_first(
        temp_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_article("新华社报道综述", "新华社报道，" + "新华社记者获悉，新华社消息。" * 3, source="科创长宁",
                     published="2026-01-03")
        make_article("量子计算新进展", FILLER * 8, source="新华社", published="2025-01-01")
        make_article("人工智能产业动态", FILLER * 8, source="上海科技", original_outlet="新华社",
                     published="2025-01-02")
    first = {"人工智能产业动态", "量子计算新进展"}
    assert set(titles("新华社")[:2]) == first and titles("新华社")[2] == "新华社报道综述"
    assert set(titles("“新华社”")[:2]) == first  # quoted, as a Chinese keyboard types it


def test_a_name_among_other_words_is_ranked_as_words(temp_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_article("新华社报道综述", "新华社报道量子计算。" * 4, source="科创长宁", published="2026-01-03")
        make_article("量子计算新进展", FILLER * 8 + "新华社", source="新华社", published="2025-01-01")
    assert titles("新华社 量子计算")[0] == "新华社报道综述"


def test_typed_name_folds_quotes_and_width():
    assert typed_name(" 「上海发布」 ") == "上海发布"
    assert typed_name("ＡＢＣ") == "abc"


# -- one character --------------------------------------------------------------

def test_one_character_ranks_by_how_often_the_character_occurs(temp_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        # Five different words holding 芯, once each, against one word said seven times.
        make_article("产业链综述", "芯片、芯粒、芯原、芯光、芯动等企业参展。" + FILLER * 3, published="2026-01-02")
        make_article("存储研究", "二维存储芯片。" + "该芯片读写更快，芯片功耗更低。" * 3 + FILLER * 3,
                     published="2025-01-01")
    assert titles("芯") == ["存储研究", "产业链综述"]


def test_a_longer_word_is_counted_through_the_sub_word_it_holds(temp_index, django_capture_on_commit_callbacks):
    assert is_sub_word_of("芯片", "芯片组") and is_sub_word_of("纳米", "碳纳米管")
    assert not is_sub_word_of("芯片", "芯片") and not is_sub_word_of("芯", "芯片")
    with django_capture_on_commit_callbacks(execute=True):
        make_article("芯片组", "芯片组" + FILLER * 2, published="2026-01-01")
    snap = temp_index.snapshot()
    expanded = {t.decode() for t in snap.expand("text", "*芯*")}
    weights = {t.decode(): w for t, w in snap.occurrence_weights("text", "*芯*").items()}
    assert {"芯片组", "芯片"} <= expanded
    assert weights["芯片"] == 1 and "芯片组" not in weights


def test_a_place_holding_two_sub_words_with_the_character_counts_once():
    # 强磁场 is indexed with 强磁 and 磁场 at its position: three postings, one 磁.
    words = ["磁场", "强磁", "强磁场", "磁性", "磁性材料"]
    assert occurrence_weights(words, "磁") == [1, 1, -1, 1, 0]
    assert sub_word_count("磁场", "强磁场") == 1 and sub_word_count("磁", "强磁场") == 0


def test_one_character_said_twice_ranks_before_one_word_holding_two_of_its_sub_words(
        temp_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        # Newer, and before this rule counted twice (强磁 + 磁场): it came first on the date.
        make_article("产业联盟成立", "联盟将成为全省创新资源的强磁场。" + FILLER * 3, published="2026-01-02")
        make_article("材料研究进展", "团队研制磁性材料，实现电磁屏蔽。" + FILLER * 3, published="2025-01-01")
    snap = temp_index.snapshot()
    assert {"强磁", "磁场", "强磁场"} <= {t.decode() for t in snap.expand("text", "*磁*")}
    assert titles("磁") == ["材料研究进展", "产业联盟成立"]


# -- short texts, and the count a reader makes -------------------------------------

def test_a_text_shorter_than_the_average_scores_as_an_average_one():
    ids, tf = np.array([0, 1, 2]), np.array([1.0, 1.0, 1.0])
    scores = bm25(3, 3, ids, tf, np.array([10.0, 100.0, 400.0]), 100.0, 1.0)
    assert scores[0] == scores[1] > scores[2]  # a brief is not more about a word than an average text


def test_fusion_orders_by_both_views_and_keeps_the_scores_when_the_counts_say_nothing():
    dates = np.array([3, 2, 1])
    assert list(counting.ranks(np.array([1.0, 1.0, 0.5]), dates)) == [0, 1, 2]  # ties newest first
    fused = counting.fuse(np.array([3.0, 2.0, 1.0]), np.array([1.0, 9.0, 5.0]), dates)
    assert list(np.argsort(-fused)) == [1, 0, 2]  # 2nd and 1st beats 1st and 3rd
    same = counting.fuse(np.array([1.0, 3.0, 2.0]), np.array([4.0, 4.0, 4.0]), dates)
    assert list(same) == [1.0, 3.0, 2.0]


def test_a_review_returning_to_a_word_ranks_before_a_brief_naming_it_once(
        temp_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        # BM25F alone puts the brief first: the review is many times the average length.
        make_article("要闻速览", "量子通信。" + FILLER * 2, published="2026-01-03")
        make_article("产业规划", ("量子科技。" + FILLER * 150) * 2, published="2026-01-01")
        make_article("年度回顾", ("量子计算取得突破。" + FILLER * 100) * 3, published="2026-01-02")
        for i in range(30):
            make_article(f"工作动态{i}", FILLER * 20, published="2025-01-01")
    assert titles("量子") == ["年度回顾", "要闻速览", "产业规划"]


def test_the_count_of_a_word_includes_its_synonyms(temp_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_article("产业观察", "人工智能赋能制造。" + FILLER * 2 + "人工智能企业集聚。", published="2026-01-01")
    snap = temp_index.snapshot()
    doc = np.flatnonzero(snap.live)
    assert list(counting.word_count(snap, "text", [["ai"], ["人工智能"]], doc)) == [2.0]
    assert list(counting.reader_counts(snap, doc, [[["人工智能"]]], [])) == [2.0]


# -- did-you-mean is warmed with the index ----------------------------------------

def test_warming_the_backend_loads_the_spelling_vocabulary(temp_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_article("脑机接口产业发展", "脑机接口医疗器械。")
    analysis._dictionary_chars = None
    temp_index.warm()
    assert analysis._dictionary_chars is not None and "口" in analysis._dictionary_chars


# -- the search quality notices speak English too ----------------------------------

def test_search_quality_notices_have_english(temp_index, django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        make_article("脑机接口产业发展", "脑机接口医疗器械。")
        make_article("五组关键数据回望", "", is_empty=True)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        missed = client.get(reverse("discovery:search"), {"q": "脑机接扣"}, HTTP_ACCEPT_LANGUAGE="en")
        bodiless = client.get(reverse("discovery:search"), {"q": "五组关键数据回望"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Did you mean" in missed.content.decode()
    assert "No body text (title only)" in bodiless.content.decode()
    with translation.override("en"):
        help_page = client.get(reverse("discovery:help"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "account's or newspaper's name" in help_page
