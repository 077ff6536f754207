"""Nothing is lost from search, whatever crashes: real processes, killed with SIGKILL."""
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, prepared_archive

pytestmark = pytest.mark.slow


scratch_archive = prepared_archive


def shell(live, code):
    """Run Python in the archive's Django and return what it printed, stripped."""
    return live.manage("shell", "--verbosity", "0", "-c", code).stdout.strip()


def hits(live, q):
    return int(shell(live, "from haystack.query import SearchQuerySet\n"
                           f"print(SearchQuerySet().raw_search({q!r}).count())"))


def new_records(n, marker):
    return [{"aid": f"{marker}-{i}", "title": f"{marker}储能试点第{i}号通知", "time": "2026-03-0" + str(1 + i % 9),
             "account": "上海科技", "url": f"https://example.org/{marker}/{i}",
             "content": f"{marker}储能试点项目开展第{i}轮申报。\r支持新型储能技术。"} for i in range(n)]


def test_a_kill_right_after_an_import_commit_is_repaired_by_check_index():
    """The import commits, then dies waiting for the index: its rows are searchable after check_index."""
    with scratch_archive("crash-import") as live:
        path = live.var / "batch.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in new_records(300, "zxqvanadium")),
                        encoding="utf-8")
        # Hold the index's write lock from another process: the import's after-commit
        # index write waits for it, and is killed there.
        holder = subprocess.Popen([sys.executable, "-c", (
            "import sys, time\nfrom whoosh.filedb.filestore import FileStorage\n"
            f"lock = FileStorage({str(live.var / 'whoosh_index')!r}).lock('MAIN_WRITELOCK')\n"
            "assert lock.acquire()\nprint('locked', flush=True)\ntime.sleep(600)\n")],
            stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "locked"
            importer = subprocess.Popen([sys.executable, "manage.py", "import_articles", str(path)], cwd=ROOT,
                                        env=live.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            count = "from archive.models import Article\nprint(Article.objects.filter(title__contains='zxqvanadium').count())"
            deadline = time.monotonic() + 120
            while shell(live, count) != "300":
                assert importer.poll() is None and time.monotonic() < deadline, importer.communicate()
                time.sleep(0.5)
            importer.send_signal(signal.SIGKILL)
            importer.wait()
        finally:
            holder.kill()
            holder.wait()
        assert hits(live, "zxqvanadium") == 0  # committed, never indexed
        check = live.manage("check_index", check=False)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "applied 300 queued index change(s)" in check.stdout
        assert "index and database agree" in check.stdout
        assert hits(live, "zxqvanadium") == 300


def test_a_bulk_load_with_no_index_is_reported_until_a_rebuild_covers_it():
    """`import_articles --no-index` commits the rows and leaves the index to the rebuild that follows."""
    with scratch_archive("bulk-no-index") as live:
        path = live.var / "bulk.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in new_records(40, "zxqniobium")),
                        encoding="utf-8")
        done = live.manage("import_articles", "--no-index", str(path))
        assert done.stdout.splitlines() == [f"{path}: created 40, updated 0, unchanged 0, duplicate 0, rejected 0",
                                            "search index not updated (--no-index): run `manage.py rebuild_index`"]
        assert hits(live, "zxqniobium") == 0
        assert shell(live, "from search.index_queue import waiting\nprint(waiting())") == "0"  # nothing queued
        check = live.manage("check_index", check=False)
        assert check.returncode == 1 and "40" in check.stdout, check.stdout + check.stderr
        live.manage("rebuild_index", "--noinput")
        assert hits(live, "zxqniobium") == 40
        assert live.manage("check_index", check=False).returncode == 0


def _workers_of(var):
    """Return the pids of live processes whose environment names this archive's var dir."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes()
            state = (proc / "stat").read_text().split()[2]
        except OSError:
            continue
        if f"ARCHIVE_VAR_DIR={var}".encode() in environ.split(b"\0") and state != "Z":
            pids.append(int(proc.name))
    return pids


def test_a_killed_rebuild_leaves_no_workers_and_the_next_one_removes_its_partial_build():
    with scratch_archive("crash-rebuild") as live:
        path = live.var / "more.jsonl"
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in new_records(1500, "zxqsodium")),
                        encoding="utf-8")
        live.manage("import_articles", str(path), "--verbosity", "0")
        builds = live.var / "whoosh_index.builds"
        before = {p.name for p in builds.iterdir()}
        rebuild = subprocess.Popen([sys.executable, "manage.py", "rebuild_index", "--noinput"], cwd=ROOT,
                                   env=live.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len(_workers_of(live.var)) < 3:  # the command and its two workers
            assert rebuild.poll() is None and time.monotonic() < deadline, "rebuild ended before it was killed"
            time.sleep(0.02)
        rebuild.send_signal(signal.SIGKILL)
        rebuild.wait()
        deadline = time.monotonic() + 10
        while _workers_of(live.var) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _workers_of(live.var) == []
        partial = {p.name for p in builds.iterdir()} - before
        assert len(partial) == 1
        done = live.manage("rebuild_index", "--noinput")
        assert "removed 1 abandoned builds" in done.stdout
        assert not (builds / partial.pop()).exists()
        assert hits(live, "zxqsodium") == 1500
        assert live.manage("check_index", check=False).returncode == 0


def test_a_truncated_segment_answers_503_and_check_index_repair_brings_search_back():
    with scratch_archive("damaged-index") as live:
        index_dir = (live.var / "whoosh_index").resolve()
        (segment,) = [p for p in index_dir.iterdir() if p.suffix == ".seg"]
        with open(segment, "r+b") as f:
            f.truncate(segment.stat().st_size // 2)
        client = ("from django.test import Client\nfrom archive.models import Article\nc = Client()\n"
                  "article = f'/articles/{Article.objects.searchable().first().pk}/'\n"
                  "for path in ('/api/search?q=%E7%A7%91%E6%8A%80', '/?q=%E7%A7%91%E6%8A%80', '/sources/', '/help/', article):\n"
                  "    r = c.get(path, HTTP_HOST='localhost')\n    print(path, r.status_code)\n")
        statuses = dict(line.split() for line in shell(live, client).splitlines())
        article = next(path for path in statuses if path.startswith("/articles/"))
        assert statuses == {"/api/search?q=%E7%A7%91%E6%8A%80": "503", "/?q=%E7%A7%91%E6%8A%80": "503",
                            "/sources/": "200", "/help/": "200", article: "200"}
        check = live.manage("check_index", check=False)
        assert check.returncode == 1
        assert "index damaged: segment" in check.stderr and "check_index --repair" in check.stderr
        repair = live.manage("check_index", "--repair", check=False)
        assert repair.returncode == 0, repair.stdout + repair.stderr
        assert "rebuilt the index from the database" in repair.stdout
        statuses = dict(line.split() for line in shell(live, client).splitlines())
        assert set(statuses.values()) == {"200"}
        assert hits(live, "科技") > 50
