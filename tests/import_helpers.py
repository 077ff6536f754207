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
import os
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
