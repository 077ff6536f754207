"""Phrases are checked from whole posting blocks, with the same answers as Whoosh's Phrase."""
import numpy as np
import pytest
from haystack import connections
from whoosh import query as wq

from archive.models import Article
from search.analysis import query_terms
from search.backends.whoosh.engine import consecutive
from discovery.service import run_search
from discovery.state import SearchState
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_consecutive_positions():
    assert consecutive([[3, 10], [11], [12, 40]])
    assert not consecutive([[3], [5]])
    assert not consecutive([[5], [4]])  # order matters
    assert consecutive([[1, 7], [2, 7]])  # a repeated word: 1, 2
    assert not consecutive([[4], [4]])  # the same position (a word and its sub-word) is not "next"


def phrases_from_titles(limit=160):
    """Two- and three-word phrases cut from the archive's titles, as a user would type them."""
    out = []
    for title in Article.objects.order_by("pk").values_list("title", flat=True):
        words = query_terms(title)
        out += [tuple(words[i:i + 2]) for i in range(0, len(words) - 1, 2)]
        out += [tuple(words[i:i + 3]) for i in range(1, len(words) - 2, 5)]
    return list(dict.fromkeys(p for p in out if len(set(p)) == len(p)))[:limit]


def test_phrases_find_exactly_what_whooshs_phrase_query_finds():
    snapshot = connections["default"].get_backend().snapshot()
    phrases = phrases_from_titles()
    assert len(phrases) >= 100
    narrower = 0
    for words in phrases:
        for field in ("text", "title"):
            q = wq.Phrase(field, list(words))
            ours, whoosh = snapshot.phrase_mask(q), snapshot.whoosh_mask(q)
            assert np.array_equal(ours, whoosh), (field, words)
            every_word = np.logical_and.reduce([snapshot.term(field, w, 1.0, False).mask for w in words])
            narrower += int(every_word.sum() > ours.sum())
    # The position check matters: many phrases match fewer articles than their words do.
    assert narrower >= 20


def test_a_phrase_is_words_in_a_row_not_a_compound_word_split(temp_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_article("集成电路大会", "上海集成电路产业规模突破三千亿元。")
        make_article("成果转化", "加快科技 成果 转化，服务企业。")
        make_article("成果展", "成果丰硕。科技企业转化率提升。")
    found = lambda q: sorted(r["title"] for r in run_search(SearchState(q=q)).results)  # noqa: E731
    # 集成电路 is one word (its sub-words 集成 and 电路 share its position): "集成 电路" is not in a row there.
    assert found('"集成 电路"') == []
    assert found("集成 电路") == ["集成电路大会"]
    assert found('"科技 成果 转化"') == ["成果转化"]
