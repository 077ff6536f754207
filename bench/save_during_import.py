"""How long an editor's admin save waits while a large import runs: python bench/save_during_import.py

Serves a fresh copy of the archive (fixtures/ imported, index built) with gunicorn, then
editors save articles through the real admin change form over HTTP, first with nothing
else running (the baseline), then while `import_articles` (another process, indexing on
commit as an operator runs it) writes a file of --articles generated articles in one
transaction. Reports each save's wait (the POST's response time), failures, the import's
time, the gunicorn log's errors and `check_index` afterwards; writes JSON.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# This process only generates the corpus and drives HTTP; the served copy has its own var dir and database.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ARCHIVE_VAR_DIR", tempfile.mkdtemp(prefix="bench-save-parent-"))
import django  # noqa: E402

django.setup()

from bench.admin_client import Editor  # noqa: E402
from bench.corpus import write as write_corpus  # noqa: E402
from bench.run import summary  # noqa: E402
from tests.conftest import EDITOR_PASSWORD, serve_archive  # noqa: E402

SAVE = "/change/"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000, help="articles in the imported file")
    parser.add_argument("--editors", type=int, default=2, help="editors saving at the same time")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds an editor waits between saves")
    parser.add_argument("--baseline-saves", type=int, default=10, help="saves per editor before the import")
    parser.add_argument("--out", default=str(ROOT / "bench" / "out" / "save-during-import.json"))
    return parser.parse_args()


def article_ids(live, n: int) -> list[int]:
    out = live.manage("shell", "--verbosity", "0", "-c",
                      "from archive.models import Article; print(list(Article.objects.searchable()"
                      f".order_by('pk').values_list('pk', flat=True)[:{n}]))")
    return json.loads(out.stdout)


def save_once(editor: Editor, pk: int, n: int) -> tuple[float, bool]:
    """Open the article's change form, save it with a new title; return (POST seconds, saved)."""
    fields = editor.open_article(pk)
    try:
        editor.save_article(pk, fields, title=f"{editor.username}第{n}次保存：储能电池")
        saved = True
    except AssertionError:
        saved = False
    path, seconds = editor.timings[-1]
    assert path.endswith(SAVE) and editor.statuses[-1][0] == path
    return seconds, saved


def keep_saving(editor: Editor, pk: int, until, pause: float, out: list) -> None:
    """Save pk again and again while until() is false; append (start, seconds, saved, status)."""
    n = 0
    while not until():
        began = time.monotonic()
        try:
            seconds, saved = save_once(editor, pk, n)
            status = editor.statuses[-1][1]
        except AssertionError:  # the change form itself did not open
            seconds, saved, status = time.monotonic() - began, False, editor.statuses[-1][1]
        out.append((began, seconds, saved, status))
        n += 1
        time.sleep(pause)


def run_import(live, files: list[Path], result: dict) -> None:
    began = time.monotonic()
    done = subprocess.run([sys.executable, "manage.py", "import_articles", *map(str, files)], cwd=ROOT,
                          env=live.env, capture_output=True, text=True)
    result.update(began=began, ended=time.monotonic(), returncode=done.returncode,
                  stdout=done.stdout[-2000:], stderr=done.stderr[-2000:])


def measure(live, args: argparse.Namespace, workdir: Path) -> dict:
    names = [f"editor{i}" for i in range(args.editors)]
    editors = [Editor(live.url, name) for name in names]
    for editor in editors:
        editor.login(EDITOR_PASSWORD)
    ids = article_ids(live, args.editors)
    idle: list = []
    for editor, pk in zip(editors, ids):
        for n in range(args.baseline_saves):
            idle.append((0.0, *save_once(editor, pk, 1000 + n), editor.statuses[-1][1]))
    files = write_corpus(args.articles, workdir / "batch", per_file=args.articles, seed=11, first=800_000)
    imported: dict = {}
    importer = threading.Thread(target=run_import, args=(live, files, imported))
    during: list = []
    importer.start()
    savers = [threading.Thread(target=keep_saving, args=(e, pk, lambda: not importer.is_alive(), args.pause,
                                                         during)) for e, pk in zip(editors, ids)]
    for saver in savers:
        saver.start()
    for thread in [importer, *savers]:
        thread.join()
    inside = [s for s in during if imported["began"] <= s[0] <= imported["ended"]]
    return report(live, args, idle, inside, imported)


def report(live, args: argparse.Namespace, idle: list, inside: list, imported: dict) -> dict:
    check = live.manage("check_index", check=False)
    log = (live.var / "gunicorn.log").read_text()
    seconds = imported["ended"] - imported["began"]
    return {
        "command": " ".join(["python", "bench/save_during_import.py", *sys.argv[1:]]),
        "articles": args.articles, "editors": args.editors,
        "import": {"seconds": round(seconds, 1), "per_second": round(args.articles / seconds, 1),
                   "returncode": imported["returncode"], "counts": imported["stdout"].strip().splitlines()[-3:]},
        "idle_save_ms": summary([s[1] * 1000 for s in idle]),
        "during_import_save_ms": {**summary([s[1] * 1000 for s in inside]),
                                  "max_ms": round(max((s[1] for s in inside), default=0) * 1000, 1)},
        "saves_during_import": len(inside),
        "timeline": [(round(s[0] - imported["began"], 1), round(s[1], 2)) for s in inside],  # (start, wait) s
        "failed_saves": [{"status": s[3], "seconds": round(s[1], 1)} for s in idle + inside if not s[2]],
        "gunicorn_log_errors": re.findall(r"Traceback|database is locked|LockError|Internal Server Error", log),
        "check_index": {"returncode": check.returncode, "last_line": (check.stdout.strip().splitlines() or [""])[-1]},
    }


def main() -> None:
    args = parse_args()

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    editors = tuple(f"editor{i}" for i in range(args.editors))
    with serve_archive("bench-save-during-import", editors=editors, workers=2) as live:
        results = measure(live, args, live.var)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nJSON: {out}")


if __name__ == "__main__":
    main()
