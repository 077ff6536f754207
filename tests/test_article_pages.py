"""The article page: links into the search, citations, related articles, marked terms, hidden and merged ones."""
import re
import pytest
from django.conf import settings
from archive.models import Article
from tests.factories import make_article

from tests.test_pages import BCI_STANDARD, JIANGSU_BCI, api, article_with, page_total  # noqa: F401

pytestmark = pytest.mark.django_db


def test_article_page_links_into_the_search_and_cites_itself(client):
    first = article_with(client, q="沪科合〔2026〕1号")
    content = client.get(first["permalink"]).content.decode()
    assert 'href="/search/?source=%E4%B8%8A%E6%B5%B7%E7%A7%91%E6%8A%80"' in content  # its source
    assert 'href="/search/?kind=%E9%80%9A%E7%9F%A5"' in content
    assert 'href="/search/?issuer=%E4%B8%8A%E6%B5%B7%E5%B8%82%E8%B4%A2%E6%94%BF%E5%B1%80">上海市财政局</a>' in content
    assert 'href="/search/?cites=%E6%B2%AA%E7%A7%91%E6%8C%87%E5%8D%97%E3%80%942025%E3%80%9531%E5%8F%B7"' in content
    assert ("上海市科学技术委员会, 上海市经济和信息化委员会, 上海市财政局. 关于公布2025年度上海市科技小巨人"
            "（含培育）企业名单的通知: 沪科合〔2026〕1号[EB/OL]. (2026-02-04)") in content
    for extension in ("bib", "ris"):
        assert f'href="/articles/{first["id"]}/cite.{extension}"' in content
    assert f'<link rel="canonical" href="http://testserver/articles/{first["id"]}/">' in content


def test_a_cited_document_links_to_every_article_citing_it(client):
    citing = api(client, cites="国科发监〔2023〕167号")["results"][0]
    content = client.get(citing["permalink"]).content.decode()
    link = "/search/?cites=%E5%9B%BD%E7%A7%91%E5%8F%91%E7%9B%91%E3%80%942023%E3%80%95167%E5%8F%B7"
    assert f'href="{link}"' in content
    assert page_total(client, link.replace("/search/", "")) == 7


def test_article_page_shows_five_related_articles_not_itself(client):
    first = article_with(client, q="脑机接口")
    content = client.get(first["permalink"]).content.decode()
    related = content[content.index('id="related-heading"'):]
    links = re.findall(r'<li><a href="/articles/(\d+)/">', related)
    assert len(links) == 5 and str(first["id"]) not in links


def test_search_terms_stay_marked_on_the_article(client):
    hit = article_with(client, q="脑机接口")
    search_html = client.get("/", {"q": "脑机接口"}).content.decode()
    # the synonyms searched (BCI) are marked too
    assert f'href="{hit["permalink"]}?hl=%E8%84%91%E6%9C%BA%E6%8E%A5%E5%8F%A3&amp;hl=bci"' in search_html
    content = client.get(hit["permalink"], {"hl": "脑机接口"}).content.decode()
    assert content.count("<mark>脑机接口</mark>") >= 2


def test_citation_downloads(client):
    pk = article_with(client, q="沪科合〔2026〕1号")["id"]
    bib = client.get(f"/articles/{pk}/cite.bib")
    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert bib["Content-Disposition"] == f'attachment; filename="article-{pk}.bib"'
    assert bib.content.decode().startswith(f"@misc{{yrd{pk}_2026,\n  author = {{{{上海市科学技术委员会}} and")
    ris = client.get(f"/articles/{pk}/cite.ris")
    assert ris.content.decode().startswith("TY  - ELEC\r\nAU  - 上海市科学技术委员会\r\n")
    assert client.get("/articles/999999/cite.ris").status_code == 404


def test_hidden_articles_are_gone_and_duplicates_lead_to_their_original(client):
    original = make_article("原文", "正文。")
    hidden = make_article("隐藏", "正文二。", status=Article.Status.HIDDEN)
    duplicate = make_article("重复", "正文三。", status=Article.Status.DUPLICATE, duplicate_of=original)
    assert client.get(f"/articles/{hidden.pk}/").status_code == 404
    response = client.get(f"/articles/{duplicate.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/articles/{original.pk}/"


def test_english_interface_translates_the_new_pages(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get("/", {"q": "人工智能", "kind": "通知"}).content.decode()
    for text in ("Filters", "Issuing body", "Applications", "Take the results", "Trends and key terms",
                 "Clear all", "Remove filter Type: Notice", "Current results per month"):
        assert text in content, text
    for url in ("/sources/", "/topics/", "/documents/", "/help/", "/trends/"):
        assert "检索" not in client.get(url).content.decode().split("<main")[0], url


def test_back_link_returns_to_the_results_the_visitor_came_from(client):
    hit = article_with(client, q="脑机接口")
    came_from = "http://testserver/search/?q=%E8%84%91%E6%9C%BA%E6%8E%A5%E5%8F%A3&page=2"
    content = client.get(hit["permalink"], HTTP_REFERER=came_from).content.decode()
    assert '<a href="/search/?q=%E8%84%91%E6%9C%BA%E6%8E%A5%E5%8F%A3&amp;page=2">← 返回检索</a>' in content
    elsewhere = client.get(hit["permalink"], HTTP_REFERER="https://evil.example/search/?q=x").content.decode()
    assert '<a href="/search/">← 返回检索</a>' in elsewhere


def test_only_http_links_are_shown_for_the_original_url(client):
    """An editor- or import-supplied javascript: URL is never rendered as a link."""
    article = make_article("链接测试", "正文。", url="javascript:alert(1)")
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert 'href="javascript:' not in html
