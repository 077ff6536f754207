"""The import_articles command end to end: real files in, exit codes, messages and rows out.

Contract (docs: ../shared/DESIGN.md, "Contracts"): one line per file on stdout,
``PATH: created N, updated N, unchanged N, duplicate N, rejected N``; one line per
rejected record on stderr, ``PATH:RECORD: reason``; ``PATH: reason`` on stderr for a
file that cannot be read. Exit 0 when nothing was rejected, 1 when some records were
rejected (the good ones are kept), 2 when a file could not be read (nothing from it kept).

The test database already holds the imported fixtures/ corpus (tests/conftest.py), so
tests count rows before and after, use fresh URLs and titles, or clear the articles
first (inside the test's transaction, which is rolled back afterwards).
"""
import codecs
import datetime
import io
import json
import shutil
from collections import namedtuple
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from archive.ingest.urls import canonical_wechat_url
from archive.models import Article, ImportBatch, Source
from discovery.service import run_search
from discovery.state import SearchState

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = FIXTURES / "000_134cb2e8dd9af049.txt"  # newspaper digest: stories closed by 「来源:3月15日《解放日报》」
WECHAT = FIXTURES / "001_524c09a7caf88097.txt"  # JSON array of WeChat articles, mixed Chinese/English keys
SCRAPED = FIXTURES / "002_e45649dfd47dd5b7.txt"  # one scraped article with a header line and sidebar tail
PAGES_OPTIONS = ("--year", "2026", "--source", "长三角报摘")  # what fixtures/manifest.json says for 000

PLAIN_KEYS = {"文章标识符aid": "aid", "标题title": "title", "链接url": "url", "时间time": "time",
              "公众号名称": "account", "finalContent": "content"}
REJECTED = "{} record(s) rejected; the others were imported"
UNREADABLE = "{} file(s) could not be read; nothing from them was kept"
UNDECODABLE = "cannot decode: not UTF-8, UTF-8 with BOM, UTF-16 or GB18030"
BOILERPLATE = "编辑：蓝悦↓分享\r↓点赞\r↓在看\r\r"  # seed 001 record 6, all of its content
BODY = "上海市科学技术委员会发布通知，支持长三角企业联合开展关键核心技术攻关，推动科技成果转化。"
MISSING = object()

Outcome = namedtuple("Outcome", "code out err error")


# ---------------------------------------------------------------- helpers

def run(*args):
    """Run the real command; return (returncode, stdout, stderr, CommandError message or "")."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        return Outcome(exc.returncode, out.getvalue(), err.getvalue(), str(exc))
    return Outcome(0, out.getvalue(), err.getvalue(), "")


def line(path, created=0, updated=0, unchanged=0, duplicate=0, rejected=0):
    """Return the stdout line the command prints for one file."""
    return (f"{path}: created {created}, updated {updated}, unchanged {unchanged}, "
            f"duplicate {duplicate}, rejected {rejected}\n")


def write_json(tmp_path, name, records, encoding="utf-8"):
    """Write records as one JSON document (array or object) and return its path."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(json.dumps(records, ensure_ascii=False, indent=1).encode(encoding))
    return path


