"""Attention over time, top terms and related articles, on the imported seed corpus."""
import pytest

from archive.models import Article
from search import keywords
from discovery import trends
from discovery.related import related_articles
from discovery.service import iter_articles
from discovery.state import SearchState, month_bounds

pytestmark = pytest.mark.django_db


def api(client, **params):
    response = client.get("/api/search", params)
    assert response.status_code == 200
    return response.json()


def test_top_sources_per_month_add_up_to_their_facet_counts(client):
    report = trends.attention(SearchState(q="人工智能"))
    sources = api(client, q="人工智能")["facets"]["source"]
    assert [(s.name, s.total) for s in report.series] == [(f["value"], f["count"]) for f in sources[:5]]
    assert sum(report.overall.counts) == report.count == 61  # 人工智能 or its synonym AI
    assert report.months == sorted(report.months) and len(report.series[0].counts) == len(report.months)


def test_share_is_matches_over_everything_the_source_published_that_month(client):
    report = trends.attention(SearchState(q="人工智能"))
    series = report.series[0]
    i = max(range(len(report.months)), key=lambda k: series.counts[k])
    start, end = month_bounds(report.months[i])
    matched = api(client, q="人工智能", source=series.name, **{"from": start, "to": end})["count"]
    everything = api(client, source=series.name, **{"from": start, "to": end})["count"]
    assert series.counts[i] == matched
    assert series.shares[i] == pytest.approx(matched / everything)
    assert all(s is None or 0 <= s <= 1 for row in report.series for s in row.shares)


def test_trends_page_draws_charts_and_links_terms_into_the_query(client):
    response = client.get("/trends/", {"q": "人工智能"})
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('<svg class="bars"') == 2 * 5 + 1
    assert '<a href="/search/?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD+' in content  # a term added to the query
    assert "<caption>" in content  # the data table behind the charts


def test_trends_api_gives_series_shares_and_terms(client):
    data = client.get("/api/trends", {"q": "量子"}).json()
    assert len(data["series"]) <= 5 and data["overall"]["source"] is None
    assert len(data["months"]) == len(data["overall"]["counts"]) == len(data["overall"]["shares"])
    terms = [t["term"] for t in data["terms"]]
    assert "量子计算" in terms[:5] and "量子" not in terms
    assert len(terms) == 30


def test_characteristic_terms_of_the_whole_archive_fall_back_to_tf_idf():
    sample = list(iter_articles(SearchState(), limit=Article.objects.searchable().count()))
    terms = keywords.characteristic_terms(sample, limit=10)
    assert len(terms) == 10 and all(t.score > 0 and t.docs >= 2 for t in terms)


def test_keywords_are_words_of_the_article_that_other_articles_share():
    article = Article.objects.get(title="上海市医械院牵头起草的我国首个脑机接口医疗器械行业标准正式发布")
    words = keywords.article_keywords(article)
    assert "脑机接口" in words and 0 < len(words) <= 10
    assert all(w.lower() in (article.title + article.body).lower() for w in words if "〔" not in w)


def test_related_articles_share_its_subject_and_leave_it_out():
    article = Article.objects.get(title="上海市医械院牵头起草的我国首个脑机接口医疗器械行业标准正式发布")
    related = related_articles(article)
    assert len(related) == 5 and article not in related
    assert sum("脑机接口" in (r.title + r.body) for r in related) >= 3


