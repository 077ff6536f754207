"""Researchers' second pass: defects of issue 18 and the tools beside the search box, via the test client."""
import json
import re

import pytest
from django.test import override_settings
from django.utils import translation

from archive.models import Source
from discovery import apidoc
from discovery.forms import ArchiveSearchForm
from discovery.service import SERVICE_SORT_LIMIT
from discovery.state import SearchState
from tests.factories import make_article

pytestmark = pytest.mark.django_db
AI = "人工智能"


def api(client, **params):
    response = client.get("/api/search", params)
    assert response.status_code == 200, response.content
    return response.json()


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_page_past_the_end_sends_to_the_last_page(client):
    count = api(client, q=AI)["count"]
    last = (count + 19) // 20
    response = client.get("/", {"q": AI, "page": last + 3})
    assert response.status_code == 302
    assert response["Location"].endswith(f"page={last}" if last > 1 else "")
    page = client.get(response["Location"])
    assert "没有找到结果" not in page.content.decode()
    assert f"第 {(last - 1) * 20 + 1}–{count} 条" in text_of(page)


@override_settings(DEBUG=False)
@pytest.mark.parametrize("language, title", [("zh-hans", "页面不存在"), ("en", "Page not found")])
def test_a_missing_article_gets_the_site_404_page_in_the_interface_language(client, language, title):
    client.cookies["django_language"] = language
    response = client.get("/articles/99999/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    body = response.content.decode()
    assert title in body
    assert 'class="site-nav"' in body and 'name="q"' in body
    assert 'rel="icon"' in body


def test_favicon_ico_redirects_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and "favicon" in response["Location"]


def test_a_query_over_the_limit_is_explained_in_chinese_characters_too(client):
    response = client.get("/", {"q": "人工智能" * 130})  # 520 characters, ~4,700 bytes in the URL
    assert response.status_code == 400
    assert "最多 500 个字符" in response.content.decode() or "500" in text_of(response)


def test_gunicorn_accepts_request_lines_long_enough_for_500_chinese_characters():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("gconf", Path(__file__).parent.parent / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    from urllib.parse import quote
    assert conf.limit_request_line > len("GET /?q=" + quote("检" * 500) + " HTTP/1.1") + 1000


@pytest.mark.parametrize("param, typed, indexed", [
    ("issuer", "市科委", "上海市科学技术委员会"),
    ("cites", "国科发监(2023)167号", "国科发监〔2023〕167号"),
    ("cites", "国科发监（2023）167号", "国科发监〔2023〕167号"),
])
def test_facet_parameters_are_normalised_like_the_index(client, param, typed, indexed):
    assert api(client, **{param: typed})["count"] == api(client, **{param: indexed})["count"] > 0


def test_a_reversed_date_range_is_explained_in_words_on_the_to_field(client):
    response = client.get("/", {"from": "2026-01-01", "to": "2025-01-01"})
    assert response.status_code == 400
    body = text_of(response)
    assert "__all__" not in body
    assert "截止日期（2025-01-01）早于起始日期（2026-01-01）" in body
    assert client.get("/api/search", {"from": "2026-01-01", "to": "2025-01-01"}).json()["fields"].keys() == {"to"}


def test_the_english_no_result_page_has_no_stray_chinese_full_stop(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        body = client.get("/", {"q": "zzzxqy"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    tail = body[body.index('class="empty"'):]
    tail = tail[:tail.index("</div>")]
    assert "。" not in tail


@pytest.mark.parametrize("per_page", [20, 50, 100])
def test_per_page_sets_the_page_size(client, per_page):
    data = api(client, per_page=per_page)
    assert len(data["results"]) == min(per_page, data["count"])
    assert data["num_pages"] == -(-data["count"] // per_page)


def test_per_page_rejects_other_sizes(client):
    assert client.get("/api/search", {"per_page": 7}).status_code == 400


def test_per_page_links_keep_the_state_and_reset_the_page(client):
    body = client.get("/", {"q": AI, "page": 2}).content.decode()
    assert f'href="?q={"%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD"}&amp;per_page=50"' in body


def test_the_url_parameters_agree_between_form_state_and_openapi():
    documented = {p["name"] for p in apidoc.PARAMETERS}
    form_fields = {ArchiveSearchForm.URL_ALIASES.get(k, k) for k in ArchiveSearchForm.base_fields}
    aliases = {v: k for k, v in ArchiveSearchForm.URL_ALIASES.items()}
    assert {aliases.get(name, name) for name in ArchiveSearchForm.base_fields} - {"models"} == documented
    state = SearchState(q="x", source=("a",), per_page=50, facet_sort="name", sort="title", page=2)
    assert {k for k, _ in state.params()} <= documented
    assert form_fields


def test_sort_by_title_orders_the_whole_result_set(client):
    data = api(client, q=AI, sort="title", per_page=100)
    assert data["count"] <= SERVICE_SORT_LIMIT
    strip = re.compile(r"^(?:【[^】]*】\s*)+")
    titles = [strip.sub("", r["title"]).strip() for r in data["results"]]
    assert titles == sorted(titles) and len(titles) == data["count"]
    second = api(client, q=AI, sort="title", per_page=20, page=2)["results"]
    assert [r["id"] for r in second] == [r["id"] for r in data["results"][20:40]]


def test_sort_by_source_groups_sources_in_name_order_newest_first_within(client):
    results = api(client, sort="source", per_page=100)["results"]
    keys = [(r["source"], r["published"]) for r in results]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    for a, b in zip(keys, keys[1:]):
        if a[0] == b[0]:
            assert a[1] >= b[1]


def test_sort_links_offer_date_source_and_title(client):
    body = client.get("/", {"q": AI}).content.decode()
    for key in ("relevance", "newest", "oldest", "source", "title"):
        assert f'data-sort="{key}"' in body


def test_facet_values_can_be_sorted_by_name(client):
    data = client.get("/", {"facet_sort": "name"}).context["facets"]
    sources = next(f for f in data if f.param == "source")
    labels = [v.label for v in sources.values]
    assert labels == sorted(labels)
    by_count = next(f for f in client.get("/").context["facets"] if f.param == "source")
    counts = [v.count for v in by_count.values]
    assert counts == sorted(counts, reverse=True)


def test_facet_toggles_return_to_the_results_list(client):
    body = client.get("/", {"q": AI}).content.decode()
    assert 'action="/search/#hits"' in body
    assert re.search(r'data-url="\?[^"]*#hits"', body)
    assert 'id="hits"' in body and 'tabindex="-1"' in body


def test_a_chosen_month_keeps_its_neighbours_in_the_chart(client):
    ctx = client.get("/", {"from": "2025-10-01", "to": "2025-10-31"}).context
    bars = [bar for bar in ctx["histogram"].bars if bar.value]
    assert len(bars) > 1
    chosen = [bar for bar in bars if bar.selected]
    assert [bar.key for bar in chosen] == ["2025-10"]
    other = next(bar for bar in bars if not bar.selected)
    assert f"from={other.key}-01" in other.url and "2025-10-01" not in other.url
    assert "from=" not in chosen[0].url


def test_sources_page_lists_only_sources_with_articles(client):
    Source.objects.create(name="空来源测试", kind=Source.Kind.WECHAT)
    body = client.get("/sources/").content.decode()
    assert "空来源测试" not in body
    assert all(s.count for s in client.get("/sources/").context["sources"])


def test_trends_bars_open_the_articles_and_charts_have_a_scale(client):
    body = client.get("/trends/", {"q": AI}).content.decode()
    hrefs = re.findall(r'<a href="([^"]+)" aria-label="[^"]*" data-month', body)
    assert hrefs and all(h.startswith("/search/?") for h in hrefs)
    assert 'class="y-scale"' in body


def test_trends_take_every_filter_and_whole_archive_terms_skip_generic_words(client):
    source = api(client)["facets"]["source"][0]["value"]
    report = client.get("/trends/", {"source": source, "kind": "新闻"}).context["report"]
    assert report.count == api(client, source=source, kind="新闻")["count"]
    words = [t.word for t in client.get("/trends/").context["report"].terms]
    assert words and not {"场景", "形成", "有关", "进一步"} & set(words)


def test_cite_exports_of_the_whole_result_set_in_three_formats(client):
    # The exports' set: the results with body text (title-only articles only with empty=1).
    exported = json.loads(b"".join(client.get("/export.json", {"q": AI}).streaming_content))
    count = len(exported["results"])
    assert 0 < count <= api(client, q=AI)["count"]
    bib = b"".join(client.get("/cite.bib", {"q": AI}).streaming_content).decode()
    assert bib.count("\n@") + bib.startswith("@") == count
    ris = client.get("/cite.ris", {"q": AI})
    assert ris["Content-Type"].startswith("application/x-research-info-systems")
    assert b"".join(ris.streaming_content).decode().count("ER  - ") == count
    gbt = b"".join(client.get("/cite.txt", {"q": AI}).streaming_content).decode().splitlines()
    assert len(gbt) == count and gbt[0].startswith("[1] ") and gbt[-1].startswith(f"[{count}] ")


def test_cite_export_of_marked_results_keeps_their_order_and_skips_hidden(client):
    ids = [r["id"] for r in api(client, q=AI)["results"][:3]]
    hidden = make_article("隐藏文章", "正文", status="hidden")
    params = [("id", str(pk)) for pk in (ids[2], ids[0], hidden.pk)]
    query = "&".join(f"{k}={v}" for k, v in params)
    text = b"".join(client.get("/cite.txt?" + query).streaming_content).decode().splitlines()
    assert len(text) == 2
    assert client.get("/cite.txt?id=abc").status_code == 400


def test_cite_exports_escape_nothing_into_markup_and_are_plain_text(client):
    response = client.get("/cite.txt", {"q": AI})
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_advanced_search_writes_the_query_syntax_and_redirects(client):
    response = client.get("/search/advanced/", {
        "all": "人工智能 大模型", "phrase": "具身智能", "any": "上海 江苏", "none": "招聘",
        "title_only": "on", "from": "2025-01-01", "to": "2026-12-31", "source": ["上海科技"]})
    assert response.status_code == 302
    location = response["Location"]
    from urllib.parse import parse_qs, urlsplit
    query = parse_qs(urlsplit(location).query)
    assert query["q"] == ['title:人工智能 title:大模型 title:"具身智能" (title:上海 OR title:江苏) -title:招聘']
    assert query["from"] == ["2025-01-01"] and query["source"] == ["上海科技"]
    assert client.get(location).status_code == 200


def test_advanced_search_form_renders_without_javascript(client):
    body = client.get("/search/advanced/").content.decode()
    for name in ("all", "phrase", "any", "none", "title_only", "from", "to", "source"):
        assert f'name="{name}"' in body
    assert "<script>" not in body and " onclick=" not in body


def test_pages_have_no_inline_scripts_or_handlers(client):
    for url in ("/", "/?q=人工智能", "/trends/", "/search/advanced/", "/sources/", "/help/"):
        body = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), url
        assert not re.search(r"\son[a-z]+=", body), url
        assert "//cdn" not in body and "https://unpkg" not in body, url