def write_jsonl(tmp_path, name, records):
    """Write records one JSON object per line and return the path."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def write_text(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def seed_records():
    """Return the records of seed 001 (54 WeChat articles of 上海科技)."""
    return json.loads(WECHAT.read_text(encoding="utf-8"))


def plain(record):
    """Return a seed record with plain English keys (aid, title, url, time, account, content)."""
    return {PLAIN_KEYS[key]: value for key, value in record.items()}


def moved(record, mid):
    """Return a seed record at another article URL (another mid); content untouched."""
    old = record["链接url"]
    old_mid = old.split("mid=")[1].split("&")[0]
    return {**record, "链接url": old.replace(f"mid={old_mid}", f"mid={mid}")}


def article(n, **changes):
    """Return a valid new record (plain keys) that is in no seed; MISSING drops a key."""
    record = {
        "aid": f"990000{n}_1",
        "title": f"导入测试稿第{n}号：长三角科创共同体建设新进展",
        "url": f"https://example.org/import-test/{n}",
        "time": "2025-06-01",
        "account": "导入测试号",
        "content": f"第{n}号测试稿。{BODY}\r{BODY}第{n}段结束。",
    }
    record.update(changes)
    return {key: value for key, value in record.items() if value is not MISSING}


def db_counts():
    return Article.objects.count(), Source.objects.count(), ImportBatch.objects.count()


def clear_articles():
    """Delete every article (rolled back with the test) so seed records import as new."""
    Article.objects.all().delete()
    assert Article.objects.count() == 0


def fields(article_row):
    """Return what an import decides about an article, without provenance."""
    return (article_row.title, article_row.body, article_row.published, article_row.source.name,
            article_row.is_empty, article_row.kind, article_row.doc_number, article_row.regions)


def found_titles(query):
    return [hit["title"] for hit in run_search(SearchState(q=query)).results]


# ---------------------------------------------------------------- input shapes

def test_seed_wechat_json_imports_every_record():
    """Seed 001 as exported (mixed Chinese/English keys) gives 54 articles with parsed fields."""
    clear_articles()
    result = run(WECHAT)
    assert result == (0, line(WECHAT, created=54), "", "")
    assert Article.objects.count() == 54
    first = Article.objects.get(title="AI的下一个前沿阵地是什么？AAAI 2026大会上，周伯文谈AI精专通才之路")
    assert first.published == datetime.date(2026, 2, 5)  # "2026/2/5"
    assert first.source.name == "上海科技"
    assert first.source.biz == "MzA3Mzg1NzkxMQ=="
    assert first.url == ("https://mp.weixin.qq.com/s?__biz=MzA3Mzg1NzkxMQ==&mid=2650224682&idx=1"
                         "&sn=264a60b37ad08befbfb7f83612765b3f")  # chksm and #rd dropped
    assert first.external_id == "2650224682_1"
    assert first.body.startswith("如果说ChatGPT让大模型成了“通才”")
    assert "\r" not in first.body and "\n\n近日，第四十届人工智能协会年会" in first.body
    assert first.raw == seed_records()[0]  # the record is kept verbatim


def test_seed_wechat_json_already_imported_is_unchanged():
    """A copy of seed 001 against the archive that imported it: 54 unchanged, no new batch."""
    before = db_counts()
    assert run(WECHAT) == (0, line(WECHAT, unchanged=54), "", "")
    assert db_counts() == before


def _snapshot_then_clear(records):
    urls = [canonical_wechat_url(r["链接url"]) for r in records]
    snapshot = {a.url: fields(a) for a in Article.objects.filter(url__in=urls).select_related("source")}
    assert len(snapshot) == len(records)
    clear_articles()
    return snapshot


@pytest.mark.parametrize("shape", ["json", "jsonl"])
def test_plain_english_keys_import_like_the_seed_keys(tmp_path, shape):
    """Records keyed aid/title/url/time/account/content (JSON array or JSON Lines) give the
    same articles as the seed's mixed keys did."""
    records = seed_records()
    snapshot = _snapshot_then_clear(records)
    writer = write_json if shape == "json" else write_jsonl
    path = writer(tmp_path, f"plain.{shape}", [plain(r) for r in records])
    assert run(path) == (0, line(path, created=54), "", "")
    stored = {a.url: fields(a) for a in Article.objects.select_related("source")}
    assert stored == snapshot


def test_json_lines_numbers_records_by_line(tmp_path):
    """JSON Lines: blank lines are skipped, and a rejected record is named by its line number."""
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join([json.dumps(article(1), ensure_ascii=False), "",
                               json.dumps(article(2), ensure_ascii=False),
                               json.dumps(article(3, time=None), ensure_ascii=False), ""]),
                    encoding="utf-8")
    result = run(path)
    assert result == (1, line(path, created=2, rejected=1), f"{path}:4: missing date\n", REJECTED.format(1))
    assert Article.objects.filter(url__in=[article(1)["url"], article(2)["url"]]).count() == 2


def test_single_json_object_is_one_record(tmp_path):
    """A file holding one JSON object (not an array) imports that one article."""
    record = article(1)
    path = write_json(tmp_path, "one.json", record)
    assert run(path) == (0, line(path, created=1), "", "")
    stored = Article.objects.get(url=record["url"])
    assert (stored.title, stored.published, stored.source.name) == (
        record["title"], datetime.date(2025, 6, 1), "导入测试号")
    assert stored.body == f"第1号测试稿。{BODY}\n\n{BODY}第1段结束。"


