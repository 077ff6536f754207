"""The archive in a real browser: Debian's chromium driven by Playwright, served by gunicorn."""
import csv
import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
BCI_STANDARD = "上海市医械院牵头起草的我国首个脑机接口医疗器械行业标准正式发布"
TOTAL_RE = re.compile(r"共 (\d+) (?:条结果|篇文章)")
BODILESS_RE = re.compile(r"其中 (\d+) 篇无正文")


def total(page):
    """Return the results with body text (those without are in no facet count and no export)."""
    summary = page.locator(".summary").inner_text()
    bodiless = BODILESS_RE.search(summary)
    return int(TOTAL_RE.search(summary)[1]) - (int(bodiless[1]) if bodiless else 0)


def facet_count(page, name):
    label = page.locator("label", has=page.get_by_role("checkbox", name=re.compile(name))).first
    return int(re.search(r"(\d+)", label.locator(".count").inner_text())[1])


def test_search_add_and_remove_facet_filters(page, live_archive):
    page.goto(live_archive + "/")
    expect(page.locator(".summary")).to_contain_text("共")
    page.get_by_label("检索词").fill("脑机接口")
    page.get_by_role("button", name="检索", exact=True).click()
    expect(page).to_have_url(re.compile(r"q=%E8%84%91"))
    titles = page.locator(".hit h3").all_inner_texts()
    assert BCI_STANDARD in titles[:3]
    expect(page.locator(".hit mark").first).to_have_text("脑机接口")
    everything = total(page)

    page.get_by_role("checkbox", name=re.compile("新华日报")).check()  # applies at once
    expect(page).to_have_url(re.compile(r"source=%E6%96%B0%E5%8D%8E"))
    expect(page.locator(".hit")).to_have_count(1)
    expect(page.get_by_role("checkbox", name=re.compile("新华日报"))).to_be_checked()
    expect(page.locator(".facet li.selected .badge")).to_have_text("已选")
    chip = page.locator(".chip", has_text="新华日报")
    expect(chip).to_contain_text("来源：")

    topic = page.locator('fieldset[data-facet="topic"] li').first
    topic_count = int(topic.locator(".count").inner_text().split()[0])
    topic.locator("input").check()
    expect(page.locator(".chip")).to_have_count(2)
    assert total(page) == topic_count

    page.locator(".chip", has_text="新华日报").click()  # remove one filter
    expect(page.locator(".chip")).to_have_count(1)
    page.get_by_role("link", name="清除全部").click()
    expect(page.locator(".chip")).to_have_count(0)
    assert total(page) == everything


def test_open_a_histogram_bar(page, live_archive):
    page.goto(live_archive + "/?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD")
    bar = page.locator(".histogram a[data-count]").last
    count, month = int(bar.get_attribute("data-count")), bar.get_attribute("data-month")
    bar.click()
    expect(page).to_have_url(re.compile(rf"from={month}-01&to={month}-\d\d"))
    assert total(page) == count
    year, mon = month.split("-")
    expect(page.locator(".chip")).to_contain_text(f"{year}年{int(mon)}月")


def test_paginate_with_back_and_forward(page, live_archive):
    page.goto(live_archive + "/")
    first = page.locator(".hit h3").all_inner_texts()
    page.locator(".pager a", has_text="2").first.click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".pager [aria-current=page]")).to_have_text("2")
    second = page.locator(".hit h3").all_inner_texts()
    assert second and not set(second) & set(first)
    page.go_back()
    expect(page.locator(".pager [aria-current=page]")).to_have_text("1")
    assert page.locator(".hit h3").all_inner_texts() == first
    page.go_forward()
    assert page.locator(".hit h3").all_inner_texts() == second


def test_open_an_article_and_copy_its_citation(page, live_archive):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_archive)
    page.goto(live_archive + "/?q=%E8%84%91%E6%9C%BA%E6%8E%A5%E5%8F%A3")
    page.get_by_role("link", name=BCI_STANDARD).click()
    expect(page.locator("h1")).to_contain_text("脑机接口")
    expect(page.locator(".article .body mark").first).to_have_text("脑机接口")
    assert page.locator(".article .body p").count() >= 3
    assert page.locator(".related li").count() == 5

    citation = page.locator("#citation-gbt").inner_text()
    assert "[EB/OL]" in citation and BCI_STANDARD in citation
    page.get_by_role("button", name="复制引用").click()
    expect(page.locator(".copy-status")).to_have_text("已复制到剪贴板")
    assert page.evaluate("navigator.clipboard.readText()") == citation

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 BibTeX").click()
    assert download.value.suggested_filename.endswith(".bib")
    assert "@misc{" in open(download.value.path(), encoding="utf-8").read()


def test_export_csv_and_parse_it(page, live_archive):
    page.goto(live_archive + "/?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD")
    expected = total(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    raw = open(download.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == expected > 20  # the whole result set, not one page
    assert rows[0]["title"] == page.locator(".hit h3").first.inner_text()
    assert all(r["permalink"].startswith(live_archive + "/articles/") for r in rows)


def test_switch_language_keeps_the_page(page, live_archive):
    page.goto(live_archive + "/?page=2")
    page.get_by_label("界面语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    expect(page.locator(".brand")).to_have_text("Yangtze Delta Sci-Tech Policy Archive")
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("#facets-heading")).to_have_text("Filters")
    page.get_by_label("Interface language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator(".brand")).to_have_text("长三角科技政策资讯库")


def test_keyboard_only_search_and_filter(page, live_archive):
    page.goto(live_archive + "/")
    page.keyboard.press("/")
    expect(page.get_by_label("检索词")).to_be_focused()
    page.keyboard.type("人工智能")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=%E4%BA%BA"))
    box = page.get_by_role("checkbox", name=re.compile("上海科技"))
    box.focus()
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"source=%E4%B8%8A%E6%B5%B7%E7%A7%91%E6%8A%80"))
    expect(page.locator(".chip")).to_have_count(1)
    page.locator(".chip").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".chip")).to_have_count(0)


def test_find_a_facet_value_by_typing(page, live_archive):
    page.goto(live_archive + "/")
    find = page.get_by_label("查找引用文件")
    find.fill("国科发监")
    values = page.locator('fieldset[data-facet="cites"] li:visible')
    expect(values).to_have_count(1)
    expect(values.first).to_contain_text("国科发监〔2023〕167号")


def test_facets_work_without_javascript(browser, live_archive):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_archive + "/?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD")
    expected = facet_count(page, "科创长宁") + facet_count(page, "上海科技")
    page.get_by_role("checkbox", name=re.compile("科创长宁")).check()
    page.get_by_role("checkbox", name=re.compile("上海科技")).check()
    page.get_by_role("button", name="应用筛选").click()
    expect(page.locator(".chip")).to_have_count(2)
    assert total(page) == expected > 40  # values in one facet combine with OR
    expect(page.get_by_role("button", name="复制引用")).to_have_count(0)
    context.close()


@pytest.mark.parametrize("path", ["/?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD", "/articles/8/", "/trends/",
                                  "/documents/", "/help/"])
def test_pages_fit_a_phone(page, live_archive, path):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_archive + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
