"""Articles without body text: found by their title, marked, after the others, out of facets and exports."""
import pytest
from django.urls import reverse

from discovery.service import iter_articles, run_search
from discovery.state import SearchState
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(temp_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_article("五组关键数据回望", "编辑：小王 ↓分享 ↓点赞 ↓在看", is_empty=True, published="2026-02-01",
                     source="上海科技")
        make_article("关键数据解读", "五组关键数据回望过去一年，科技投入持续增长。", published="2025-01-01",
                     source="文汇报")


def test_an_empty_article_is_found_by_its_title_and_marked(corpus):
    page = run_search(SearchState(q="五组关键数据回望"))
    assert [r["title"] for r in page.results] == ["关键数据解读", "五组关键数据回望"]  # after the one with a body
    assert [r["has_body"] for r in page.results] == [True, False]


def test_an_empty_article_is_not_found_by_its_body_or_source(corpus):
    assert run_search(SearchState(q="点赞")).count == 0
    assert [r["title"] for r in run_search(SearchState(q="上海科技")).results] == []


def test_empty_articles_stay_out_of_facets_browsing_and_exports(corpus):
    page = run_search(SearchState(q="关键数据"))
    assert page.count == 2
    assert dict(page.counts["source"]) == {"文汇报": 1}
    assert run_search(SearchState()).count == 1
    assert [a.title for a in iter_articles(SearchState(q="关键数据"), limit=10)] == ["关键数据解读"]


def test_asked_for_they_come_everywhere(corpus, client):
    assert run_search(SearchState(empty=True)).count == 2
    assert dict(run_search(SearchState(q="关键数据", empty=True)).counts["source"]) == {"文汇报": 1, "上海科技": 1}
    assert len(list(iter_articles(SearchState(q="关键数据", empty=True), limit=10))) == 2
    response = client.get(reverse("discovery:search"), {"q": "五组关键数据回望"})
    assert "无正文（仅标题）" in response.content.decode()
