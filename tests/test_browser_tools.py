"""Issue 18 in a real browser: focus, the month chart, printing, dark scheme and the researchers' tools."""
import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
AI = "/?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD"
TOTAL_RE = re.compile(r"共 (\d+) (?:条结果|篇文章)")


def total(page):
    return int(TOTAL_RE.search(page.locator(".summary").inner_text())[1])


def with_body(page):
    """Return the results that have body text: exports leave title-only articles out unless empty=1."""
    summary = page.locator(".summary").inner_text()
    bodiless = re.search(r"其中 (\d+) 篇无正文", summary)
    return total(page) - (int(bodiless[1]) if bodiless else 0)


@pytest.fixture
def no_js(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_after_a_facet_toggle_the_first_result_is_one_tab_away(page, live_archive):
    page.goto(live_archive + AI)
    page.get_by_role("checkbox", name=re.compile("上海科技")).check()
    expect(page).to_have_url(re.compile(r"source=.*#hits$"))
    expect(page.locator("#hits")).to_be_focused()
    page.keyboard.press("Tab")
    first = page.locator(".hit h3 a").first
    expect(first).to_be_focused()


def test_without_javascript_applying_filters_opens_at_the_results(no_js, live_archive):
    no_js.goto(live_archive + AI)
    no_js.get_by_role("checkbox", name=re.compile("上海科技")).check()
    no_js.get_by_role("button", name="应用筛选").click()
    expect(no_js).to_have_url(re.compile(r"#hits$"))
    no_js.keyboard.press("Tab")  # sequential focus starts at the fragment's target
    expect(no_js.locator(".hit h3 a").first).to_be_focused()


def test_a_chosen_month_keeps_its_neighbours_reachable_in_the_chart(page, live_archive):
    page.goto(live_archive + AI)
    bars = page.locator(".histogram a[data-month]")
    before = bars.count()
    assert before > 2
    month = bars.nth(1).get_attribute("data-month")
    bars.nth(1).click()
    expect(page).to_have_url(re.compile(rf"from={month}-01"))
    expect(page.locator(".histogram a[data-month]")).to_have_count(before)
    expect(page.locator(f'.histogram a[data-month="{month}"]')).to_have_attribute("aria-current", "true")
    neighbour = page.locator(".histogram a[data-month]").nth(0)
    other = neighbour.get_attribute("data-month")
    count = int(neighbour.get_attribute("data-count"))
    neighbour.click()
    expect(page).to_have_url(re.compile(rf"from={other}-01&to={other}-\d\d"))
    assert total(page) == count


def test_printing_an_article_leaves_out_navigation_and_language_switch(page, live_archive):
    page.goto(live_archive + "/articles/8/")
    expect(page.locator(".site-nav")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    expect(page.locator("form.lang")).to_be_hidden()
    expect(page.locator(".article h1")).to_be_visible()
    expect(page.locator("#citation-gbt")).to_be_visible()


def test_the_dark_scheme_follows_the_system_setting(page, live_archive):
    page.emulate_media(color_scheme="dark")
    page.goto(live_archive + AI)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 22, 29)"
    page.emulate_media(color_scheme="light")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"


@pytest.mark.parametrize("js", [True, False])
def test_choose_page_size_and_sort_with_and_without_javascript(browser, live_archive, js):
    context = browser.new_context(java_script_enabled=js)
    page = context.new_page()
    page.goto(live_archive + AI)
    page.locator(".per-page").get_by_role("link", name="50").click()
    expect(page).to_have_url(re.compile(r"per_page=50"))
    expect(page.locator(".hit")).to_have_count(min(50, total(page)))
    page.locator(".sort").get_by_role("link", name="标题").click()
    expect(page).to_have_url(re.compile(r"sort=title"))
    expect(page.locator(".sort [aria-current]")).to_have_text("标题")
    expect(page.locator(".hit")).to_have_count(min(50, total(page)))
    context.close()


def test_sort_facet_values_by_name(page, live_archive):
    page.goto(live_archive + "/")
    page.get_by_role("link", name="按名称").click()
    expect(page).to_have_url(re.compile(r"facet_sort=name"))
    labels = page.locator('fieldset[data-facet="source"] .facet-values .value').all_inner_texts()
    assert labels == sorted(labels)


@pytest.mark.parametrize("js", [True, False])
def test_advanced_search_writes_the_query_into_the_box(browser, live_archive, js):
    context = browser.new_context(java_script_enabled=js)
    page = context.new_page()
    page.goto(live_archive + "/")
    page.get_by_role("link", name="高级检索").click()
    page.get_by_label("包含全部词语").fill("人工智能")
    page.get_by_label("包含完整短语").fill("大模型")
    page.get_by_label("包含任一词语").fill("上海 江苏")
    page.get_by_label("不包含词语").fill("招聘")
    page.get_by_label("起始日期").fill("2025-01-01")
    expected = '人工智能 "大模型" (上海 OR 江苏) -招聘'
    if js:
        expect(page.locator("#adv-preview")).to_have_text(expected)
    page.get_by_role("button", name="检索").click()
    expect(page.get_by_label("检索词")).to_have_value(expected)
    expect(page.locator(".chip")).to_contain_text("2025-01-01")
    assert total(page) > 0
    context.close()


def test_mark_results_and_download_their_citations(page, live_archive):
    page.goto(live_archive + AI)
    marks = page.locator(".hit .mark-box input")
    marks.nth(0).check()
    marks.nth(2).check()
    bar = page.locator(".marked-bar")
    expect(bar).to_be_visible()
    with page.expect_download() as download:
        bar.get_by_role("link", name="RIS").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.count("ER  - ") == 2
    page.reload()
    expect(page.locator(".hit .mark-box input").nth(2)).to_be_checked()
    gbt = bar.get_by_role("link", name="GB/T 7714 参考文献表").get_attribute("href")
    listing = page.request.get(live_archive + gbt).text().splitlines()
    titles = page.locator(".hit h3").all_inner_texts()
    assert len(listing) == 2 and titles[0].split("：")[0][:8] in listing[0]
    bar.get_by_role("button", name="清除标记").click()
    expect(bar).to_be_hidden()


def test_without_javascript_the_whole_result_set_can_be_cited(no_js, live_archive):
    no_js.goto(live_archive + AI)
    expected = with_body(no_js)
    expect(no_js.locator(".marked-bar")).to_be_hidden()
    with no_js.expect_download() as download:
        no_js.locator(".cite-export").get_by_role("link", name="BibTeX").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert len(re.findall(r"^@\w+\{", text, re.M)) == expected


def _wait_for_seen(page, done, tries=100):
    """Poll the saved search's stored "seen" count until done(count); return it.

    Polled from here: the page's CSP forbids the eval that a string wait_for_function needs.
    """
    count = None
    for _ in range(tries):
        count = page.evaluate("() => (JSON.parse(localStorage.getItem('archive.saved')) || [{seen: []}])[0].seen.length")
        if done(count):
            return count
        page.wait_for_timeout(100)
    raise AssertionError(f"saved search's seen count stayed {count}")


def test_saved_search_shows_new_results_since_the_last_visit_and_its_feed(page, live_archive):
    page.goto(live_archive + AI)
    page.get_by_role("button", name="保存此检索").click()
    saved = page.locator(".saved-list li")
    expect(saved).to_have_count(1)
    expect(saved.get_by_role("link", name="Atom")).to_have_attribute("href", re.compile(r"^/feed\.atom\?q="))
    seen = _wait_for_seen(page, lambda n: n > 0)
    page.goto(live_archive + "/")
    expect(page.locator(".saved-list .new-count")).to_have_text("没有新结果")
    # Pretend two of today's results had not been published at the last visit.
    page.evaluate("""() => { const s = JSON.parse(localStorage.getItem('archive.saved'));
                              s[0].seen = s[0].seen.slice(2); localStorage.setItem('archive.saved', JSON.stringify(s)); }""")
    page.reload()
    expect(page.locator(".saved-list .new-count")).to_have_text("2 条新结果")
    page.locator(".saved-list li a").first.click()  # the visit: seen again
    page.wait_for_url(re.compile(r"/\?q="))
    # The visit stores what it saw once its own request answers: wait for all of them, not a prefix.
    _wait_for_seen(page, lambda n: n == seen)
    page.goto(live_archive + "/")
    expect(page.locator(".saved-list .new-count")).to_have_text("没有新结果")
    feed = page.request.get(live_archive + page.locator(".saved-feed").get_attribute("href"))
    assert feed.ok and "<feed" in feed.text()


def test_no_console_errors_and_a_site_404_page(page, live_archive):
    errors = []
    page.on("console", lambda msg: errors.append(msg.location.get("url", "")) if msg.type == "error" else None)
    page.goto(live_archive + AI)
    page.goto(live_archive + "/articles/99999/")
    expect(page.locator("h1")).to_have_text("页面不存在")
    expect(page.locator(".site-nav")).to_be_visible()
    assert [url for url in errors if "favicon" in url] == []
    assert json.loads(page.request.get(live_archive + "/api/search").text())["count"] > 0
