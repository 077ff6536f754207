"""The editors' sources and topics: renames, rules, retagging, reports and deletions reach search."""
import pytest
from archive.models import ArticleTopic, Source, Topic
from tests.factories import make_article
from tests.test_admin import api_titles, change_url, indexed, topic  # noqa: F401, F811 (indexed is a fixture)

pytestmark = pytest.mark.django_db


def test_source_list_counts_and_rename_reaches_the_index(editor_client, admin_form_data, indexed):
    article = make_article("区科委调研", "调研。", source="旧名称号")
    indexed(article)
    page = editor_client.get("/admin/archive/source/", {"q": "旧名称号"})
    assert page.context["cl"].result_list[0].n_articles == 1
    source = Source.objects.get(name="旧名称号")
    form = editor_client.get(f"/admin/archive/source/{source.pk}/change/")
    with indexed.commit():
        editor_client.post(f"/admin/archive/source/{source.pk}/change/", admin_form_data(form, name="新名称号"))
    assert api_titles(editor_client, source="新名称号") == ["区科委调研"]
    assert api_titles(editor_client, source="旧名称号") == []
    assert source.history.first().name == "新名称号"


def test_topic_rules_are_editable_and_retag_all_reports_added_and_removed(editor_client, admin_form_data, indexed):
    hit = make_article("合成生物学产业园揭牌", "合成生物学企业入驻。")
    indexed(hit)
    popsci = topic("科学普及")
    form = editor_client.get(f"/admin/archive/topic/{popsci.pk}/change/")
    editor_client.post(f"/admin/archive/topic/{popsci.pk}/change/",
                       admin_form_data(form, rules="合成生物学"))
    assert Topic.objects.get(pk=popsci.pk).keywords == ["合成生物学"]
    def tagged():
        return set(ArticleTopic.objects.filter(topic=popsci).values_list("article", flat=True))

    before = tagged()  # the old rules' matches
    with indexed.commit():
        response = editor_client.post("/admin/archive/topic/", {
            "action": "retag_all", "_selected_action": [popsci.pk], "index": 0}, follow=True)
    after = tagged()
    assert hit.pk in after and before - after
    assert (f"主题“科学普及”：新增 {len(after - before)} 篇，移除 {len(before - after)} 篇"
            in response.content.decode())
    assert "合成生物学产业园揭牌" in api_titles(editor_client, topic="科学普及", q="合成生物学")
    page = editor_client.get("/admin/archive/topic/")
    assert "合成生物学" in page.content.decode()


def test_topic_report_lists_untagged_articles_unused_topics_and_terms(editor_client):
    for i in range(3):
        make_article(f"低空经济发展新动向{i}", "低空经济与无人机物流。低空经济示范区建设。")
    unused = Topic.objects.create(name="海洋科技", slug="ocean", rules="深海")
    page = editor_client.get("/admin/archive/topic/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "低空经济发展新动向0" in html
    assert unused.name in html
    terms = [t["term"] for t in page.context["terms"]]
    assert {"低空经济", "低空"} & set(terms)


def test_deleting_a_topic_takes_it_out_of_search(editor_client, indexed):
    article = make_article("卫星互联网星座组网", "卫星发射。")
    doomed = Topic.objects.create(name="低轨卫星", slug="leo", rules="卫星")
    ArticleTopic.objects.create(article=article, topic=doomed, origin="editor")
    indexed(article)
    assert api_titles(editor_client, topic="低轨卫星") == ["卫星互联网星座组网"]
    with indexed.commit():
        response = editor_client.post(f"/admin/archive/topic/{doomed.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert api_titles(editor_client, topic="低轨卫星") == []
    assert ArticleTopic.history.filter(article_id=article.pk, history_type="-").exists()

