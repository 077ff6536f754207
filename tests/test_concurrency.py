"""Editors saving at the same moment while an import runs, against a served archive and a real index.

The archive is served by gunicorn with several worker processes; every editor is
a separate HTTP session. While import_articles (another process) writes a few
hundred articles and their index documents, editors save articles through the
admin form, two of them the same article at the same moment. Nobody may get an
error page, no change may be lost, and check_index must find the index and the
database in agreement afterwards.
"""
import json
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest

from bench.admin_client import Editor
from bench.corpus import write as write_corpus
from tests.conftest import EDITOR_PASSWORD, ROOT, serve_archive

EDITORS = ("editor", "editor2", "editor3", "editor4")
ROUNDS = 4  # saves per editor of their own article


@pytest.fixture
def live():
    with serve_archive("archive-concurrency", editors=EDITORS, workers=3) as live:
        yield live


def api(live, **params):
    with urllib.request.urlopen(live.url + "/api/search?" + urllib.parse.urlencode(params), timeout=60) as r:
        return json.loads(r.read())


def article_ids(live, n):
    """Return n searchable article ids of the served copy, newest first."""
    out = live.manage("shell", "--verbosity", "0", "-c",
                      f"from archive.models import Article; print(list(Article.objects.searchable()"
                      f".order_by('-published', '-pk').values_list('pk', flat=True)[:{n}]))")
    return json.loads(out.stdout)


def stored(live, pk, *fields):
    out = live.manage("shell", "--verbosity", "0", "-c",
                      f"import json; from archive.models import Article; "
                      f"print(json.dumps(list(Article.objects.filter(pk={pk}).values_list(*{fields!r}).get()), "
                      f"default=str, ensure_ascii=False))")
    return json.loads(out.stdout)


