"""The editors' site: permissions, the article list and form, bulk actions, history and the index.

Tests that check the search index use temp_index and run the on-commit callbacks,
so the session's shared index never sees these tests' (rolled back) changes.
"""
import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import curation
from archive.ingest.upsert import ImportRun
from archive.models import Article, ArticleTopic, Topic, TopicExclusion
from search.indexing import reindex_articles
from tests.factories import make_article

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/archive/article/"


def change_url(article):
    return f"/admin/archive/article/{article.pk}/change/"


def api_titles(client, **params):
    response = client.get("/api/search", params)
    assert response.status_code == 200
    return [r["title"] for r in response.json()["results"]]


def topic(name):
    return Topic.objects.get(name=name)


@pytest.fixture
def indexed(temp_index, django_capture_on_commit_callbacks):
    """Build articles into a temp index; return a function running a block with on-commit callbacks."""
    def build(*articles):
        reindex_articles([a.pk for a in articles])
        return articles

    build.commit = lambda: django_capture_on_commit_callbacks(execute=True)
    return build


# ---------------------------------------------------------------- permissions

def test_editors_group_has_exactly_the_curation_permissions():
    codenames = set(Group.objects.get(name="editors").permissions.values_list("codename", flat=True))
    assert codenames == {
        "view_article", "change_article",
        "view_source", "add_source", "change_source",
        "view_topic", "add_topic", "change_topic", "delete_topic",
        "view_articletopic", "add_articletopic", "change_articletopic", "delete_articletopic",
        "view_topicexclusion", "add_topicexclusion", "delete_topicexclusion",
        "view_notduplicate", "add_notduplicate", "delete_notduplicate",
        "view_importbatch", "add_importbatch",
        "view_historicalarticle", "view_historicalsource", "view_historicaltopic", "view_historicalarticletopic",
    }
    assert not Group.objects.get(name="editors").permissions.filter(content_type__app_label="auth").exists()


def test_only_staff_reach_the_admin(client):
    assert client.get("/admin/").status_code == 302
    reader = User.objects.create_user("reader", password="x")
    reader.groups.add(Group.objects.get(name="editors"))  # the group alone does not let anyone in
    client.force_login(reader)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_editors_cannot_manage_users_or_delete_articles(editor_client):
    assert editor_client.get("/admin/").status_code == 200
    assert editor_client.get("/admin/auth/user/").status_code == 403
    assert editor_client.get("/admin/auth/group/").status_code == 403
    article = Article.objects.first()
    assert editor_client.get(f"/admin/archive/article/{article.pk}/delete/").status_code == 403
    page = editor_client.get(CHANGELIST).content.decode()
    assert 'value="delete_selected"' not in page
    for action in ("publish", "hide", "add_topic", "remove_topic", "retag", "mark_duplicate", "unmerge"):
        assert f'value="{action}"' in page
    for tool in ("/admin/archive/article/duplicates/", "/admin/archive/topic/report/",
                 "/admin/archive/importbatch/add/"):
        assert f'href="{tool}"' in page


# ---------------------------------------------------------------- the list

def _make_tagged(n, prefix):
    ai, ic = topic("人工智能"), topic("集成电路")
    articles = [make_article(f"{prefix}{i:03d}", f"正文{i}", source=f"来源{i % 7}",
                             published=f"2024-0{1 + i % 9}-1{i % 9}", doc_number=f"沪科〔2024〕{i}号" if i % 3 else "")
                for i in range(n)]
    ArticleTopic.objects.bulk_create([ArticleTopic(article=a, topic=t) for a in articles for t in (ai, ic)])
    return articles


def test_changelist_queries_do_not_grow_with_rows(editor_client, django_assert_max_num_queries):
    """Sixty rows with sources and topics cost what five do: no query per row."""
    _make_tagged(5, "少量文章")
    with CaptureQueriesContext(connection) as few:
        assert editor_client.get(CHANGELIST, {"q": "少量文章"}).status_code == 200
    _make_tagged(60, "大量文章")
    with django_assert_max_num_queries(len(few)):
        response = editor_client.get(CHANGELIST, {"q": "大量文章"})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 50
    html = response.content.decode()
    assert "人工智能、集成电路" in html
    with django_assert_max_num_queries(len(few)):
        assert editor_client.get(CHANGELIST).status_code == 200


