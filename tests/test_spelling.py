"""Did you mean: indexed words one edit away, with their counts, for a search with few or no hits."""
import pytest
from django.urls import reverse

from discovery.service import run_search
from discovery.state import SearchState
from search.spelling import edits, suggest
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_edits_substitute_drop_add_and_swap():
    assert edits("脑机接扣")["脑机接口"] is True  # same sound: kou
    assert "集成电路" in edits("集成电陆")
    assert "集成电路" in edits("集成电路路")  # a character too many
    assert "集成电路" in edits("集电路") or "集成电路" in edits("成电路")  # one missing
    assert "人工智能" in edits("人工能智")  # two neighbours swapped


def test_suggestions_come_with_counts_from_document_frequencies():
    calls = []

    def frequencies(field, words):
        calls.append((field, sorted(words)))
        return 10, {w: (4 if w == "脑机接口" else 0) for w in words}

    found = suggest("脑机接扣 标准", frequencies)
    assert [(s.word, s.count, s.query) for s in found] == [("脑机接口", 4, "脑机接口 标准")]
    assert all(field == "text" for field, _ in calls)


def test_a_zero_hit_query_suggests_the_nearest_indexed_word(temp_index, django_capture_on_commit_callbacks, client):
    with django_capture_on_commit_callbacks(execute=True):
        make_article("脑机接口产业发展", "脑机接口医疗器械。")
        make_article("脑机接口标准", "推动脑机接口标准化。")
    page = run_search(SearchState(q="脑机接扣"))
    assert page.count == 0
    assert [(s.word, s.count) for s in page.suggestions] == [("脑机接口", 2)]
    html = client.get(reverse("discovery:search"), {"q": "脑机接扣"}).content.decode()
    assert "您是不是要找：" in html and 'href="?q=%E8%84%91%E6%9C%BA%E6%8E%A5%E5%8F%A3"' in html
    api = client.get(reverse("discovery:api"), {"q": "脑机接扣"}).json()
    assert api["did_you_mean"] == [{"word": "脑机接口", "count": 2, "url": "?q=%E8%84%91%E6%9C%BA%E6%8E%A5%E5%8F%A3"}]
    assert run_search(SearchState(q="脑机接口")).suggestions == []  # enough hits: nothing to suggest