def test_folder_is_walked_recursively_without_manifest_or_hidden_files(tmp_path):
    """A folder: every file below it in name order; manifest.json gives options, is not data;
    hidden files are skipped."""
    folder = tmp_path / "batch"
    a = write_json(folder, "a.json", [article(1), article(2)])
    page = write_text(folder, "page.txt", "长三角科技创新券实现通用通兑\n"
                      "记者从上海市科委获悉，长三角科技创新券已在三省一市实现通用通兑，企业可跨区域购买检验检测服务。\n"
                      "「来源:5月20日《测试晚报》」\n")
    b = write_jsonl(folder, "sub/deeper/b.jsonl", [article(3)])
    write_json(folder, "manifest.json", {"about": "import options", "files": {"page.txt": {"year": 2024}}})
    (folder / "sub" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1\x00\x00\x10\x00")
    result = run(folder)
    assert result == (0, line(a, created=2) + line(page, created=1) + line(b, created=1), "", "")
    story = Article.objects.get(title="长三角科技创新券实现通用通兑")
    assert (story.published, story.source.name) == (datetime.date(2024, 5, 20), "测试晚报")
    assert Article.objects.filter(url=article(3)["url"]).exists()


TEXT_PARAGRAPHS = ["5月20日，上海市科委发布量子科技产业发展行动方案，提出到2027年建成若干量子计算研发平台。",
                   "方案明确，支持高校、科研院所与企业联合攻关，加快量子通信网络建设。"]


@pytest.mark.parametrize(("header", "options", "source"), [
    ("2024-05-20 09:30:00", ("--source", "上海市科委网站"), "上海市科委网站"),
    ("2024年5月20日 09:30", ("--source", "上海市科委网站"), "上海市科委网站"),
    ("2024-05-20 09:30 来源:东方网", (), "东方网"),
], ids=["iso-header+source", "chinese-header+source", "header-names-source"])
def test_plain_text_article_with_date_header(tmp_path, header, options, source):
    """Plain text: first line is the title, the header line gives the date (and maybe source)."""
    title = "上海发布量子科技产业发展行动方案"
    path = write_text(tmp_path, "article.txt", "\n\n".join([title, header, *TEXT_PARAGRAPHS]) + "\n")
    assert run(path, *options) == (0, line(path, created=1), "", "")
    stored = Article.objects.get(title=title)
    assert stored.published == datetime.date(2024, 5, 20)
    assert stored.source.name == source
    assert stored.body == "\n\n".join(TEXT_PARAGRAPHS)


def test_plain_text_article_without_any_source_is_rejected(tmp_path):
    """Plain text naming no source and no --source: the story is rejected, asking for --source."""
    path = write_text(tmp_path, "article.txt",
                      "\n".join(["上海发布量子科技产业发展行动方案", "2024-05-20 09:30:00", *TEXT_PARAGRAPHS]))
    before = db_counts()
    assert run(path) == (1, line(path, rejected=1), f"{path}:1: missing source; pass --source\n",
                         REJECTED.format(1))
    assert db_counts() == before


PAGE_STORIES = [  # (source, date, title or None when the story has no headline of its own)
    ("解放日报", datetime.date(2026, 3, 15), "上海向全球投资者推出21项新质要素"),
    ("新华日报", datetime.date(2026, 3, 15), "江苏发布脑机接口 产业创新发展行动方案"),
    ("浙江日报", datetime.date(2026, 3, 14), "嘉兴加码培育未来产业 推出43条经济新政"),
    ("安徽日报", datetime.date(2026, 3, 12), None),
    ("长三角报摘", datetime.date(2026, 3, 12), "编后"),  # the tail after the last source line
]
REPEATED = "“随着上海(长三角)国际科技创新中心启动建设,长三角科技创新和产业创新的跨区域协同也将迈入新阶段"


@pytest.mark.parametrize("how", ["options", "manifest"])
def test_multi_story_page_with_year_and_source(tmp_path, how):
    """Seed 000: five stories, each dated by its closing 「来源:3月15日《解放日报》」 line plus
    the year from --year or from a manifest.json beside the page; the repeated paragraph
    (11 copies in the page) is kept once."""
    clear_articles()
    folder = tmp_path / "pages"
    folder.mkdir()
    path = Path(shutil.copy(PAGES, folder))
    if how == "manifest":
        shutil.copy(FIXTURES / "manifest.json", folder)
        result = run(path)
    else:
        result = run(path, *PAGES_OPTIONS)
    assert result == (0, line(path, created=5), "", "")
    stored = list(Article.objects.order_by("pk").select_related("source"))
    assert [(a.source.name, a.published) for a in stored] == [(s, d) for s, d, _ in PAGE_STORIES]
    assert [a.title for a, (_, _, title) in zip(stored, PAGE_STORIES) if title] == [
        title for _, _, title in PAGE_STORIES if title]
    assert stored[3].body.count(REPEATED) == 1
    assert all("「来源" not in a.body for a in stored)


SIDEBAR = ["iPhone 15相机大升级:媲美全画幅单反", "河北初中信息科技考试方案发布:满分10分,计入中考总分",
           "南通主城区一宗优质地块成功出让", "2023-05-29", "2023-05-30"]


def test_scraped_page_drops_sidebar_and_placeholders(tmp_path):
    """Seed 002: header line gives date and source; the sidebar tail of headline/date pairs
    and the 【资料图】 placeholder are not in the stored body."""
    clear_articles()
    path = Path(shutil.copy(SCRAPED, tmp_path))
    assert run(path) == (0, line(path, created=1), "", "")
    stored = Article.objects.get()
    assert stored.title == "环球微头条丨扎实推进长三角一体化高质量发展 | 长三角合力构建科创共同体"
    assert (stored.published, stored.source.name) == (datetime.date(2023, 6, 1), "百度新闻")
    assert stored.body.startswith("长三角是全国创新能力最强的区域之一。")
    assert stored.body.endswith("新华日报·交汇点记者 蔡姝雯 张宣\n\n上观号作者:交汇点")
    assert "资料图" not in stored.body
    assert "突破核心技术“命门”" in stored.body.split("\n\n")
    for headline in SIDEBAR:
        assert headline not in stored.body
    assert stored.title not in stored.body  # the sidebar repeats the page's own headline too


def test_scraped_page_keeps_a_paragraph_scraped_many_times_once(tmp_path):
    """Seed 002 with one paragraph scraped three times over: stored once."""
    text = SCRAPED.read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n") if p.startswith("扎根长三角,面向全世界。"))
    path = write_text(tmp_path, "002_repeated.txt", text.replace(paragraph, "\n\n".join([paragraph] * 3)))
    clear_articles()
    assert run(path) == (0, line(path, created=1), "", "")
    body = Article.objects.get().body
    assert body.split("\n\n").count(paragraph) == 1


def _titles_after_import(path, *options):
    clear_articles()
    result = run(path, *options)
    assert (result.code, result.err) == (0, "")
    return sorted(Article.objects.values_list("title", flat=True))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gb18030"])
@pytest.mark.parametrize("seed", ["json", "page"])
def test_other_encodings_import_the_same_titles_as_utf8(tmp_path, seed, encoding):
    """UTF-8 with BOM, UTF-16 with BOM and GB18030 files give exactly the UTF-8 titles."""
    source, options, count = (WECHAT, (), 54) if seed == "json" else (PAGES, PAGES_OPTIONS, 5)
    text = source.read_text(encoding="utf-8")
    encoded = write_text(tmp_path, f"{seed}.{encoding}.txt", text, encoding=encoding)
    if encoding != "gb18030":
        assert encoded.read_bytes().startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    utf8_titles = _titles_after_import(source, *options)
    assert len(utf8_titles) == count
    if seed == "json":
        assert utf8_titles == sorted(" ".join(r["标题title"].split()) for r in seed_records())  # spaces collapsed
    assert _titles_after_import(encoded, *options) == utf8_titles


# ---------------------------------------------------------------- idempotence

@pytest.mark.parametrize("shape", ["json", "jsonl", "text"])
def test_importing_the_same_file_twice_changes_nothing(tmp_path, shape):
    """Second import of a file: everything unchanged, no rows, no batch, same row values."""
    if shape == "text":
        path = write_text(tmp_path, "a.txt", "\n".join(["上海发布量子科技产业发展行动方案",
                                                        "2024-05-20 09:30 来源:东方网", *TEXT_PARAGRAPHS]))
        n = 1
    else:
        writer = write_json if shape == "json" else write_jsonl
        path = writer(tmp_path, f"a.{shape}", [article(i) for i in range(1, 4)])
        n = 3
    articles, sources, batches = db_counts()
    assert run(path) == (0, line(path, created=n), "", "")
    assert db_counts() == (articles + n, sources + 1, batches + 1)
    rows = {a.pk: (a.record_hash, a.updated_at) for a in Article.objects.all()}
    assert run(path) == (0, line(path, unchanged=n), "", "")
    assert db_counts() == (articles + n, sources + 1, batches + 1)
    assert {a.pk: (a.record_hash, a.updated_at) for a in Article.objects.all()} == rows


def test_changed_title_under_same_url_updates_one_row(tmp_path):
    """Re-importing seed 001 with one record's title edited: 1 updated, 53 unchanged."""
    records = seed_records()
    records[3] = {**records[3], "标题title": "【更正】" + records[3]["标题title"]}
    path = write_json(tmp_path, "001_edited.json", records)
    articles, sources, batches = db_counts()
    assert run(path) == (0, line(path, updated=1, unchanged=53), "", "")
    assert db_counts() == (articles, sources, batches + 1)
    stored = Article.objects.get(url=canonical_wechat_url(records[3]["链接url"]))
    assert stored.title == records[3]["标题title"]
    assert stored.raw == records[3]
    assert ImportBatch.objects.order_by("-pk").values_list("created", "updated", "unchanged").first() == (
        0, 1, 53)


URL = "http://mp.weixin.qq.com/s?__biz=MzA3Mzg1NzkxMQ==&mid=2659990001&idx=1&sn=0123456789abcdef"
CANONICAL = "https://mp.weixin.qq.com/s?__biz=MzA3Mzg1NzkxMQ==&mid=2659990001&idx=1&sn=0123456789abcdef"


@pytest.mark.parametrize("variant", [
    URL + "&chksm=870b3632b07cbf24c56155fb6dd612c3#rd",
    URL + "#rd",
    URL + "&scene=21#wechat_redirect",
    URL.replace("&", "&amp;").replace("http:", "https:") + "&amp;chksm=1234abcd",
], ids=["chksm", "rd", "scene", "escaped-https"])
def test_same_article_under_volatile_url_variants_is_one_row(tmp_path, variant):
    """Two URLs that differ only in chksm / #rd / scene are one article: the second is a duplicate."""
    first = article(1, url=URL)
    second = article(1, url=variant)
    path = write_json(tmp_path, "twice.json", [first, second])
    articles = Article.objects.count()
    assert run(path) == (0, line(path, created=1, duplicate=1), "", "")
    assert Article.objects.count() == articles + 1
    assert Article.objects.filter(url=CANONICAL).count() == 1


def test_seed_record_under_volatile_url_variants_in_two_files_is_one_row(tmp_path):
    """A seed record already imported, met again in two files of one run with other chksm/scene."""
    record = seed_records()[0]
    url = record["链接url"]
    a = write_json(tmp_path, "a.json", [record])
    b = write_json(tmp_path, "b.json", [{**record, "链接url": url.replace("chksm=870b", "chksm=999b")},
                                        {**record, "链接url": url.replace("#rd", "&scene=21#wechat_redirect")}])
    before = db_counts()
    assert run(a, b) == (0, line(a, unchanged=1) + line(b, duplicate=2), "", "")
    assert db_counts() == before
    assert Article.objects.filter(url=canonical_wechat_url(url)).count() == 1


def test_same_content_under_another_url_is_a_duplicate(tmp_path):
    """Seed content republished under another article URL (against the archive, and twice within
    one file): reported as duplicate, nothing inserted."""
    records = seed_records()
    repost = moved(records[1], 2659990099)
    fresh, fresh_again = article(7), article(7, url="https://example.org/elsewhere/7", aid="other-7")
    path = write_json(tmp_path, "reposts.json", [repost, fresh, fresh_again])
    articles = Article.objects.count()
    assert run(path) == (0, line(path, created=1, duplicate=2), "", "")
    assert Article.objects.count() == articles + 1
    assert not Article.objects.filter(url=canonical_wechat_url(repost["链接url"])).exists()
    assert not Article.objects.filter(url=fresh_again["url"]).exists()


def test_dry_run_reports_counts_and_writes_nothing(tmp_path):
    """--dry-run: the same count lines as a real run, then a notice; no rows, sources or batches."""
    path = write_json(tmp_path, "new.json", [article(1), article(2, account="干运行新来源"), article(3, time="")])
    before = db_counts()
    expected_err = f"{path}:3: missing date\n"
    dry = run("--dry-run", path)
    assert dry == (1, line(path, created=2, rejected=1) + "dry run: nothing was written\n", expected_err,
                   REJECTED.format(1))
    assert db_counts() == before
    assert not Source.objects.filter(name="干运行新来源").exists()
    assert run(path) == (1, line(path, created=2, rejected=1), expected_err, REJECTED.format(1))
    assert Article.objects.count() == before[0] + 2


def test_dry_run_counts_match_a_real_run_across_files(tmp_path):
    """The same record in two files: a real run says created 1 / duplicate 1; so should --dry-run."""
    a = write_json(tmp_path, "a.json", [article(1)])
    b = write_json(tmp_path, "b.json", [article(1)])
    dry = run("--dry-run", a, b)
    assert dry.out == line(a, created=1) + line(b, duplicate=1) + "dry run: nothing was written\n"


# ---------------------------------------------------------------- empty content and the index

@pytest.mark.parametrize(("index", "content", "query"), [
    (5, BOILERPLATE, "回望"),  # seed 001 record 6 as exported
    (32, "", "超导"),  # seed 001 record 33 as exported
    (47, None, "纤维芯片"),  # seed 001 record 48, its "" content made null
], ids=["boilerplate", "empty", "null"])
def test_empty_content_is_imported_and_found_by_its_title_only(tmp_path, temp_index,
                                                                django_capture_on_commit_callbacks,
                                                                index, content, query):
    """Empty or share-boilerplate-only content: stored with is_empty=True, found by its title
    after a real article with the same title word, and never by its body."""
    seed = seed_records()[index]
    assert query in seed["标题title"] and seed["finalContent"] in (BOILERPLATE, "")
    empty = moved({**seed, "finalContent": content}, 2659990077)
    full = article(1, title=f"{query}研究取得新突破")
    path = write_json(tmp_path, "mixed.json", [plain(empty), full])
    with django_capture_on_commit_callbacks(execute=True):
        assert run(path) == (0, line(path, created=2), "", "")
    stored = Article.objects.get(url=canonical_wechat_url(empty["链接url"]))
    assert (stored.title, stored.body, stored.is_empty) == (seed["标题title"], "", True)
    assert Article.objects.get(url=full["url"]).is_empty is False
    assert found_titles(query) == [full["title"], seed["标题title"]]  # the one with a body first
    assert found_titles("点赞") == []  # boilerplate is not searched


def test_real_import_after_dry_run_in_same_process_is_indexed(tmp_path, temp_index,
                                                              django_capture_on_commit_callbacks):
    """--dry-run then a real import in one process: the imported article is searchable.

    Regression: the dry run's rolled-back transaction used to leave search.signals' pending
    set filled, so the on-commit index flush was never registered again in that thread."""
    first = write_json(tmp_path, "first.json", [article(2, title="钙钛矿材料稳定性研究")])
    with django_capture_on_commit_callbacks(execute=True):
        assert run(first) == (0, line(first, created=1), "", "")
    assert found_titles("钙钛矿") == ["钙钛矿材料稳定性研究"]  # indexing on commit works
    path = write_json(tmp_path, "new.json", [article(1, title="钙钛矿叠层电池效率创纪录")])
    assert run("--dry-run", path).out == line(path, created=1) + "dry run: nothing was written\n"
    with django_capture_on_commit_callbacks(execute=True):
        assert run(path) == (0, line(path, created=1), "", "")
    assert sorted(found_titles("钙钛矿")) == ["钙钛矿叠层电池效率创纪录", "钙钛矿材料稳定性研究"]


# ---------------------------------------------------------------- files that cannot be read

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
BROKEN_JSON = '[\n  {"title": "量子计算", "time": "2025-01-01",\n   "account": "测试号" "url": "x"}\n]\n'


def _seed_with_stray_bytes():
    data = WECHAT.read_bytes()[:3000]
    data = data[:1500] + b"\xff\xfe\xfd" + data[1500:]
    return data if len(data) % 2 else data + b"\xff"


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("broken.json", BROKEN_JSON.encode(), "invalid JSON at line 3, column 21: Expecting ',' delimiter"),
    ("trailing-comma.json", b'[{"title": "x"},]', "invalid JSON at line 1, column 17: Expecting value"),
    ("truncated.json", WECHAT.read_text(encoding="utf-8")[:20].encode(),  # '[{"文章标识符aid": "2650'
     "invalid JSON at line 1, column 15: Unterminated string starting at"),
    ("photo.json", PNG, UNDECODABLE),
    ("stray-bytes.json", _seed_with_stray_bytes(), UNDECODABLE),
    ("empty.json", b"", "file is empty"),
    ("blank.txt", " \r\n\n\u3000\n".encode(), "file is empty"),
    ("bom-only.json", codecs.BOM_UTF8, "file is empty"),
], ids=["invalid-json", "trailing-comma", "truncated", "png", "stray-bytes", "empty", "blank", "bom-only"])
def test_unreadable_file_exits_2_and_keeps_nothing(tmp_path, name, data, reason):
    """A file that cannot be read: exit 2, `PATH: reason` on stderr, no count line, no rows."""
    path = tmp_path / name
    path.write_bytes(data)
    before = db_counts()
    assert run(path) == (2, "", f"{path}: {reason}\n", UNREADABLE.format(1))
    assert db_counts() == before


