"""Pages and the JSON API through Django's test client, on the imported seed corpus."""
import datetime
import html
import json
import random
import re

import pytest
from django.conf import settings
from django.utils import timezone

from archive.models import Article
from search.indexing import reindex_articles
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
    # The contract's keys, plus the research fields.
    assert set(data["results"][0]) == {"id", "title", "source", "published", "url", "permalink",
                                       "topics", "regions", "kind", "snippet", "doc_number",
                                       "issuing_bodies", "cited_numbers", "deadline", "has_body"}
    assert set(data["facets"]) == {"source", "topic", "region", "kind", "month", "issuer", "cites", "deadline"}
    assert all(set(v) == {"value", "count"} for values in data["facets"].values() for v in values)
    assert all(values for name, values in data["facets"].items())


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
    for shown in (page, detail):
        assert "<script>alert" not in shown and "<img src=x" not in shown
        assert "&lt;script&gt;alert" in shown
    snippet = json.loads(api_text)["results"][0]["snippet"]
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet and "<mark>量子计算</mark>" in snippet


def test_interface_is_chinese_first_with_an_english_switch(client):
    assert "长三角科技政策资讯库" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/", {"q": "脑机接口"}).content.decode()
    assert "Yangtze Delta Sci-Tech Policy Archive" in html and "results for" in html


# -- Facets on the page equal the totals their filters give ------------------------------

SUMMARY_RE = re.compile(r"共 (\d+) (?:条结果|篇文章)")
BODILESS_RE = re.compile(r"其中 (\d+) 篇无正文")
FACET_VALUE_RE = re.compile(
    r'<input type="checkbox" name="(?P<param>\w+)" value="(?P<value>[^"]*)" data-url="(?P<url>[^"]*)"[^>]*>'
    r'.*?<span class="count">(?P<count>\d+)<', re.S)
BAR_RE = re.compile(r'<a href="(?P<url>\?[^"]*)" aria-label="[^"]*" data-month="(?P<month>[\d-]+)" '
                    r'data-count="(?P<count>\d+)">')


def page_total(client, query):
    """Return the results with body text a page reports (those without are not in facet counts)."""
    response = client.get("/" + html.unescape(query))
    assert response.status_code == 200
    content = response.content.decode()
    bodiless = BODILESS_RE.search(content)
    return int(SUMMARY_RE.search(content)[1]) - (int(bodiless[1]) if bodiless else 0)


def shown_facets(content):
    return [m.groupdict() for m in FACET_VALUE_RE.finditer(content)]


def test_every_facet_count_on_the_page_equals_the_total_its_filter_gives(client):
    content = client.get("/", {"q": "人工智能"}).content.decode()
    values = shown_facets(content)
    bars = [m.groupdict() for m in BAR_RE.finditer(content)]
    params = {v["param"] for v in values}
    assert params == {"source", "topic", "region", "kind", "issuer", "cites", "deadline"}
    assert len(values) > 40 and len(bars) >= 5
    for shown in values + bars:
        assert page_total(client, shown["url"]) == int(shown["count"]), shown


def test_facets_are_multi_select_within_and_intersect_across(client):
    both = api(client, q="人工智能", source=["上海科技", "科创长宁"])
    one, other = api(client, q="人工智能", source="上海科技"), api(client, q="人工智能", source="科创长宁")
    assert both["count"] == one["count"] + other["count"]
    # the source facet ignores its own filter; the others follow it
    assert both["facets"]["source"] == api(client, q="人工智能")["facets"]["source"]
    narrowed = api(client, q="人工智能", source="科创长宁", kind="通知")
    kinds = {f["value"]: f["count"] for f in other["facets"]["kind"]}
    assert narrowed["count"] > 0
    assert narrowed["count"] == kinds["通知"]


def test_issuer_facet_counts_short_and_full_names_as_one_body(client):
    issuers = {f["value"]: f["count"] for f in api(client)["facets"]["issuer"]}
    assert "市科委" not in issuers and issuers["上海市科学技术委员会"] >= 20
    data = api(client, issuer="上海市科学技术委员会", q="小巨人")
    assert [r["doc_number"] for r in data["results"]] == ["沪科合〔2026〕1号"]


def test_cites_lists_every_article_citing_a_document(client):
    data = api(client, cites="国科发监〔2023〕167号")
    assert data["count"] == 7
    assert all("国科发监〔2023〕167号" in r["cited_numbers"] for r in data["results"])


