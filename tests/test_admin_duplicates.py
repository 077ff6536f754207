"""Duplicates: grouping (pure), the editors' duplicates view, merging, redirects and undoing a merge."""
import datetime

import pytest

from archive import duplicate_review, merging
from archive.merging import Candidate, find_groups
from archive.models import Article, NotDuplicate
from search.indexing import reindex_articles
from tests.factories import make_article

BCI_STANDARD = "上海市医械院牵头起草的我国首个脑机接口医疗器械行业标准正式发布"
# The opening of a seed article (fixtures/001_*.txt), as reprints carry it.
STORY = ("近日，由上海市医疗器械检验研究院牵头起草的YY/T 1987-2025《采用脑机接口技术的医疗器械 用于人工智能算法的"
         "脑电数据集质量要求与评价方法》医疗器械行业标准正式发布，这是我国首个脑机接口医疗器械行业标准。"
         "标准规定了采用脑机接口技术的医疗器械用于人工智能算法的脑电数据集的质量要求，描述了对应的评价方法。")
DAY = datetime.date(2025, 9, 18)


def groups_of(*candidates, **kwargs):
    return [(sorted(g.ids), sorted(g.reasons)) for g in find_groups(list(candidates), **kwargs)]


# ---------------------------------------------------------------- grouping (pure)

def test_same_canonical_url_or_content_hash_is_one_story():
    assert groups_of(Candidate(1, "甲", DAY, url="https://a/1"), Candidate(2, "乙", DAY, url="https://a/1"),
                     Candidate(3, "丙", DAY, content_hash="h1"), Candidate(4, "丁", DAY, content_hash="h1"),
                     Candidate(5, "戊", DAY, content_hash="h2")) == [([3, 4], ["hash"]), ([1, 2], ["url"])]


def test_same_title_on_the_same_day_from_two_sources_is_one_story():
    assert groups_of(Candidate(1, "江苏发布脑机接口 产业创新发展行动方案", DAY),
                     Candidate(2, "江苏发布脑机接口产业创新发展行动方案！", DAY),
                     Candidate(3, "江苏发布脑机接口产业创新发展行动方案", DAY + datetime.timedelta(days=1)),
                     Candidate(4, "通知", DAY), Candidate(5, "通知", DAY)) == [([1, 2], ["title"])]


def test_a_reprint_with_a_line_added_is_near_identical_text():
    reprint = "【转载】来源：科创长宁公众号。" + STORY + "（编辑：张三）"
    groups = find_groups([Candidate(1, BCI_STANDARD, DAY, text=STORY),
                          Candidate(2, "脑机接口行业标准发布", DAY, text=reprint),
                          Candidate(3, "另一篇", DAY, text="上海科技馆焕新升级，即将归来！" * 10)])
    assert [(g.ids, g.reasons) for g in groups] == [([2, 1], {"text"})]
    assert groups[0].similarity >= merging.CONTAINMENT


def test_short_empty_or_different_texts_are_not_compared_by_text():
    assert groups_of(Candidate(1, "甲", DAY, text="会议召开。"), Candidate(2, "乙", DAY, text="会议召开。"),
                     Candidate(3, "丙", DAY, text=STORY, is_empty=True), Candidate(4, "丁", DAY, text=STORY),
                     Candidate(5, "戊", DAY, text=STORY[::-1])) == []


def test_pairs_judged_distinct_are_not_grouped():
    a, b = Candidate(1, "年度申报指南", DAY, text=STORY), Candidate(2, "年度申报指南（二）", DAY, text=STORY)
    assert groups_of(a, b) == [([1, 2], ["text"])]
    assert groups_of(a, b, distinct={(1, 2)}) == []


def test_groups_come_newest_first_with_the_newest_article_first():
    old = [Candidate(1, "旧闻一则标题", DAY), Candidate(2, "旧闻一则标题", DAY)]
    new = [Candidate(3, "新闻一则标题", DAY.replace(year=2026)), Candidate(4, "新闻一则标题", DAY.replace(year=2026))]
    assert [g.ids for g in find_groups(old + new)] == [[4, 3], [2, 1]]


