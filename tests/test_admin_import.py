"""Importing from the editors' site: uploads go through ImportRun.import_file, as the command does."""
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from archive.models import Article, ImportBatch

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
IMPORT_URL = "/admin/archive/importbatch/add/"
BODY = "上海市科学技术委员会发布通知，支持长三角企业联合开展钙钛矿光伏关键核心技术攻关，推动科技成果转化。"


def record(n, **changes):
    value = {"aid": f"upload-{n}", "title": f"钙钛矿光伏中试线投产{n}", "time": "2026-02-10",
             "account": "上传测试号", "url": f"https://mp.weixin.qq.com/s?__biz=UPLOAD&mid={n}&idx=1&sn=x",
             "content": BODY + f"第{n}期。"}
    value.update(changes)
    return value


def upload(name, content):
    data = content if isinstance(content, bytes) else json.dumps(content, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, data)


def test_editors_can_open_the_import_form_and_the_batch_list(editor_client):
    page = editor_client.get(IMPORT_URL)
    assert page.status_code == 200 and 'type="file"' in page.content.decode() and "multiple" in page.content.decode()
    listing = editor_client.get("/admin/archive/importbatch/").content.decode()
    assert "导入文件" in listing and ">fixtures<" in listing


def test_upload_reports_counts_per_file_and_every_rejected_record(editor_client, editor, temp_index,
                                                                   django_capture_on_commit_callbacks):
    good = upload("batch.json", [record(1), record(2), record(3, title="")])
    broken = upload("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(IMPORT_URL, {"files": [good, broken]})
    assert response.status_code == 200
    results = {r["name"]: r for r in response.context["results"]}
    assert results["batch.json"]["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "duplicate": 0,
                                               "rejected": 1}
    assert results["batch.json"]["rejected"] == [(3, "缺少标题")]
    assert results["picture.png"]["error"]
    html = response.content.decode()
    assert "batch.json:3</code>: 缺少标题" in html and "无法读取" in html
    batch = response.context["batch"]
    assert (batch.imported_by, batch.created, batch.rejected, batch.paths) == (editor, 2, 1,
                                                                               "batch.json\npicture.png")
    assert set(Article.objects.filter(batch=batch).values_list("title", flat=True)) == {
        "钙钛矿光伏中试线投产1", "钙钛矿光伏中试线投产2"}
    found = editor_client.get("/api/search", {"q": "钙钛矿光伏中试线"}).json()
    assert found["count"] == 2
    detail = editor_client.get(f"/admin/archive/importbatch/{batch.pk}/change/").content.decode()
    assert "缺少标题" in detail and f"batch__id__exact={batch.pk}" in detail


def test_uploading_the_same_file_again_changes_nothing(editor_client):
    first = editor_client.post(IMPORT_URL, {"files": [upload("again.json", [record(7)])]})
    assert first.context["totals"]["created"] == 1
    batches = ImportBatch.objects.count()
    second = editor_client.post(IMPORT_URL, {"files": [upload("again.json", [record(7)])]})
    assert second.context["totals"]["unchanged"] == 1 and second.context["batch"] is None
    assert ImportBatch.objects.count() == batches
    assert "没有新建或更新任何文章" in second.content.decode()


def test_plain_text_pages_take_year_and_source_from_an_uploaded_manifest_or_the_form(editor_client):
    page = (FIXTURES / "000_134cb2e8dd9af049.txt").read_bytes()
    manifest = json.dumps({"files": {"page.txt": {"year": 2026, "source": "长三角报摘"}}}).encode()
    response = editor_client.post(IMPORT_URL, {"files": [upload("page.txt", page), upload("manifest.json", manifest)]})
    assert [r["name"] for r in response.context["results"]] == ["page.txt"]
    counts = response.context["results"][0]["counts"]
    assert counts["rejected"] == 0 and counts["unchanged"] == 5  # the session imported fixtures/ already
    without = editor_client.post(IMPORT_URL, {"files": [upload("other.txt", page)]})
    assert without.context["results"][0]["counts"]["rejected"] == 5  # no year: nothing guessed
    with_form = editor_client.post(IMPORT_URL, {"files": [upload("other.txt", page)], "year": 2026,
                                                "source": "长三角报摘"})
    assert with_form.context["results"][0]["counts"]["unchanged"] == 5


def test_importing_needs_the_add_permission(client, editor):
    editor.groups.clear()
    editor.user_permissions.clear()
    client.force_login(editor)
    assert client.get(IMPORT_URL).status_code == 403


def test_upload_of_a_deeply_nested_json_beside_a_good_file_imports_the_good_one(editor_client):
    """Issue 14: 100,000 nested "[" next to a good file: 200, the good file imported, the bad one reported."""
    response = editor_client.post(IMPORT_URL, {"files": [upload("deep.json", b"[" * 100_000),
                                                         upload("good.json", [record(41)])]})
    assert response.status_code == 200
    results = {r["name"]: r for r in response.context["results"]}
    assert results["deep.json"]["error"] == "JSON nested more than 100 levels deep"
    assert results["good.json"]["counts"]["created"] == 1
    assert Article.objects.filter(title="钙钛矿光伏中试线投产41").exists()


def test_upload_of_only_bad_files_leaves_no_batch_row(editor_client):
    batches = ImportBatch.objects.count()
    response = editor_client.post(IMPORT_URL, {"files": [upload("deep.json", b"[" * 100_000),
                                                         upload("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00")]})
    assert response.status_code == 200 and response.context["batch"] is None
    assert [r["error"] for r in response.context["results"]] == ["JSON nested more than 100 levels deep",
                                                                "无法识别文件编码：不是 UTF-8（含 BOM）、UTF-16 或 GB18030"]
    assert ImportBatch.objects.count() == batches


def test_upload_of_a_saved_wechat_page(editor_client):
    page = (Path(__file__).resolve().parent / "data" / "inputs" / "gne_wechat_2.html").read_bytes()
    response = editor_client.post(IMPORT_URL, {"files": [upload("article.html", page)]})
    (result,) = response.context["results"]
    assert (result["format"], result["counts"]["created"]) == ("html", 1)
    assert Article.objects.get(title="一日一技：在 Python 中实现延迟调用").source.name == "未闻Code"
