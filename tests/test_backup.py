"""Backup and restore: export_archive, then import_articles into an empty archive gives the same archive."""
import json
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, LiveArchive, _own_database

EDITS = """
from archive import merging
from archive.models import Article, ArticleTopic, Topic, TopicExclusion
articles = list(Article.objects.filter(is_empty=False).order_by("pk"))
hidden, keep, copy, tagged, untagged, corrected = articles[:6]
hidden.status = "hidden"; hidden.save()
merging.merge(keep, [copy])
mine = Topic.objects.create(name="编辑自建主题", slug="editors-own", rules="")
ArticleTopic.objects.update_or_create(article=tagged, topic=mine, defaults={"origin": "editor"})
pair = ArticleTopic.objects.filter(article__in=articles[6:], origin="auto").order_by("pk").first()
TopicExclusion.objects.create(article=pair.article, topic=pair.topic); pair.delete()
corrected.title = "编辑改过的标题"; corrected.save()
"""

SUMMARY = """
import json
from collections import Counter
from archive.models import Article, Source, Topic
def key(a):
    return [a.source.name, a.url, a.external_id, a.title, a.published.isoformat()]
rows = []
for a in Article.objects.select_related("source", "duplicate_of__source").order_by("pk"):
    rows.append({"key": key(a), "status": a.status, "is_empty": a.is_empty, "body": a.body, "raw": a.raw,
                 "deadline": str(a.deadline), "doc_number": a.doc_number,
                 "topics": sorted([p.topic.name, p.origin] for p in a.articletopic_set.select_related("topic")),
                 "removed": sorted(e.topic.name for e in a.topic_exclusions.select_related("topic")),
                 "duplicate_of": key(a.duplicate_of) if a.duplicate_of else None})
print(json.dumps({"statuses": Counter(a["status"] for a in rows),
                  "searchable": Article.objects.searchable().count(),
                  "topics": sorted(Topic.objects.values_list("name", "slug")),
                  "sources": sorted(Source.objects.values_list("name", "kind", "region")),
                  "articles": sorted(rows, key=lambda r: r["key"])}, ensure_ascii=False, sort_keys=True))
"""


@pytest.fixture
def archives():
    """Return a function making fresh, migrated archives (own var dir and database); removed afterwards."""
    made = []

    def make(name):
        var = Path(tempfile.mkdtemp(prefix=f"{name}-"))
        env = {**__import__("os").environ, "ARCHIVE_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "config.settings"}
        made.append((var, _own_database(env, name)))
        archive = LiveArchive(None, env, var)
        archive.manage("migrate", "--noinput", "--verbosity", "0")
        return archive

    yield make
    for var, db in made:
        shutil.rmtree(var, ignore_errors=True)
        if db:
            db.drop()


def summary(archive):
    return json.loads(archive.manage("shell", "--verbosity", "0", "-c", SUMMARY).stdout)


def test_export_then_import_into_an_empty_archive_gives_the_same_archive(archives, tmp_path):
    source = archives("backup-source")
    source.manage("import_articles", str(FIXTURES), "--verbosity", "0")
    source.manage("shell", "--verbosity", "0", "-c", EDITS)
    dump = tmp_path / "archive.jsonl"
    out = source.manage("export_archive", str(dump))
    before = summary(source)
    assert before["statuses"] == {"published": 150, "hidden": 1, "duplicate": 1}
    assert out.stdout == f"{dump}: topics 16, sources 8, articles 152\n"

    restored = archives("backup-restored")
    result = restored.manage("import_articles", str(dump))
    assert result.stdout == f"{dump}: created 152, updated 0, unchanged 0, duplicate 0, rejected 0\n"
    after = summary(restored)
    assert after == before
    check = restored.manage("check_index", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "index and database agree" in check.stdout

    again = restored.manage("import_articles", str(dump))  # reading it twice changes nothing
    assert again.stdout == f"{dump}: created 0, updated 0, unchanged 152, duplicate 0, rejected 0\n"
    assert summary(restored) == before


@pytest.mark.django_db
def test_export_lines_that_cannot_be_restored_are_reported_by_line(tmp_path, capsys):
    from django.core.management import CommandError, call_command

    from archive.models import Article

    article = {"archive_export": 1, "type": "article", "id": 9, "source": "测试来源", "title": "合并过的文章",
               "body": "正文。", "url": "", "external_id": "", "published": "2026-01-15", "original_outlet": "",
               "kind": "新闻", "doc_number": "", "cited_numbers": [], "issuing_bodies": [], "regions": "",
               "is_empty": False, "content_hash": "h", "record_hash": "r", "status": "duplicate", "raw": {},
               "deadline": None, "duplicate_of": 8, "topics": [{"name": "人工智能", "origin": "editor"}],
               "topics_removed": []}
    lines = [article, {"archive_export": 2, "type": "article"}, {**article, "id": 10, "title": "无名主题",
                                                                 "topics": [{"name": "没有的主题", "origin": "auto"}]}]
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_articles", str(path))
    assert error.value.returncode == 1
    out, err = capsys.readouterr()
    assert out == f"{path}: created 1, updated 0, unchanged 0, duplicate 0, rejected 2\n"
    assert err.splitlines() == [f"{path}:2: unsupported archive_export version 2",
                                f"{path}:3: topic '没有的主题' is neither in the archive nor in the export",
                                f"{path}:1: duplicate_of 8 is not in the export; left unlinked"]
    kept = Article.objects.get(title="合并过的文章")
    assert (kept.status, kept.duplicate_of_id, [t.name for t in kept.topics.all()]) == ("duplicate", None, ["人工智能"])