def test_missing_path_exits_2(tmp_path):
    """A path that does not exist is reported like an unreadable file."""
    path = tmp_path / "no-such-export.json"
    before = db_counts()
    assert run(path) == (2, "", f"{path}: no such file or directory\n", UNREADABLE.format(1))
    assert db_counts() == before


def test_broken_json_lines_line_is_rejected_and_the_others_kept(tmp_path):
    """JSON Lines with line 3 broken: line 3 is rejected by number, lines 1-2 are imported (exit 1)."""
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(article(i), ensure_ascii=False) for i in (1, 2))
                    + '\n{"title": "第三条", "time": "2025-06-01",}\n', encoding="utf-8")
    before = Article.objects.count()
    result = run(path)
    assert result.code == 1
    assert result.out == line(path, created=2, rejected=1)
    assert result.err == f"{path}:3: invalid JSON at column 39: Expecting property name enclosed in double quotes\n"
    assert Article.objects.count() == before + 2


def test_over_long_title_is_rejected_not_crashing_the_file(tmp_path):
    """A title longer than its column is a rejected record on every database, not a crash."""
    path = write_json(tmp_path, "long.json", [article(1, title="长" * 501), article(2)])
    result = run(path)
    assert result.code == 1
    assert result.err == f"{path}:1: title is 501 characters; the limit is 500\n"
    assert result.out == line(path, created=1, rejected=1)