@pytest.mark.parametrize("params", [
    {"status__exact": "hidden"}, {"topic": "none"}, {"region": "江苏"}, {"kind": "通知"},
    {"empty": "yes"}, {"has_docno": "yes"}, {"published__year": "2025"}, {"o": "-3"},
])
def test_changelist_filters_answer(editor_client, params):
    assert editor_client.get(CHANGELIST, params).status_code == 200


def test_changelist_filters_select_the_right_rows(editor_client):
    def ids(**params):
        response = editor_client.get(CHANGELIST, {**params, "all": ""})
        return {a.pk for a in response.context["cl"].result_list}

    jiangsu = make_article("苏州发布新政", "江苏省苏州市", regions="江苏")
    empty = make_article("空文章", "", is_empty=True)
    numbered = make_article("关于印发某办法的通知", "全文", doc_number="苏科〔2026〕9号", kind="通知")
    tagged = make_article("大模型应用", "人工智能")
    ArticleTopic.objects.create(article=tagged, topic=topic("人工智能"))
    assert jiangsu.pk in ids(region="江苏") and tagged.pk not in ids(region="江苏")
    assert empty.pk in ids(empty="yes") and jiangsu.pk not in ids(empty="yes")
    assert numbered.pk in ids(has_docno="yes") and jiangsu.pk not in ids(has_docno="yes")
    assert tagged.pk in ids(topic=str(topic("人工智能").pk)) and jiangsu.pk not in ids(topic=str(topic("人工智能").pk))
    assert jiangsu.pk in ids(topic="none") and tagged.pk not in ids(topic="none")
    assert numbered.pk in ids(kind="通知")


def test_search_by_title_body_url_and_document_number(editor_client):
    article = make_article("量子通信干线开通", "沪合量子专网正式投用。", doc_number="沪科合〔2026〕7号",
                           url="https://mp.weixin.qq.com/s?__biz=MzA&mid=1&idx=1&sn=abc")
    citing = make_article("解读文章", "依据沪科合〔2026〕7号通知。", cited_numbers=["沪科合〔2026〕7号"])

    def found(q):
        return {a.pk for a in editor_client.get(CHANGELIST, {"q": q}).context["cl"].result_list}

    assert article.pk in found("量子通信干线")
    assert article.pk in found("沪合量子专网")
    assert found("沪科合〔2026〕7号") == {article.pk, citing.pk}
    # a pasted link with volatile parameters finds the stored canonical URL
    assert found("https://mp.weixin.qq.com/s?__biz=MzA&mid=1&idx=1&sn=abc&chksm=zz#rd") == {article.pk}
    assert found(f"#{article.pk}") == {article.pk}


# ---------------------------------------------------------------- the form

def test_change_form_groups_fields_and_shows_provenance_read_only(editor_client):
    article = Article.objects.filter(batch__isnull=False).first()
    article.raw = {"title": "<script>alert(1)</script>", "note": "原始记录"}
    article.save()
    html = editor_client.get(change_url(article)).content.decode()
    for heading in ("状态", "正文", "文号与地区", "来源记录（只读）"):
        assert "<h2" in html and heading in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert f"/admin/archive/importbatch/{article.batch_id}/change/" in html
    assert 'name="raw"' not in html and 'name="url"' not in html  # read-only
    assert 'name="topic_list"' in html and "admin-autocomplete" in html