def test_deadline_filter_open_now_and_any(client, temp_index, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        make_article("量子项目申报通知", "量子。", deadline=today + datetime.timedelta(days=10))
        make_article("往年量子项目申报通知", "量子。", deadline=today - datetime.timedelta(days=10))
        make_article("量子新闻", "量子。")
    assert [r["title"] for r in api(client, q="量子", deadline="open")["results"]] == ["量子项目申报通知"]
    assert api(client, q="量子", deadline="any")["count"] == 2
    assert api(client, q="量子")["facets"]["deadline"] == [{"value": "open", "count": 1}, {"value": "any", "count": 2}]
    html_ = client.get("/", {"q": "量子", "deadline": "open"}).content.decode()
    assert "申报中" in html_ and "（申报中）" in html_
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.filter(deadline__gte=today).update(deadline=today - datetime.timedelta(days=1))
        reindex_articles(Article.objects.values_list("pk", flat=True))
    assert api(client, q="量子", deadline="open")["count"] == 0


def test_chips_show_active_filters_with_remove_links_and_clear_all(client):
    content = client.get("/", {"q": "人工智能", "source": "上海科技", "from": "2025-10-01",
                               "to": "2025-10-31"}).content.decode()
    chips_html = content[content.index('class="chips"'):content.index("</div>", content.index('class="chips"'))]
    assert "来源：</span>上海科技" in chips_html and "日期：</span>2025年10月" in chips_html
    assert 'href="?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD&amp;from=2025-10-01&amp;to=2025-10-31"' in chips_html
    assert 'class="clear-all" href="?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD"' in chips_html


def test_a_histogram_bar_narrows_to_its_month(client):
    content = client.get("/", {"q": "人工智能"}).content.decode()
    bar = next(m.groupdict() for m in BAR_RE.finditer(content) if int(m["count"]) > 1)
    narrowed = client.get("/" + html.unescape(bar["url"])).content.decode()
    assert page_total(client, bar["url"]) == int(bar["count"])
    assert "2025年" in narrowed or "2026年" in narrowed
    assert f'from={bar["month"]}-01' in bar["url"]


def test_year_shortcuts_stay_available_inside_a_date_range(client):
    content = client.get("/", {"from": "2026-01-01", "to": "2026-12-31"}).content.decode()
    years = re.findall(r'<a href="\?from=(\d{4})-01-01&amp;to=\1-12-31"( aria-current="true")?>', content)
    assert ("2025", "") in years and ("2026", ' aria-current="true"') in years


def test_pages_are_numbered_and_the_url_reproduces_them(client):
    first = api(client, page=1)
    second = api(client, page=2)
    assert second["results"][0]["id"] not in {r["id"] for r in first["results"]}
    assert api(client, page=2) == second
    content = client.get("/", {"page": 2}).content.decode()
    assert '<span aria-current="page">2</span>' in content and 'href="?page=3"' in content
    beyond = client.get("/", {"page": 999})  # past the end: the last page, not "no results"
    assert beyond.status_code == 302 and beyond["Location"] == f"/?page={first['num_pages']}"


def test_no_results_suggest_which_filter_to_drop(client):
    content = client.get("/", {"q": "脑机接口", "source": "新华日报", "kind": "通知"}).content.decode()
    assert "没有找到结果" in content
    assert "去掉“类型：通知”" in content and "（1 条）" in content
    assert 'href="?q=%E8%84%91%E6%9C%BA%E6%8E%A5%E5%8F%A3&amp;source=%E6%96%B0%E5%8D%8E%E6%97%A5%E6%8A%A5"' in content
    assert "去掉全部筛选条件，只按检索词" in content


def test_a_query_that_cannot_be_parsed_is_retried_as_words(client):
    content = client.get("/", {"q": '脑机接口 "标准'}).content.decode()
    assert "检索式无法解析，已按普通词语检索。" in content or "<mark>脑机接口</mark>" in content
    assert api(client, q="title:")["count"] >= 0


def hostile_queries():
    rng = random.Random(20260301)
    fixed = ['"', '"unbalanced', "unbalanced\"", "(((", ")))", "[2026 TO", "{", "}", "title:", "title:\"",
             "title:(", "*", "?", "**", "*:*", "a" * 2000, "科" * 501, "😀🚀", "🇨🇳 人工智能 👩‍🔬",
             "' OR 1=1 --", "'; DROP TABLE archive_article; --", "<script>alert(1)</script>",
             "</textarea><img src=x onerror=alert(1)>", "&lt;b&gt;", "NOT", "OR", "AND", "OR OR", "-", "--",
             "+", "~", "^", "\\", "\\\\", "%", "%00", "\u200b", "\ufeff", "\t\n", "  ", "沪科合〔2026", "〕1号",
             "title:人工智能 OR", "-人工智能", "NOT 人工智能", "人工智能^10", "人工智能~2", "source:上海科技",
             "docno:*", "text:(a OR", "\"人工 智能\"~3", "a:b:c", "::", "@#$%^&*()", "\x01\x02"]
    alphabet = list('"()[]{}:*?~^+-!\\/|&<>\'%;,.= ') + list("人工智能芯片量子科技ORANDNOTtitle") + ["😀", "〔", "〕"]
    generated = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(200 - len(fixed))]
    return fixed + generated