def test_invalid_manifest_rejects_the_files_it_describes(tmp_path):
    """A manifest.json entry with an unknown key makes the file it names unreadable (exit 2)."""
    page = write_text(tmp_path, "page.txt", "标题\n2024-05-20 09:30\n" + BODY)
    manifest = write_json(tmp_path, "manifest.json", {"files": {"page.txt": {"year": 2024, "author": "x"}}})
    before = db_counts()
    assert run(tmp_path) == (2, "", f"{page}: {manifest}: entry for page.txt must be an object with keys "
                                    "source, year\n", UNREADABLE.format(1))
    assert db_counts() == before


@pytest.mark.parametrize("unreadable_first", [True, False])
def test_one_unreadable_file_does_not_stop_the_others(tmp_path, unreadable_first):
    """Two files, one unreadable: the other's good records are imported; exit 2 wins over 1."""
    bad = write_text(tmp_path, "bad.json", BROKEN_JSON)
    good = write_json(tmp_path, "good.json", [article(1), article(2), article(3, title="")])
    articles, sources, batches = db_counts()
    paths = (bad, good) if unreadable_first else (good, bad)
    result = run(*paths)
    assert result == (2, line(good, created=2, rejected=1),
                      (f"{bad}: invalid JSON at line 3, column 21: Expecting ',' delimiter\n"
                       f"{good}:3: missing or empty title\n") if unreadable_first else
                      (f"{good}:3: missing or empty title\n"
                       f"{bad}: invalid JSON at line 3, column 21: Expecting ',' delimiter\n"),
                      UNREADABLE.format(1))
    assert db_counts() == (articles + 2, sources + 1, batches + 1)
    assert Article.objects.filter(url__in=[article(1)["url"], article(2)["url"]]).count() == 2
    assert ImportBatch.objects.order_by("-pk").values_list("created", "rejected").first() == (2, 1)


