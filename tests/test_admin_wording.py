"""The editors' site speaks one language: history headers, reasons, changed values, labels, import messages."""
import html
import re

import pytest

from archive.admin.wording import readable_message, reason_label
from tests.factories import make_article
from tests.test_admin import indexed, run_action  # noqa: F401  (fixture and helper)

pytestmark = pytest.mark.django_db


def text_of(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).replace("\xa0", " "))


def test_history_page_shows_headers_reasons_and_values_in_chinese(editor_client, indexed):  # noqa: F811
    article = make_article("燃料电池汽车示范应用", "氢燃料电池。")
    indexed(article)
    with indexed.commit():
        run_action(editor_client, "hide", [article])
    text = text_of(editor_client.get(f"/admin/archive/article/{article.pk}/history/"))
    for english in ("Changes", "CHANGES", "Change reason", "Date/time", " None ", " hide ", "published", "hidden"):
        assert english not in text, english
    assert "修改内容" in text and "修改原因" in text
    assert "隐藏" in text and "已发布 → 已隐藏" in text


def test_article_form_labels_its_timestamps_in_chinese(editor_client):
    article = make_article("标签测试文章", "正文。")
    text = text_of(editor_client.get(f"/admin/archive/article/{article.pk}/change/"))
    assert "Created at" not in text and "Updated at" not in text
    assert "创建时间" in text and "更新时间" in text


def test_reason_codes_and_importer_messages_read_as_words():
    assert reason_label("hide") == "隐藏" and reason_label(None) == "—"
    assert reason_label("restore version 3") == "恢复到版本 3"
    assert readable_message("invalid JSON at line 1, column 29: Expecting ',' delimiter") == (
        "JSON 格式错误：第 1 行第 29 列（Expecting ',' delimiter）")
    assert readable_message("file is empty") == "文件为空"
    assert readable_message("something new") == "something new"