def test_two_hundred_hostile_queries_never_give_a_server_error(client):
    queries = hostile_queries()
    assert len(queries) == 200
    for q in queries:
        for url in ("/", "/api/search"):
            response = client.get(url, {"q": q})
            assert response.status_code in (200, 400), (url, q, response.status_code)
            if response.status_code == 200 and url == "/":
                assert "<script>alert(1)" not in response.content.decode()
    assert client.get("/", {"q": "a" * 2000}).status_code == 400
    assert client.get("/", {"q": "x\x00y"}).status_code == 400


@pytest.mark.parametrize("url", ["/export.csv", "/export.json", "/feed.atom", "/calendar.ics", "/trends/",
                                 "/api/trends"])
def test_hostile_queries_on_exports_feeds_and_trends(client, url):
    for q in hostile_queries()[:40]:
        response = client.get(url, {"q": q})
        assert response.status_code in (200, 400), (url, q)
        if response.streaming:
            b"".join(response.streaming_content)


# -- Browse, help, article ---------------------------------------------------------------

def test_sources_page_lists_counts_date_ranges_and_regions(client):
    content = client.get("/sources/").content.decode()
    total = api(client)["count"]
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', content)]
    assert sum(counts) == total
    assert 'href="/search/?source=%E7%A7%91%E5%88%9B%E9%95%BF%E5%AE%81">科创长宁</a>' in content
    assert "<td>江苏</td>" in content  # 新华日报
    assert re.search(r"\d{4}-\d{2}-\d{2}</time> – <time", content)


def test_topics_page_lists_every_topic_with_count_and_description(client):
    content = client.get("/topics/").content.decode()
    assert content.count("<li>") >= 15
    assert "大模型、智能体、算力与“人工智能+”应用" in content
    ai = int(re.search(r'>人工智能</a> <span class="count">(\d+) 篇', content)[1])
    assert ai == api(client, topic="人工智能")["count"]


def test_documents_page_lists_cited_numbers_most_cited_first(client):
    content = client.get("/documents/").content.decode()
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td>([^<]*)</td>\s*'
                      r'<td class="num">(?:<a href="([^"]+)"[^>]*>)?(\d+)', content)
    assert rows[0][0] == "国科发监〔2023〕167号" and rows[0][1] == "科学技术部" and rows[0][3] == "7"
    cited = [int(r[3]) for r in rows]
    assert cited == sorted(cited, reverse=True) and len(rows) >= 47
    assert page_total(client, rows[0][2].replace("/search/", "")) == 7
    assert "沪科合〔2026〕1号" in content  # held in the archive though cited by none


def test_help_page_explains_syntax_and_describes_the_api(client):
    content = client.get("/help/").content.decode()
    for text in ('"…"', "<code>OR</code>", "<code>title:</code>", "<code>-</code>", "/api/openapi.json",
                 "GB/T 7714-2015", "openapi"):
        assert text in content
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"] == "3.1.0"
    names = [p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]]
    assert names == ["q", "source", "topic", "region", "kind", "issuer", "cites", "from", "to", "deadline",
                     "literal", "empty", "sort", "page", "per_page", "facet_sort"]
    results = spec["paths"]["/api/search"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(results["properties"]["results"]["items"]["properties"]) == set(api(client)["results"][0])


def article_with(client, **params):
    return api(client, **params)["results"][0]