# ---------------------------------------------------------------- the view and merging


@pytest.fixture
def reprint(db):
    original = Article.objects.get(title=BCI_STANDARD)
    copy = make_article(BCI_STANDARD, "转自科创长宁。\n\n" + original.body, source="医械转载号",
                        published=original.published.isoformat(), original_outlet="科创长宁")
    return original, copy


@pytest.mark.django_db
def test_duplicate_groups_finds_a_reprint_in_the_archive(reprint):
    original, copy = reprint
    groups, compared = merging.duplicate_groups()
    group = next(g for g in groups if copy.pk in g.ids)
    assert set(group.ids) == {original.pk, copy.pk} and group.reasons == {"title", "text"}
    assert compared == Article.objects.filter(status="published").count()
    assert merging.suggested_keep([copy, original]) == original  # the original, not the reprint


@pytest.mark.django_db
def test_duplicates_page_merges_the_group_into_the_chosen_article(editor_client, client, reprint, temp_index,
                                                                  django_capture_on_commit_callbacks):
    original, copy = reprint
    reindex_articles([original.pk, copy.pk])
    page = editor_client.get("/admin/archive/article/duplicates/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="keep" value="{original.pk}" aria-label="保留 #{original.pk}" checked' in html
    assert "同日同标题" in html and "正文高度相似" in html
    assert len(client.get("/api/search", {"q": "脑机接口医疗器械行业标准"}).json()["results"]) == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post("/admin/archive/article/duplicates/", {
            "ids": [original.pk, copy.pk], "keep": original.pk, "merge": [original.pk, copy.pk],
            "decision": "merge"}, follow=True)
    assert "已将 1 篇文章合并到" in response.content.decode()
    copy.refresh_from_db()
    assert (copy.status, copy.duplicate_of_id) == ("duplicate", original.pk)
    assert copy.history.first().history_user.username == "editor"
    results = client.get("/api/search", {"q": "脑机接口医疗器械行业标准"}).json()["results"]
    assert [r["id"] for r in results] == [original.pk]
    redirect = client.get(f"/articles/{copy.pk}/")
    assert redirect.status_code in (301, 302) and redirect["Location"] == f"/articles/{original.pk}/"
    after = editor_client.get("/admin/archive/article/duplicates/").content.decode()
    assert f'value="{copy.pk}"' not in after


@pytest.mark.django_db
def test_not_a_duplicate_is_remembered(editor_client, reprint):
    original, copy = reprint
    editor_client.post("/admin/archive/article/duplicates/", {"ids": [original.pk, copy.pk], "decision": "distinct"})
    assert NotDuplicate.objects.filter(first=original, second=copy).exists()
    groups, _ = merging.duplicate_groups()
    assert not any(copy.pk in g.ids for g in groups)


@pytest.mark.django_db
def test_merge_takes_along_what_was_merged_into_the_duplicate_and_undoes_to_the_earlier_status():
    keep, middle, old = (make_article(f"同一新闻{i}", "内容。") for i in range(3))
    hidden = make_article("同一新闻（已隐藏）", "内容。", status="hidden")
    merging.merge(middle, [old])
    merging.merge(keep, [middle, hidden])
    statuses = dict(Article.objects.filter(pk__in=[middle.pk, old.pk, hidden.pk])
                    .values_list("pk", "duplicate_of"))
    assert statuses == {middle.pk: keep.pk, old.pk: keep.pk, hidden.pk: keep.pk}
    assert Article.objects.get(pk=old.pk).kept_article() == keep
    assert merging.unmerge(Article.objects.filter(pk__in=[hidden.pk, middle.pk])) == 2
    assert dict(Article.objects.filter(pk__in=[middle.pk, hidden.pk]).values_list("pk", "status")) == {
        middle.pk: "published", hidden.pk: "hidden"}
    with pytest.raises(merging.MergeError):
        merging.merge(old, [keep])  # old is itself a duplicate


# ---------------------------------------------------------------- exact copies and similar texts

PARTNER_2026 = "【通知】关于发布2026年度“上海伙伴科研计划”项目申报指南的通知"
PARTNER_2025 = "【通知】上海市科学技术委员会关于发布2025年度“上海伙伴科研计划” 项目申报指南的通知"
S_GENERATION = "【通知】上海市科学技术委员会关于发布2025年度创新生态建设计划“S世代计划”项目申报指南的通知"


def test_groups_by_url_or_body_hash_are_exact_and_the_rest_similar():
    exact = find_groups([Candidate(1, "甲", DAY, url="https://a/1"), Candidate(2, "乙", DAY, url="https://a/1"),
                         Candidate(3, "丙", DAY, url="https://a/1", content_hash="h"),
                         Candidate(4, "丁", DAY, content_hash="h")])
    assert [(g.ids, g.exact) for g in exact] == [([4, 3, 2, 1], True)]
    mixed = find_groups([Candidate(1, "同一标题的新闻", DAY, content_hash="h"), Candidate(2, "另一", DAY, content_hash="h"),
                         Candidate(3, "同一标题的新闻", DAY)])
    assert [(g.ids, g.exact) for g in mixed] == [([3, 2, 1], False)]  # 3 only shares a title


def test_a_similar_group_differing_in_title_date_number_or_deadline_is_not_checked():
    from types import SimpleNamespace as Row

    def article(pk, title, published, doc_number="", deadline=None):
        return Row(pk=pk, title=title, published=published, doc_number=doc_number, deadline=deadline)

    new = article(1, "2026年度计划申报指南", datetime.date(2026, 1, 20), "沪科指南〔2026〕1号", datetime.date(2026, 12, 31))
    old = article(2, "2025年度计划申报指南", datetime.date(2025, 10, 20), "沪科指南〔2025〕39号")
    similar = duplicate_review.review([new, old], new, exact=False)
    assert similar.differing == ["title", "published", "doc_number"]  # an unknown deadline is no difference
    assert [r.checked for r in similar.rows] == [False, False] and not similar.preselect
    assert str(similar.rows[1].title_html) == "202<mark>5</mark>年度计划申报指南"
    assert similar.rows[1].differs == {"title": True, "published": True, "doc_number": True, "deadline": False}
    reprint = article(3, "2026年度计划申报指南！", new.published)  # same title but punctuation, no number
    assert [r.checked for r in duplicate_review.review([new, reprint], new, exact=False).rows] == [False, True]
    assert [r.checked for r in duplicate_review.review([new, old], new, exact=True).rows] == [False, True]


@pytest.mark.django_db
def test_three_calls_for_applications_from_the_seeds_are_similar_and_nothing_is_checked(editor_client):
    calls = {a.title: a for a in Article.objects.filter(title__in=[PARTNER_2026, PARTNER_2025, S_GENERATION])}
    assert len(calls) == 3
    groups, _ = merging.duplicate_groups()
    group = next(g for g in groups if calls[PARTNER_2026].pk in g.ids)
    assert set(group.ids) == {a.pk for a in calls.values()} and not group.exact
    html = editor_client.get("/admin/archive/article/duplicates/").content.decode()
    start = html.index(f'value="{calls[PARTNER_2026].pk}"')
    form = html[html.rindex("<form", 0, start):html.index("</form>", start)]
    assert "相似" in form and "不同之处（已标出）：标题、发布日期、发文字号、申报截止日期" in form
    assert 'name="merge"' in form and not any(f'name="merge" value="{a.pk}" aria-label="标为重复 #{a.pk}" checked'
                                              in form for a in calls.values())
    assert form.count("<mark>") >= 2
    assert 'class="num differs">2025-10-20' in form
    assert 'name="keep"' in form and " checked" not in form  # not even which one to keep
    response = editor_client.post("/admin/archive/article/duplicates/", {
        "ids": [a.pk for a in calls.values()], "merge": [calls[PARTNER_2025].pk], "decision": "merge"}, follow=True)
    assert "请选择要保留的文章。" in response.content.decode()
    assert Article.objects.filter(pk__in=[a.pk for a in calls.values()], status="published").count() == 3
