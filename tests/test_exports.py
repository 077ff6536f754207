"""Taking results away: CSV and JSON exports, the Atom feed and the deadline calendar."""
import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

import pytest

from discovery import exports, feeds
from tests.factories import make_article

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def body(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def api(client, **params):
    response = client.get("/api/search", params)
    assert response.status_code == 200
    return response.json()


def all_api_ids(client, **params):
    """Return the ids of the whole result set that have body text (exports leave the others out)."""
    ids, page = [], 1
    while True:
        data = api(client, page=page, **params)
        ids += [r["id"] for r in data["results"] if r["has_body"]]
        if page >= data["num_pages"]:
            return ids
        page += 1


def read_csv(response):
    raw = body(response)
    assert raw.startswith("\ufeff".encode())  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.fixture
def corpus(temp_index, django_capture_on_commit_callbacks):
    def build(*specs):
        with django_capture_on_commit_callbacks(execute=True):
            return [make_article(*spec[:2], **(spec[2] if len(spec) > 2 else {})) for spec in specs]
    return build


def test_csv_is_the_whole_result_set_in_result_order(client):
    response = client.get("/export.csv", {"q": "人工智能"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="archive-search-')
    rows = read_csv(response)
    assert [int(r["id"]) for r in rows] == all_api_ids(client, q="人工智能")
    assert len(rows) == int(response["X-Result-Count"]) == 61  # 人工智能 or its synonym AI
    assert response["X-Export-Truncated"] == "false"
    assert list(rows[0]) == list(exports.COLUMNS)
    assert all(r["permalink"] == f"http://testserver/articles/{r['id']}/" for r in rows)


def test_csv_without_a_query_exports_more_than_one_page(client):
    rows = read_csv(client.get("/export.csv"))
    assert len(rows) == api(client)["count"] > 20
    notice = next(r for r in rows if r["doc_number"] == "沪科合〔2026〕1号")
    assert notice["issuing_bodies"] == "上海市科学技术委员会; 上海市经济和信息化委员会; 上海市财政局"
    assert notice["kind"] == "通知" and notice["source"] == "上海科技" and notice["published"] == "2026-02-04"


def test_json_export_matches_the_csv(client):
    data = json.loads(body(client.get("/export.json", {"q": "人工智能", "source": "上海科技"})))
    assert data["count"] == data["exported"] == len(data["results"]) == len(
        all_api_ids(client, q="人工智能", source="上海科技")) > 10
    assert data["truncated"] is False and data["limit"] == exports.EXPORT_LIMIT
    assert data["query"] == {"q": ["人工智能"], "source": ["上海科技"]}
    assert {r["source"] for r in data["results"]} == {"上海科技"}
    assert [r["id"] for r in data["results"]] == all_api_ids(client, q="人工智能", source="上海科技")


def test_body_1_adds_the_full_text_to_json_and_csv(client):
    from archive.models import Article

    plain = json.loads(body(client.get("/export.json", {"q": "人工智能"})))
    data = json.loads(body(client.get("/export.json", {"q": "人工智能", "body": "1"})))
    assert data["query"] == {"q": ["人工智能"], "body": ["1"]}
    assert "body" not in plain["results"][0]
    assert [r["id"] for r in data["results"]] == [r["id"] for r in plain["results"]]
    texts = dict(Article.objects.filter(pk__in=[r["id"] for r in data["results"]]).values_list("pk", "body"))
    assert all(r["body"] == texts[r["id"]] for r in data["results"]) and any("\n\n" in t for t in texts.values())
    assert {k: v for k, v in data["results"][0].items() if k != "body"} == plain["results"][0]
    rows = read_csv(client.get("/export.csv", {"q": "人工智能", "body": "1"}))
    assert list(rows[0]) == [*exports.COLUMNS, "body"]
    assert rows[0]["body"].replace("\r\n", "\n") == texts[int(rows[0]["id"])]
    assert client.get("/export.json", {"body": "all"}).json()["fields"] == {"body": ["0 or 1"]}


def test_an_export_asks_the_engine_once_and_never_reads_the_raw_record(client, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.indexing import backend

    engine = type(backend())  # the configured engine's backend class, Whoosh or Elasticsearch
    calls = []
    original = engine.search
    monkeypatch.setattr(engine, "search",
                        lambda self, *a, **k: calls.append(k.get("end_offset")) or original(self, *a, **k))
    monkeypatch.setattr(exports, "READ_CHUNK", 40)
    with CaptureQueriesContext(connection) as queries:
        rows = read_csv(client.get("/export.csv", {"body": "1"}))
    assert len(rows) > 120 and len(calls) == 2  # the count, then every id at once
    article_reads = [q["sql"] for q in queries if 'FROM "archive_article"' in q["sql"]]
    assert len(article_reads) == -(-len(rows) // 40) and not any('"raw"' in sql for sql in article_reads)


def test_result_ids_are_the_result_order_of_the_full_search():
    from discovery.service import build_queryset, result_ids
    from discovery.state import SearchState

    for state in (SearchState(q="人工智能"), SearchState(), SearchState(q="上海", sort="oldest")):
        assert result_ids(state, limit=10_000) == [int(h.pk) for h in build_queryset(state, facets=())[:10_000]]
    assert len(result_ids(SearchState(), limit=7)) == 7


def test_a_capped_export_says_so(client, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 5)
    response = client.get("/export.csv", {"q": "人工智能"})
    assert response["X-Export-Truncated"] == "true" and response["X-Export-Limit"] == "5"
    lines = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert len(lines) == 1 + 5 + 1
    assert lines[-1] == ["# truncated: exported the first 5 of 61 results; narrow the search for the rest"]
    data = json.loads(body(client.get("/export.json", {"q": "人工智能"})))
    assert data["truncated"] is True and data["exported"] == len(data["results"]) == 5 and data["count"] == 61


def test_bad_parameters_are_refused_with_400(client):
    for url in ("/export.csv", "/export.json", "/feed.atom", "/calendar.ics", "/api/trends"):
        response = client.get(url, {"from": "2026-99-01"})
        assert response.status_code == 400 and response.json()["fields"] == {"from": ["输入一个有效的日期。"]}


def test_cells_a_spreadsheet_would_run_are_defused(client, corpus):
    corpus(("=HYPERLINK(\"http://evil\")量子", "量子计算。"), ("-1+2 量子", "量子。"))
    rows = read_csv(client.get("/export.csv", {"q": "量子"}))
    assert sorted(r["title"] for r in rows) == ["'-1+2 量子", "'=HYPERLINK(\"http://evil\")量子"]


def test_atom_feed_lists_newest_matching_first(client):
    response = client.get("/feed.atom", {"q": "人工智能"})
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(body(response))
    entries = feed.findall(f"{ATOM}entry")
    newest = [r for r in api(client, q="人工智能", sort="newest")["results"] if r["has_body"]]
    assert len(entries) == min(61, feeds.FEED_ENTRIES)
    assert [e.find(f"{ATOM}title").text for e in entries[:20]] == [r["title"] for r in newest]
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href") == f"http://testserver{newest[0]['permalink']}"
    assert first.find(f"{ATOM}updated").text.startswith(newest[0]["published"])
    assert feed.find(f"{ATOM}title").text == "长三角科技政策资讯库：人工智能"


def test_atom_feed_escapes_article_text_so_readers_show_it(client, corpus):
    corpus(('量子<script>alert(1)</script>', '量子<img src=x onerror=alert(1)>正文 & 更多'))
    raw = body(client.get("/feed.atom", {"q": "量子"})).decode()
    assert "<script>" not in raw and "<img" not in raw
    entry = ET.fromstring(raw).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "量子<script>alert(1)</script>"  # text, escaped once in XML
    # The summary is HTML: its markup is escaped a second time, so a reader shows it as text.
    assert entry.find(f"{ATOM}summary").text == "量子&lt;img src=x onerror=alert(1)&gt;正文 &amp; 更多"


def test_ics_text_escaping_and_folding_follow_rfc_5545():
    assert feeds.ics_text("a;b,c\\d\ne\r\nf\x07") == "a\\;b\\,c\\\\d\\ne\\nf"
    line = "SUMMARY:" + "申报" * 40
    folded = feeds.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts) and all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *[p[1:] for p in parts[1:]]]) == line


def test_calendar_has_one_event_per_deadline_in_the_search(client):
    facets = api(client, q="申报")["facets"]
    with_deadline = dict((f["value"], f["count"]) for f in facets["deadline"])["any"]
    response = client.get("/calendar.ics", {"q": "申报"})
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = body(response).decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == with_deadline > 0
    assert "DTSTART;VALUE=DATE:20251107\r\n" in unfolded  # 沪科指南〔2025〕39号: 截止 2025年11月7日16:30
    assert "SUMMARY:申报截止：【通知】上海市科学技术委员会关于发布2025年度“上海伙伴科研计划” 项目申报指南的通知" in unfolded


def test_calendar_open_now_keeps_only_future_deadlines(client, corpus):
    today = datetime.date.today()
    corpus(("量子申报通知甲", "量子。", {"deadline": today + datetime.timedelta(days=30)}),
           ("量子申报通知乙", "量子。", {"deadline": today - datetime.timedelta(days=30)}),
           ("量子新闻", "量子。"))
    text = body(client.get("/calendar.ics", {"q": "量子", "deadline": "open"})).decode().replace("\r\n ", "")
    assert text.count("BEGIN:VEVENT") == 1 and "量子申报通知甲" in text
    text = body(client.get("/calendar.ics", {"q": "量子"})).decode().replace("\r\n ", "")
    assert text.count("BEGIN:VEVENT") == 2