def test_concurrent_saves_during_an_import_lose_nothing_and_leave_the_index_consistent(live, tmp_path):
    shared, *own = article_ids(live, 1 + len(EDITORS))
    editors = [Editor(live.url, name) for name in EDITORS]
    for editor in editors:
        editor.login(EDITOR_PASSWORD)
    files = write_corpus(400, tmp_path / "batch", per_file=200, seed=7, first=900_000)
    # Two editors open the same article before anything changes.
    form_a, form_b = editors[0].open_article(shared), editors[1].open_article(shared)
    errors, start = [], threading.Barrier(len(EDITORS) + 1)

    created, import_span, save_times = [], [], []

    def importer():
        start.wait()
        began = time.monotonic()
        result = subprocess.run([sys.executable, "manage.py", "import_articles", *map(str, files)], cwd=ROOT,
                                env=live.env, capture_output=True, text=True)
        import_span.extend([began, time.monotonic()])
        if result.returncode != 0:
            errors.append(f"import exited {result.returncode}: {result.stderr[-2000:]}")
        created.extend(int(n) for n in re.findall(r"created (\d+)", result.stdout))

    def editing(i, editor):
        try:
            start.wait()
            if i == 0:
                editor.save_article(shared, form_a, title="并发编辑甲改的标题：钠电池储能")
            elif i == 1:
                time.sleep(0.05)
                editor.save_article(shared, form_b, published="2026-06-30")
            for round_ in range(ROUNDS):
                fields = editor.open_article(own[i])
                editor.save_article(own[i], fields, title=f"{editor.username}第{round_}次保存的标题：固态电池")
                save_times.append(time.monotonic())
        except Exception as exc:  # reported below, with every other failure
            errors.append(f"{editor.username}: {exc!r}")

    threads = [threading.Thread(target=importer)] + [threading.Thread(target=editing, args=(i, e))
                                                      for i, e in enumerate(editors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    log = (live.var / "gunicorn.log").read_text()
    assert not errors, errors
    assert not re.search(r"Traceback|LockError|database is locked|Internal Server Error", log), log[-3000:]
    assert all(status == 200 for editor in editors for _, status in editor.statuses)

    assert_nothing_lost(live, editors, shared, own, created, import_span, save_times)


def assert_nothing_lost(live, editors, shared, own, created, import_span, save_times):
    """Every editor's last save and every imported article is stored and searchable; the index agrees."""
    # No lost update: both editors' changes to the shared article are there.
    assert stored(live, shared, "title", "published") == ["并发编辑甲改的标题：钠电池储能", "2026-06-30"]
    for i, editor in enumerate(editors):
        assert stored(live, own[i], "title") == [f"{editor.username}第{ROUNDS - 1}次保存的标题：固态电池"]

    # Search shows every editor's last save and the imported articles.
    assert [r["id"] for r in api(live, q="钠电池储能", sort="newest")["results"]][:1] == [shared]
    found = {r["id"] for r in api(live, q="第3次保存的标题")["results"]}
    assert set(own) <= found
    imported = live.manage("shell", "--verbosity", "0", "-c",
                           "from archive.models import Article; "
                           "print(Article.objects.filter(external_id__startswith='bench').count())")
    assert int(imported.stdout) == sum(created) > 350
    # The saves really happened while the import was writing.
    assert sum(import_span[0] < t < import_span[1] for t in save_times) >= len(EDITORS)

    check = live.manage("check_index", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.splitlines()[-1] == "index and database agree"


def test_a_save_returns_while_another_process_writes_the_index_and_is_searchable_once_it_is_free(live):
    """An import writing thousands of documents holds the index for minutes: an editor's save must not wait.

    Another process takes the index's write lock (as a long import's index write does) and keeps
    it until told; the save through the admin must answer while the lock is still held (a request
    that waits for the lock would exceed its 30 s limit: the index's own wait is 60 s), then the
    change must become searchable once the lock is released, and the index agree with the database.
    """
    pk = article_ids(live, 1)[0]
    editor = Editor(live.url, "editor")
    editor.login(EDITOR_PASSWORD)
    fields = editor.open_article(pk)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys\nfrom whoosh.filedb.filestore import FileStorage\n"
        f"lock = FileStorage({str(live.var / 'whoosh_index')!r}).lock('MAIN_WRITELOCK')\n"
        "assert lock.acquire()\nprint('locked', flush=True)\nsys.stdin.readline()\n")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        editor.timeout = 30
        editor.save_article(pk, fields, title="索引忙时保存的标题：钒液流电池")
        assert holder.poll() is None  # the lock was still held when the save answered
        assert stored(live, pk, "title") == ["索引忙时保存的标题：钒液流电池"]
        assert api(live, q="钒液流电池")["count"] == 0  # not yet: the index is taken
    finally:
        holder.communicate("release\n", timeout=30)
    deadline = time.monotonic() + 120
    while api(live, q="钒液流电池")["count"] == 0:
        assert time.monotonic() < deadline, "the save never reached the index after the lock was released"
        time.sleep(0.5)
    assert [r["id"] for r in api(live, q="钒液流电池")["results"]] == [pk]
    log = (live.var / "gunicorn.log").read_text()
    assert not re.search(r"Traceback|Internal Server Error", log), log[-3000:]
    check = live.manage("check_index", check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_save_that_finds_sqlite_locked_past_its_wait_gets_a_503_page_and_nothing_is_lost(monkeypatch):
    """Another process holds SQLite's write lock longer than the wait: a clear 503, then the save works."""
    import os
    import sqlite3

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("SQLite's database-wide write lock only; PostgreSQL locks rows")
    monkeypatch.setenv("ARCHIVE_SQLITE_TIMEOUT", "1")
    with serve_archive("archive-sqlite-busy", editors=("editor",)) as live:
        pk = article_ids(live, 1)[0]
        editor = Editor(live.url, "editor")
        editor.login(EDITOR_PASSWORD)
        fields = editor.open_article(pk)
        holder = sqlite3.connect(live.var / "archive.sqlite3", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # what an import's file transaction holds
        try:
            data = [(k, v) for k, v in fields if k != "title"] + [("title", "锁住时保存的标题"), ("_save", "保存")]
            status, html = editor.request(f"/admin/archive/article/{pk}/change/", data)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert status == 503, html[:300]
        assert "档案库正忙" in html and "什么也没有保存" in html
        assert stored(live, pk, "title") != ["锁住时保存的标题"]
        editor.save_article(pk, editor.open_article(pk), title="锁放开后保存的标题")
        assert stored(live, pk, "title") == ["锁放开后保存的标题"]
        log = (live.var / "gunicorn.log").read_text()
        assert "Traceback" not in log and "Internal Server Error" not in log, log[-3000:]
