"""rebuild_index builds beside the live index and swaps it in; searches never stop answering."""
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from search.backends.whoosh.index_dirs import builds_dir, ensure_symlinked, new_build_dir, swap_in

ROOT = Path(__file__).resolve().parent.parent


def test_search_keeps_answering_while_rebuild_index_runs(live_archive, live_archive_env):
    def count():
        with urllib.request.urlopen(live_archive + "/api/search?q=%E8%84%91%E6%9C%BA%E6%8E%A5%E5%8F%A3") as r:
            assert r.status == 200
            return json.load(r)["count"]

    expected = count()
    rebuild = subprocess.Popen([sys.executable, "manage.py", "rebuild_index", "--noinput"],
                               cwd=ROOT, env=live_archive_env, stdout=subprocess.PIPE, text=True)
    answers = []
    while rebuild.poll() is None:
        answers.append(count())
    output = rebuild.stdout.read()
    assert rebuild.returncode == 0, output
    assert "Indexed 152 articles" in output
    assert len(answers) >= 3  # the rebuild takes seconds; searches ran throughout
    assert set(answers) == {expected}
    assert count() == expected  # and after the swap, from the new build


def test_swap_points_the_path_at_the_new_build_and_prunes_old_ones(tmp_path):
    path = tmp_path / "index"
    path.mkdir()
    (path / "legacy").write_text("x")
    ensure_symlinked(path)
    assert path.is_symlink() and (path / "legacy").exists()
    first = new_build_dir(path)
    swap_in(path, first)
    second = new_build_dir(path)
    swap_in(path, second)
    assert path.resolve() == second.resolve()
    assert sorted(p.name for p in builds_dir(path).iterdir()) == sorted([first.name, second.name])


def test_a_saved_edit_is_searchable_through_the_server(live_archive, live_archive_env):
    """A save in another process (autocommit, as a script or shell would) reaches the served index."""
    script = ("from archive.models import Article\n"
              "a = Article.objects.searchable().order_by('pk').first()\n"
              "a.title = '独一无二的校验标题 ' + a.title\n"
              "a.save()\n")
    subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT,
                   env=live_archive_env, check=True, capture_output=True)
    with urllib.request.urlopen(live_archive + "/api/search?q=%E7%8B%AC%E4%B8%80%E6%97%A0%E4%BA%8C") as r:
        titles = [hit["title"] for hit in json.load(r)["results"]]
    assert len(titles) == 1 and titles[0].startswith("独一无二的校验标题")
