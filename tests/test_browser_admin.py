"""The editors' site in a real browser (Playwright + Debian's chromium), against gunicorn.

One editor curates a served copy of the archive step by step; after each step
the public search shows the new state at once.
"""
import json
import re
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.conftest import EDITOR_PASSWORD

pytestmark = pytest.mark.browser

BCI_STANDARD = "上海市医械院牵头起草的我国首个脑机接口医疗器械行业标准正式发布"
FIXED_TITLE = BCI_STANDARD + "（勘误版）"
HIDDEN = "《硅宝追梦心》序曲——“我命由我不由天”"
SERIES = "硅宝追梦心"
REPRINTED = "打造具有世界影响力未来产业引领地"


def api(live, **params):
    with urllib.request.urlopen(live.url + "/api/search?" + urllib.parse.urlencode(params), timeout=30) as r:
        return json.loads(r.read())


def titles(live, **params):
    return [r["title"] for r in api(live, **params)["results"]]


def search_page(page, live, **params):
    page.goto(live.url + "/?" + urllib.parse.urlencode(params))
    return page.locator("main, body").first


def run_action(page, label):
    page.locator("select[name=action]").first.select_option(label=label)
    page.locator("button[name=index]").first.click()


def open_changelist(page, live, q):
    page.goto(live.url + "/admin/archive/article/?" + urllib.parse.urlencode({"q": q}))


def merge_a_reprint(page, live, tmp_path):
    """Import a reprint of an article through the admin, merge it into the original, follow the redirect."""
    original = next(r for r in api(live, q=REPRINTED)["results"] if r["title"] == REPRINTED)
    body = json.loads(live.manage("shell", "--verbosity", "0", "-c",
                                  "import json; from archive.models import Article; "
                                  f"print(json.dumps(Article.objects.get(pk={original['id']}).body))").stdout)
    reprint = tmp_path / "reprint.json"
    reprint.write_text(json.dumps([{
        "aid": "reprint-1", "title": REPRINTED, "time": original["published"], "account": "长宁转载号",
        "url": "https://mp.weixin.qq.com/s?__biz=REPRINT&mid=1&idx=1&sn=r1",
        "content": body.replace("\n\n", "\r") + "\r记者从长宁区获悉，相关工作正在加紧推进。"}],
        ensure_ascii=False), encoding="utf-8")
    page.goto(live.url + "/admin/archive/importbatch/")
    page.get_by_role("link", name="导入文件").first.click()
    page.locator("input[type=file]").set_input_files(str(reprint))
    page.get_by_role("button", name="导入").click()
    expect(page.locator("#import-counts tbody tr")).to_contain_text("reprint.json")
    expect(page.locator("#import-counts tfoot")).to_contain_text("1")
    both = api(live, q=REPRINTED)["results"]
    copy = next(r for r in both if r["source"] == "长宁转载号")
    assert {r["id"] for r in both if r["title"] == REPRINTED} == {original["id"], copy["id"]}

    page.goto(live.url + "/admin/archive/article/")
    page.get_by_role("link", name="疑似重复").click()
    group = page.locator("form.dup-group", has=page.locator(f"input[name=ids][value='{copy['id']}']"))
    group.get_by_label(f"保留 #{original['id']}", exact=True).check()
    group.get_by_label(f"标为重复 #{copy['id']}", exact=True).check()
    group.get_by_role("button", name="合并").click()
    expect(page.locator(".messagelist .success")).to_contain_text("已将 1 篇文章合并到")
    assert [r["id"] for r in api(live, q=REPRINTED)["results"] if r["title"] == REPRINTED] == [original["id"]]
    page.goto(live.url + f"/articles/{copy['id']}/")
    expect(page).to_have_url(re.compile(rf"/articles/{original['id']}/$"))


def test_an_editor_curates_and_search_follows(page, live_admin_archive, tmp_path):
    live = live_admin_archive
    page.set_default_timeout(30_000)
    # Log in as an editor.
    page.goto(live.url + "/admin/")
    page.get_by_label("用户名").fill("editor")
    page.get_by_label("密码").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#site-name")).to_contain_text("编辑后台")

    # 1. Fix a title.
    open_changelist(page, live, "脑机接口医疗器械行业标准")
    page.get_by_role("link", name=BCI_STANDARD, exact=True).click()
    page.locator("#id_title").fill(FIXED_TITLE)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text(FIXED_TITLE)
    expect(search_page(page, live, q="勘误版")).to_contain_text(FIXED_TITLE)
    assert titles(live, q="勘误版") == [FIXED_TITLE]

    # 2. Hide an article.
    assert HIDDEN in titles(live, q="我命由我不由天")
    open_changelist(page, live, SERIES)
    page.locator("#result_list tr", has_text=HIDDEN).locator("input.action-select").check()
    run_action(page, "隐藏所选文章")
    expect(page.locator(".messagelist .success")).to_contain_text("已隐藏 1 篇文章")
    expect(search_page(page, live, q=SERIES)).not_to_contain_text("我命由我不由天")
    assert HIDDEN not in titles(live, q="我命由我不由天")

    # 3. Add a topic in bulk.
    assert titles(live, q=SERIES, topic="量子科技") == []
    open_changelist(page, live, SERIES)  # also finds articles that only mention the series
    rows = page.locator("#result_list tr", has_text=f"《{SERIES}》")
    expect(rows).to_have_count(3)
    for i in range(3):
        rows.nth(i).locator("input.action-select").check()
    run_action(page, "为所选文章添加主题…")
    page.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("量子")
    page.locator(".select2-results__option", has_text="量子科技").click()
    page.get_by_role("button", name="确定").click()
    expect(page.locator(".messagelist .success")).to_contain_text("已为 3 篇文章添加主题“量子科技”")
    shown = search_page(page, live, q=SERIES, topic="量子科技")
    expect(shown).to_contain_text("《硅宝追梦心》第一幕")
    assert len(titles(live, q=SERIES, topic="量子科技")) == 2  # the hidden one stays out

    # 4. Merge a duplicate: import a reprint from the admin, then merge it in the duplicates view.
    merge_a_reprint(page, live, tmp_path)

    # 5. Restore an earlier version of the title fixed in step 1.
    open_changelist(page, live, "勘误版")
    page.get_by_role("link", name=FIXED_TITLE, exact=True).click()
    page.get_by_role("link", name="历史").click()
    expect(page.locator("#change-history")).to_contain_text("editor")
    page.locator("#change-history tbody tr").last.locator("a").first.click()
    expect(page.locator("#id_title")).to_have_value(BCI_STANDARD)
    page.get_by_role("button", name="还原").first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(search_page(page, live, q="脑机接口医疗器械行业标准")).to_contain_text(BCI_STANDARD)
    assert titles(live, q="勘误版") == []
    assert BCI_STANDARD in titles(live, q="脑机接口医疗器械行业标准")