@pytest.mark.parametrize("year", [1989, 2101, 0])
def test_year_out_of_range_exits_2_before_reading(tmp_path, year):
    """--year outside 1990-2100: exit 2 with its message; nothing read, nothing written."""
    path = write_json(tmp_path, "a.json", [article(1)])
    before = db_counts()
    assert run(path, "--year", year) == (2, "", "", f"--year {year} is out of range (1990-2100)")
    assert db_counts() == before


# ---------------------------------------------------------------- records that are rejected

def _tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


BAD_RECORDS = [
    ("int", 42, "record is not an object (got int)"),
    ("string", "上海科技", "record is not an object (got str)"),
    ("null", None, "record is not an object (got null)"),
    ("array", [article(9)], "record is not an object (got list)"),
    ("missing-title", article(9, title=MISSING), "missing or empty title"),
    ("empty-title", article(9, title=""), "missing or empty title"),
    ("blank-title", article(9, title=" \u3000\r\n"), "missing or empty title"),
    ("tags-only-title", article(9, title="<p><br/></p>"), "missing or empty title"),
    ("number-title", article(9, title=2026), "title is not text (got int)"),
    ("missing-date", article(9, time=MISSING), "missing date"),
    ("null-date", article(9, time=None), "missing date"),
    ("blank-date", article(9, time="  "), "missing date"),
    ("words-date", article(9, time="昨天"), "unparseable date '昨天'"),
    ("impossible-date", article(9, time="2025-02-30"), "unparseable date '2025-02-30'"),
    ("bool-date", article(9, time=True), "unparseable date True"),
    ("pre-1990", article(9, time="1989-12-31"), "date 1989-12-31 is before 1990"),
    ("pre-1990-timestamp", article(9, time=0), "date 1970-01-01 is before 1990"),
    ("missing-source", article(9, account=MISSING), "missing source; pass --source"),
    ("list-content", article(9, content=["第一段", "第二段"]), "content is not text (got list)"),
    ("over-limit", article(9, content="科" * 1_000_001),
     "content is 1,000,001 characters; the limit is 1,000,000"),
]


