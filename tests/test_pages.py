"""Pages and the JSON API through Django's test client, on the imported seed corpus."""
import json

import pytest
from django.conf import settings

from tests.factories import make_article

pytestmark = pytest.mark.django_db

JIANGSU_BCI = "江苏发布脑机接口 产业创新发展行动方案"
BCI_STANDARD = "上海市医械院牵头起草的我国首个脑机接口医疗器械行业标准正式发布"


def api(client, **params):
    response = client.get("/api/search", params)
    assert response.status_code == 200
    return response.json()


def test_search_page_shows_the_bci_standard_in_the_top_three(client):
    response = client.get("/", {"q": "脑机接口"})
    assert response.status_code == 200
    data = api(client, q="脑机接口")
    titles = [r["title"] for r in data["results"]]
    assert BCI_STANDARD in titles[:3]
    assert JIANGSU_BCI in titles
    html = response.content.decode()
    assert "<mark>脑机接口</mark>" in html
    assert f"共 {data['count']} 条结果" in html


def test_one_character_query_returns_hits(client):
    data = api(client, q="芯")
    assert data["count"] > 0
    assert all("芯" in r["title"] or "芯" in r["snippet"] for r in data["results"])


def test_api_shape_matches_the_contract(client):
    data = api(client, q="人工智能", page=1)
    assert set(data) >= {"count", "page", "results", "facets"}
    assert set(data["results"][0]) == {"id", "title", "source", "published", "url", "permalink",
                                       "topics", "regions", "kind", "snippet"}
    assert set(data["facets"]) == {"source", "topic", "region", "kind", "month"}
    assert all(set(v) == {"value", "count"} for v in data["facets"]["source"])


def test_browse_without_query_is_newest_first_and_lists_everything(client):
    data = api(client)
    dates = [r["published"] for r in data["results"]]
    assert dates == sorted(dates, reverse=True)
    assert data["count"] == sum(f["count"] for f in data["facets"]["source"])


def test_filters_narrow_and_pages_follow(client):
    everything = api(client)["count"]
    narrowed = api(client, source="新华日报")
    assert narrowed["count"] == 1 and narrowed["results"][0]["title"] == JIANGSU_BCI
    second = api(client, page=2)
    assert second["page"] == 2 and len(second["results"]) == min(20, everything - 20)


@pytest.mark.parametrize("params", [{"from": "2026-13-01"}, {"to": "yesterday"}, {"page": "0"},
                                    {"page": "x"}, {"sort": "random"},
                                    {"from": "2026-02-01", "to": "2026-01-01"}])
def test_bad_parameters_get_400_with_a_message(client, params):
    response = client.get("/api/search", params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid parameters" and body["fields"]
    page = client.get("/", params)
    assert page.status_code == 400
    assert "检索参数有误" in page.content.decode()


def test_article_page_shows_paragraphs_and_metadata(client):
    data = api(client, q="沪科合〔2026〕1号")
    first = data["results"][0]
    response = client.get(first["permalink"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "沪科合〔2026〕1号" in html and first["title"] in html
    assert html.count("<p>") >= 3
    assert client.get("/articles/999999/").status_code == 404


def test_script_in_an_article_is_escaped_everywhere(client, temp_index, django_capture_on_commit_callbacks):
    evil = '<script>alert("x")</script>'
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(f"量子计算{evil}", f'量子计算<img src=x onerror=alert(1)>{evil}正文。')
    page = client.get("/", {"q": "量子计算"}).content.decode()
    assert "量子计算" in page
    detail = client.get(f"/articles/{article.pk}/", {"hl": "量子计算"}).content.decode()
    api_text = client.get("/api/search", {"q": "量子计算"}).content.decode()
    for html in (page, detail):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert" in html
    snippet = json.loads(api_text)["results"][0]["snippet"]
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet and "<mark>量子计算</mark>" in snippet


def test_interface_is_chinese_first_with_an_english_switch(client):
    assert "长三角科技政策资讯库" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/", {"q": "脑机接口"}).content.decode()
    assert "Yangtze Delta Sci-Tech Policy Archive" in html and "results for" in html
