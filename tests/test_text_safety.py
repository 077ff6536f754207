"""Text that XML cannot carry: stripped at every entry (admin forms, the URL) and at every XML output."""
import xml.etree.ElementTree as ET

import pytest

from archive.models import Article, Source, Topic
from archive.text_safety import clean_text, clean_value, has_control, xml_text, xml_value
from tests.factories import make_article

ATOM = "{http://www.w3.org/2005/Atom}"


# ---------------------------------------------------------------- pure functions

def test_control_characters_go_and_tab_newline_and_carriage_return_stay():
    assert clean_text("上海\x01科技\x00\x1f\x7f\x85\ud800\ufffe\t一\n二\r三") == "上海科技\t一\n二\r三"
    assert has_control("a\x01b") and not has_control("沪科合〔2026〕1号\n")


def test_xml_text_drops_only_what_xml_cannot_carry():
    assert xml_text("a\x01\x0b\x0c\ufffe\uffffb\x85\t\n") == "ab\x85\t\n"


def test_values_are_cleaned_inside_lists_and_dicts_and_other_types_kept():
    assert clean_value(["市\x02科委", ("a\x03",), {"k\x04": "v\x05"}, 3, None]) == ["市科委", ("a",), {"k": "v"}, 3,
                                                                                   None]
    assert xml_value(("x\x01", 1)) == ("x", 1)


# ---------------------------------------------------------------- entry: the admin forms

@pytest.mark.django_db
def test_the_article_form_strips_control_characters(editor_client, admin_form_data):
    article = make_article("储能电站并网发电", "新型储能项目。")
    url = f"/admin/archive/article/{article.pk}/change/"
    response = editor_client.post(url, admin_form_data(
        editor_client.get(url), title="储能\x01电站", body="第一段\x08。", cited_numbers="沪科合〔2026〕1号\x0b",
        _save="保存"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body, article.cited_numbers) == ("储能电站", "第一段。", ["沪科合〔2026〕1号"])


@pytest.mark.django_db
def test_the_source_and_topic_forms_strip_control_characters(editor_client):
    response = editor_client.post("/admin/archive/source/add/", {
        "name": "测试\x01新号", "kind": "wechat", "region": "上海", "biz": ""})
    assert response.status_code == 302
    assert Source.objects.filter(name="测试新号").exists()
    response = editor_client.post("/admin/archive/topic/add/", {
        "name": "量子\x02信息", "slug": "quantum-info", "description": "说明\x03", "rules": "量子\x04\n"})
    assert response.status_code == 302
    assert Topic.objects.filter(name="量子信息", description="说明", rules="量子").exists()


# ---------------------------------------------------------------- output: the Atom feed

@pytest.mark.django_db
def test_a_query_with_a_control_character_gives_a_valid_feed(client):
    response = client.get("/feed.atom?q=a%01b")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    assert feed.find(f"{ATOM}title").text == "长三角科技政策资讯库：ab"


@pytest.mark.django_db
def test_an_article_holding_control_characters_gives_a_valid_feed(client, temp_index,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        # Written past the forms (an old row, a script): the feed must still be XML.
        make_article("量子\x01通信\x0b网络", "量子\x1f通信正文。", source="来源\x02号")
    response = client.get("/feed.atom", {"q": "量子"})
    assert response.status_code == 200
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "量子通信网络"
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "来源号"
    assert Article.objects.filter(title__contains="\x01").exists()  # stored as it was; only the output is cleaned
