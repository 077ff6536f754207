"""check_index: compare the search index with the database; --repair fixes only the difference."""
import contextlib
import io
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from haystack import connections

from archive.models import Article, ArticleTopic, Topic
from search import consistency
from search.indexing import article_index, reindex_articles

pytestmark = pytest.mark.django_db

FIELDS = ("compared fields: cited, deadline, has_body, issuers, kind, month, published, regions, source, topics, updated")


def check(*args):
    """Run check_index; return (returncode, stdout, CommandError message or "")."""
    out = io.StringIO()
    try:
        call_command("check_index", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), ""


@pytest.fixture(scope="module")
def built_index(tmp_path_factory, django_db_setup, django_db_blocker):
    """Index every searchable seed article once per module (jieba is the cost)."""
    folder = tmp_path_factory.mktemp("built")
    with _index_at(folder / "index"), django_db_blocker.unblock():
        reindex_articles(Article.objects.searchable().values_list("pk", flat=True))
    return folder


@pytest.fixture
def index(built_index, tmp_path):
    """A temp copy of the built index, as a rebuild leaves it, for one test to spoil."""
    shutil.copytree(built_index, tmp_path / "copy", symlinks=True)
    with _index_at(tmp_path / "copy" / "index") as backend:
        yield backend


@contextlib.contextmanager
def _index_at(path):
    info = connections.connections_info["default"]
    old = info["PATH"]
    info["PATH"] = str(path)
    try:
        yield connections.reload("default").get_backend()
    finally:
        info["PATH"] = old
        connections.reload("default")


def searchable(n):
    return list(Article.objects.searchable().order_by("pk")[:n])


def test_agreeing_index_exits_0(index):
    code, out, error = check()
    count = Article.objects.searchable().count()
    assert (code, error) == (0, "")
    assert out.splitlines()[0].startswith(f"index: {count} documents; database: {count} searchable articles; ")
    assert out.splitlines()[-1] == "index and database agree"


def test_missing_stale_and_out_of_date_documents_are_reported_with_exit_1(index):
    missing, stale, outdated, retagged = searchable(4)
    index.remove(f"archive.article.{missing.pk}")
    Article.objects.filter(pk=stale.pk).update(status=Article.Status.HIDDEN)  # no signal: the index misses it
    Article.objects.filter(pk=outdated.pk).update(kind="公告")
    ArticleTopic.objects.bulk_create([ArticleTopic(article=retagged, topic=Topic.objects.get(name="量子科技"))])
    code, out, error = check()
    assert (code, error) == (1, "index and database differ in 4 article(s); run check_index --repair")
    lines = out.splitlines()
    assert f"missing from index (1): {missing.pk}" in lines
    assert f"stale in index (1): {stale.pk}" in lines
    assert f"out of date (2): {outdated.pk} (kind), {retagged.pk} (topics)" in lines


def test_documents_written_by_an_older_index_definition_are_out_of_date(index, monkeypatch):
    article = Article.objects.searchable().exclude(regions="").first()
    monkeypatch.setattr(type(article_index()), "prepare_regions", lambda self, obj: [])
    reindex_articles([article.pk])
    monkeypatch.undo()
    code, out, _ = check()
    assert code == 1 and f"out of date (1): {article.pk} (regions)" in out.splitlines()


def test_repair_rewrites_only_the_difference_and_then_agrees(index, client, monkeypatch):
    missing, stale, outdated = searchable(3)
    index.remove(f"archive.article.{missing.pk}")
    Article.objects.filter(pk=stale.pk).update(status=Article.Status.DUPLICATE)
    Article.objects.filter(pk=outdated.pk).update(kind="公告")
    written = []
    monkeypatch.setattr(consistency, "reindex_articles", lambda ids: (written.append(sorted(ids)),
                                                                      reindex_articles(ids)))
    code, out, error = check("--repair")
    assert (code, error) == (0, "")
    assert written == [sorted([missing.pk, stale.pk, outdated.pk])]
    assert "repaired 3 article(s)" in out.splitlines()
    assert check() == (0, check()[1], "")
    kinds = client.get("/api/search", {"kind": "公告"}).json()["results"]
    assert outdated.pk in [r["id"] for r in kinds]
    assert stale.pk not in [r["id"] for r in client.get("/api/search", {"q": stale.title}).json()["results"]]


def test_an_empty_index_is_all_missing(temp_index):
    count = Article.objects.searchable().count()
    code, out, error = check()
    assert code == 1 and error == f"index and database differ in {count} article(s); run check_index --repair"
    assert out.splitlines()[0] == f"index: 0 documents; database: {count} searchable articles; {FIELDS}"
    assert f"missing from index ({count}): " in out and f"… and {count - 20} more" in out
    assert check("--repair")[0] == 0
    assert check()[0] == 0


def test_stored_values_compare_as_written_and_as_read_back():
    """Lists come back comma-joined, dates as midnight datetimes, aware datetimes in UTC."""
    from datetime import date, datetime, timedelta, timezone

    from haystack import indexes

    from search.fields import KeywordListField

    listed, day, moment = KeywordListField(), indexes.DateField(), indexes.DateTimeField()
    assert consistency.normal(listed, ["上海", "江苏"]) == consistency.normal(listed, "江苏,上海")
    assert consistency.normal(listed, []) == consistency.normal(listed, "") == ()
    assert consistency.normal(day, date(2026, 2, 4)) == consistency.normal(day, datetime(2026, 2, 4, 0, 0))
    shanghai = timezone(timedelta(hours=8))
    assert consistency.normal(moment, datetime(2026, 2, 4, 20, 30, 5, 123, tzinfo=shanghai)) == \
        consistency.normal(moment, datetime(2026, 2, 4, 12, 30, 5))