@pytest.mark.parametrize(("bad", "reason"), [case[1:] for case in BAD_RECORDS], ids=[c[0] for c in BAD_RECORDS])
def test_bad_record_is_rejected_and_the_good_ones_kept(tmp_path, bad, reason):
    """One bad record between two good ones: exit 1, `PATH:2: reason`, the good two imported."""
    path = write_json(tmp_path, "mixed.json", [article(1), bad, article(2)])
    articles = Article.objects.count()
    assert run(path) == (1, line(path, created=2, rejected=1), f"{path}:2: {reason}\n", REJECTED.format(1))
    assert Article.objects.count() == articles + 2
    assert Article.objects.filter(url__in=[article(1)["url"], article(2)["url"]]).count() == 2
    assert not Article.objects.filter(url=article(9)["url"]).exists()


def test_future_date_is_rejected(tmp_path):
    """A date after today (China time) is rejected, naming the date; today itself is fine."""
    tomorrow, today = _tomorrow(), timezone.localdate()
    path = write_json(tmp_path, "dates.json", [article(1, time=today.isoformat()),
                                               article(2, time=tomorrow.strftime("%Y/%m/%d"))])
    assert run(path) == (1, line(path, created=1, rejected=1),
                         f"{path}:2: date {tomorrow.isoformat()} is in the future\n", REJECTED.format(1))
    assert Article.objects.get(url=article(1)["url"]).published == today
    assert not Article.objects.filter(url=article(2)["url"]).exists()