def test_saving_the_form_updates_search_at_once(editor_client, admin_form_data, indexed):
    article = make_article("储能电站并网发电", "新型储能项目。")
    indexed(article)
    form = editor_client.get(change_url(article))
    with indexed.commit():
        response = editor_client.post(change_url(article), admin_form_data(
            form, title="钠离子储能电站并网发电", body="第一段。\r\n\r\n第二段。", _save="保存"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "钠离子储能电站并网发电"
    assert article.body == "第一段。\n\n第二段。" and article.paragraphs == ["第一段。", "第二段。"]
    assert api_titles(editor_client, q="钠离子") == ["钠离子储能电站并网发电"]
    record = article.history.first()
    assert record.history_user.username == "editor" and record.title == "钠离子储能电站并网发电"


def test_two_editors_changing_different_fields_both_keep_their_change(client, editor, admin_form_data):
    other = User.objects.create_user("editor2", password="x", is_staff=True)
    other.groups.add(Group.objects.get(name="editors"))
    article = make_article("原标题", "正文。", published="2026-01-15")
    first, second = client.__class__(), client.__class__()
    first.force_login(editor)
    second.force_login(other)
    form_a, form_b = first.get(change_url(article)), second.get(change_url(article))
    assert first.post(change_url(article), admin_form_data(form_a, title="新标题")).status_code == 302
    assert second.post(change_url(article), admin_form_data(form_b, published="2026-01-20")).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.published) == ("新标题", datetime.date(2026, 1, 20))
    users = [h.history_user.username for h in article.history.all()[:2]]
    assert users == ["editor2", "editor"]


def test_two_editors_changing_one_field_get_a_conflict_not_a_silent_overwrite(client, editor, admin_form_data):
    other = User.objects.create_user("editor2", password="x", is_staff=True)
    other.groups.add(Group.objects.get(name="editors"))
    article = make_article("原标题", "正文。")
    first, second = client.__class__(), client.__class__()
    first.force_login(editor)
    second.force_login(other)
    form_a, form_b = first.get(change_url(article)), second.get(change_url(article))
    assert first.post(change_url(article), admin_form_data(form_a, title="甲的标题")).status_code == 302
    response = second.post(change_url(article), admin_form_data(form_b, title="乙的标题"))
    assert response.status_code == 200
    assert "其他编辑在您打开此页后修改了本字段" in response.content.decode() and "甲的标题" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "甲的标题"
    # having seen the other change, saving again applies it
    retry = second.post(change_url(article), admin_form_data(response, title="乙的标题"))
    assert retry.status_code == 302
    article.refresh_from_db()
    assert article.title == "乙的标题"


def test_topics_set_or_removed_by_hand_survive_automatic_tagging(editor_client, admin_form_data, indexed):
    article = make_article("集成电路产业链发布会", "芯片设计企业集聚。")
    run = ImportRun()
    run._tag(article)
    assert set(article.topics.values_list("name", flat=True)) == {"集成电路"}
    indexed(article)
    form = editor_client.get(change_url(article))
    data = admin_form_data(form, topic_list=[str(topic("人工智能").pk)])  # add AI, remove IC
    with indexed.commit():
        assert editor_client.post(change_url(article), data).status_code == 302
    pair = ArticleTopic.objects.get(article=article)
    assert (pair.topic.name, pair.origin, pair.assigned_by.username) == ("人工智能", "editor", "editor")
    assert TopicExclusion.objects.filter(article=article, topic=topic("集成电路")).exists()
    run._tag(article)  # the rules match 集成电路 again, and know nothing of 人工智能
    assert set(article.topics.values_list("name", flat=True)) == {"人工智能"}
    assert curation.retag(Article.objects.filter(pk=article.pk)) == (0, 0)
    assert api_titles(editor_client, topic="人工智能", q="集成电路") == ["集成电路产业链发布会"]
    assert api_titles(editor_client, topic="集成电路", q="集成电路") == []
    history = editor_client.get(f"/admin/archive/article/{article.pk}/history/").content.decode()
    assert "主题变更" in history and "人工智能" in history


def test_restoring_an_earlier_version_brings_back_its_fields_and_search(editor_client, admin_form_data, indexed):
    article = make_article("原始标题：氢能示范城市群", "氢能产业。")
    indexed(article)
    original = article.history.earliest()
    form = editor_client.get(change_url(article))
    with indexed.commit():
        editor_client.post(change_url(article), admin_form_data(form, title="改错的标题：光伏"))
    assert api_titles(editor_client, q="光伏") == ["改错的标题：光伏"]
    history = editor_client.get(f"/admin/archive/article/{article.pk}/history/")
    assert "改错的标题：光伏" in history.content.decode()
    revert_url = f"/admin/archive/article/{article.pk}/history/{original.history_id}/"
    form = editor_client.get(revert_url)
    assert form.status_code == 200
    with indexed.commit():
        response = editor_client.post(revert_url, admin_form_data(form, _save="还原"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "原始标题：氢能示范城市群"
    latest = article.history.first()
    assert latest.history_change_reason == f"restore version {original.history_id}"
    assert latest.history_user.username == "editor"
    assert api_titles(editor_client, q="光伏") == []
    assert api_titles(editor_client, q="氢能示范城市群") == ["原始标题：氢能示范城市群"]


# ---------------------------------------------------------------- bulk actions

def run_action(client, action, articles, follow=False, **extra):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [a.pk for a in articles],
                                    "index": 0, **extra}, follow=follow)


def test_hide_and_publish_in_bulk_update_search_and_history(editor_client, indexed):
    articles = [make_article(f"燃料电池汽车示范{i}", "氢燃料电池。") for i in range(3)]
    indexed(*articles)
    with indexed.commit():
        response = run_action(editor_client, "hide", articles[:2])
    assert response.status_code == 302
    assert api_titles(editor_client, q="燃料电池汽车示范") == ["燃料电池汽车示范2"]
    record = articles[0].history.first()
    assert (record.status, record.history_user.username, record.history_change_reason) == ("hidden", "editor", "hide")
    with indexed.commit():
        run_action(editor_client, "publish", articles[:1])
    assert sorted(api_titles(editor_client, q="燃料电池汽车示范")) == ["燃料电池汽车示范0", "燃料电池汽车示范2"]


def test_add_topic_in_bulk_asks_for_the_topic_then_applies_it(editor_client, indexed):
    articles = [make_article(f"科普讲座{i}", "走进实验室。") for i in range(3)]
    indexed(*articles)
    step = run_action(editor_client, "add_topic", articles[:2])
    assert step.status_code == 200 and "为所选文章添加主题" in step.content.decode()
    with indexed.commit():
        done = run_action(editor_client, "add_topic", articles[:2], apply="确定", topic=topic("科学普及").pk)
    assert done.status_code == 302
    assert sorted(api_titles(editor_client, topic="科学普及", q="科普讲座")) == ["科普讲座0", "科普讲座1"]
    assert set(ArticleTopic.objects.filter(topic=topic("科学普及"), article__in=articles)
               .values_list("origin", flat=True)) == {"editor"}


def test_bulk_action_over_the_whole_filtered_list(editor_client, indexed):
    """"Select all" across pages sends the filter, not the ids: every matching article changes."""
    articles = [make_article(f"批量主题测试{i}", "内容。") for i in range(7)]
    indexed(*articles)
    with indexed.commit():
        response = editor_client.post(CHANGELIST + "?q=批量主题测试", {
            "action": "add_topic", "select_across": "1", "index": 0, "_selected_action": [articles[0].pk],
            "apply": "确定", "topic": topic("人才").pk})
    assert response.status_code == 302
    assert ArticleTopic.objects.filter(topic=topic("人才"), article__in=articles).count() == 7
    assert len(api_titles(editor_client, topic="人才", q="批量主题测试")) == 7


def test_remove_topic_in_bulk_keeps_it_removed(editor_client, indexed):
    article = make_article("量子计算原型机", "量子比特。")
    ImportRun()._tag(article)
    assert article.topics.filter(name="量子科技").exists()
    indexed(article)
    with indexed.commit():
        run_action(editor_client, "remove_topic", [article], apply="确定", topic=topic("量子科技").pk)
    assert not article.topics.exists()
    ImportRun()._tag(article)
    assert not article.topics.exists()
    assert api_titles(editor_client, topic="量子科技", q="量子计算原型机") == []


def test_retag_in_bulk_reports_what_changed_and_leaves_editor_topics(editor_client):
    article = make_article("人形机器人量产", "具身智能。")
    ArticleTopic.objects.create(article=article, topic=topic("人才"), origin="editor")
    ArticleTopic.objects.create(article=article, topic=topic("量子科技"), origin="auto")  # a stale rule match
    response = run_action(editor_client, "retag", [article], follow=True)
    assert "新增 1 个主题，移除 1 个" in response.content.decode()
    assert set(article.topics.values_list("name", flat=True)) == {"人才", "机器人与具身智能"}


def test_mark_as_duplicate_of_a_chosen_article(editor_client, indexed, client):
    keep = make_article("长三角联合攻关项目启动", "联合攻关。")
    copy = make_article("长三角联合攻关项目启动（转载）", "联合攻关。", source="转载号")
    indexed(keep, copy)
    with indexed.commit():
        response = run_action(editor_client, "mark_duplicate", [copy], apply="确定", keep=keep.pk)
    assert response.status_code == 302
    copy.refresh_from_db()
    assert (copy.status, copy.duplicate_of_id) == ("duplicate", keep.pk)
    assert api_titles(client, q="联合攻关项目") == ["长三角联合攻关项目启动"]
    page = client.get(copy.get_absolute_url())
    assert page.status_code in (301, 302) and page["Location"] == keep.get_absolute_url()
    with indexed.commit():
        run_action(editor_client, "unmerge", [copy])
    copy.refresh_from_db()
    assert (copy.status, copy.duplicate_of_id) == ("published", None)
    assert len(api_titles(client, q="联合攻关项目")) == 2


# ---------------------------------------------------------------- sources and topics
