"""One way into the index: changes are queued with their transaction and written once after commit."""
import pytest
from haystack import connections

from archive.models import Source
from search import querysyntax
from search.models import IndexQueueEntry
from tests.factories import make_article
from tests.test_admin import change_url
from tests.test_durability import scratch_archive, shell

pytestmark = pytest.mark.django_db


class WriteCounter:
    def __init__(self, monkeypatch, backend):
        self.calls = []
        original = type(backend).update_and_remove

        def counted(this, index, objs, remove_ids, **kwargs):
            objs = list(objs)
            self.calls.append(([o.pk for o in objs], list(remove_ids)))
            return original(this, index, objs, remove_ids, **kwargs)

        monkeypatch.setattr(type(backend), "update_and_remove", counted)


def test_one_admin_save_writes_the_index_once(editor_client, admin_form_data, temp_index, monkeypatch,
                                              django_capture_on_commit_callbacks):
    article = make_article("储能电站并网发电", "新型储能项目。")
    form = editor_client.get(change_url(article))
    writes = WriteCounter(monkeypatch, temp_index)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(change_url(article), admin_form_data(form, title="钠离子储能电站"))
    assert response.status_code == 302
    assert writes.calls == [([article.pk], [])]
    assert not IndexQueueEntry.objects.exists()  # applied and cleared


def test_a_change_queues_its_article_in_its_own_transaction(temp_index, django_capture_on_commit_callbacks):
    source = Source.objects.first()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = make_article("排队的文章", "正文。", source=source.name)
        assert list(IndexQueueEntry.objects.values_list("article_id", flat=True)) == [article.pk]
    assert callbacks  # the flush waits for the commit


def test_a_search_page_parses_its_query_once_and_runs_one_search(client, monkeypatch):
    parses, searches = [], []
    original_parse = querysyntax.parse
    monkeypatch.setattr(querysyntax, "_parsed", type(querysyntax._parsed)())
    monkeypatch.setattr(querysyntax, "parse", lambda *a, **k: parses.append(a[0]) or original_parse(*a, **k))
    backend = connections["default"].get_backend()
    original_search = type(backend).search
    monkeypatch.setattr(type(backend), "search",
                        lambda self, *a, **k: searches.append(a[0]) or original_search(self, *a, **k))
    response = client.get("/", {"q": "人工智能 产业", "from": "2025-01-01", "to": "2026-12-31",
                                "source": "上海科技"})
    assert response.status_code == 200 and response.context["page"].count > 0
    assert parses == ["人工智能 产业"]
    assert len(searches) == 1


def test_a_zero_hit_page_suggests_relaxations_without_searching_again(client, monkeypatch):
    backend = connections["default"].get_backend()
    searches = []
    original_search = type(backend).search
    monkeypatch.setattr(type(backend), "search",
                        lambda self, *a, **k: searches.append(a[0]) or original_search(self, *a, **k))
    response = client.get("/", {"q": "人工智能", "source": "上海科技", "from": "2000-01-01", "to": "2000-12-31"})
    assert response.status_code == 200 and response.context["page"].count == 0
    assert len(searches) == 1
    texts = [r["text"] for r in response.context["relaxations"]]
    assert any("日期" in t for t in texts), texts


@pytest.mark.slow
def test_a_rebuild_with_concurrent_deletes_renames_and_topic_deletions_ends_consistent():
    with scratch_archive("rebuild-races") as live:
        before = shell(live, "from archive.models import Article\n"
                             "print(Article.objects.filter(topics__name='科学普及').count())")
        assert int(before) > 0
        script = (
            "from search import rebuilding\nfrom search.indexing import backend\n"
            "from archive.models import Article, Source, Topic\n"
            "engine = backend()\noriginal = type(engine).build\n"
            "def build(self, *args, **kwargs):\n"
            "    n = original(self, *args, **kwargs)\n"
            "    # Edits saved after the build read the rows, before the swap:\n"
            "    s = Source.objects.get(name='科创长宁'); s.name = '长宁区科创'; s.save()\n"
            "    Article.objects.searchable().exclude(source=s).order_by('pk').first().delete()\n"
            "    Topic.objects.get(name='科学普及').delete()\n"
            "    return n\n"
            "type(engine).build = build\n"
            "report = rebuilding.rebuild()\nprint('replayed', report.replayed)\n")
        out = shell(live, script)
        assert out.startswith("replayed ") and int(out.split()[1]) > 0
        check = live.manage("check_index", check=False)
        assert check.returncode == 0, check.stdout + check.stderr
        counts = shell(live, (
            "from haystack.query import SearchQuerySet\n"
            "def n(field, value):\n"
            "    s = SearchQuerySet(); s.query.add_term_filter(field, [value]); return s.count()\n"
            "print(n('topics', '科学普及'), n('source', '科创长宁'), n('source', '长宁区科创'))"))
        gone_topic, old_name, new_name = map(int, counts.split())
        assert (gone_topic, old_name) == (0, 0) and new_name > 0