def test_yearless_date_needs_year(tmp_path):
    """A JSON date like 3月15日: rejected without --year, dated in that year with it."""
    path = write_json(tmp_path, "yearless.json", [article(1, time="3月15日")])
    before = db_counts()
    assert run(path) == (1, line(path, rejected=1), f"{path}:1: date '3月15日' has no year; pass --year\n",
                         REJECTED.format(1))
    assert db_counts() == before
    assert run(path, "--year", "2025") == (0, line(path, created=1), "", "")
    assert Article.objects.get(url=article(1)["url"]).published == datetime.date(2025, 3, 15)


def test_yearless_page_without_year_rejects_every_story(tmp_path):
    """Seed 000 with --source but no --year and no manifest: every story is rejected, naming the
    date that has no year; nothing is written (exit 1: the file itself was readable)."""
    path = Path(shutil.copy(PAGES, tmp_path))
    before = db_counts()
    dates = ["3月15日", "3月15日", "3月14日", "3月12日", "3月12日"]
    assert run(path, "--source", "长三角报摘") == (
        1, line(path, rejected=5),
        "".join(f"{path}:{n}: date '{d}' has no year; pass --year\n" for n, d in enumerate(dates, 1)),
        REJECTED.format(5))
    assert db_counts() == before


def test_ten_megabyte_record_is_rejected_and_the_rest_kept(tmp_path):
    """A record with ~3.4 million characters of content (a ~10 MB file) is rejected by size."""
    huge = article(9, content="长三角科创" * 680_000)
    path = write_json(tmp_path, "huge.json", [article(1), huge])
    assert path.stat().st_size > 10_000_000
    assert run(path) == (1, line(path, created=1, rejected=1),
                         f"{path}:2: content is 3,400,000 characters; the limit is 1,000,000\n",
                         REJECTED.format(1))
    assert Article.objects.filter(url=article(1)["url"]).exists()
    assert not Article.objects.filter(url=huge["url"]).exists()


def test_content_at_the_limit_is_imported(tmp_path):
    """Exactly 1,000,000 characters of content is accepted and stored."""
    paragraphs = "\r".join(f"第{i:06d}段：上海推进科技创新中心建设，长三角协同攻关。" for i in range(40_000))
    content = paragraphs[:1_000_000]
    assert len(content) == 1_000_000
    path = write_json(tmp_path, "long.json", [article(1, content=content)])
    assert run(path) == (0, line(path, created=1), "", "")
    body = Article.objects.get(url=article(1)["url"]).body
    assert body.startswith("第000000段：") and len(body) > 990_000


HTML = ("<section><p>第一段：上海发布集成电路产业新政，支持企业加大研发投入。</p>"
        "<script type=\"text/javascript\">document.write('窃取信息');alert(1)</script>"
        "<style>p { color: red }</style>"
        "<p>第二段：政策覆盖设计、制造&amp;封装测试全链条&nbsp;环节。</p><br/>"
        "<!-- 注释 --><div>第三段：<a href=\"https://example.org\">申报指南</a>另行发布。</div></section>")


def test_html_in_content_is_reduced_to_plain_text(tmp_path):
    """HTML content: tags gone, <script>/<style> content gone, entities decoded, blocks as paragraphs."""
    path = write_json(tmp_path, "html.json", [article(1, title="<b>集成电路</b>产业新政&amp;解读", content=HTML)])
    assert run(path) == (0, line(path, created=1), "", "")
    stored = Article.objects.get(url=article(1)["url"])
    assert stored.title == "集成电路产业新政&解读"
    assert stored.body == ("第一段：上海发布集成电路产业新政，支持企业加大研发投入。\n\n"
                           "第二段：政策覆盖设计、制造&封装测试全链条 环节。\n\n"
                           "第三段：申报指南另行发布。")
    for gone in ("<", ">", "窃取信息", "alert", "color", "注释"):
        assert gone not in stored.body


@pytest.mark.parametrize("shape", ["json", "text"])
def test_control_characters_are_stripped(tmp_path, shape):
    """Control and zero-width characters are removed from the stored title and body."""
    title = "量子\x00计算\x07新\u200b进展\x1b"
    paragraphs = ["第一段\x01：上海量子\u200d计算研发平台\x7f建成，算力规模全国领先。",
                  "第二段\x08：\ufeff平台向长三角企业开放\x1f，首批用户已签约入驻。"]
    if shape == "json":
        path = write_json(tmp_path, "ctl.json", [article(1, title=title, content="\r".join(paragraphs))])
        options = ()
    else:
        title, paragraphs = title.replace("\x00", ""), [p.replace("\x00", "") for p in paragraphs]
        path = write_text(tmp_path, "ctl.txt", "\n".join([title, "2024-05-20 09:30", *paragraphs]))
        options = ("--source", "上海市科委网站")
    assert run(path, *options) == (0, line(path, created=1), "", "")
    stored = Article.objects.get(title="量子计算新进展")
    assert stored.body == ("第一段：上海量子计算研发平台建成，算力规模全国领先。\n\n"
                           "第二段：平台向长三角企业开放，首批用户已签约入驻。")
