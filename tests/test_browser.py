"""The archive in a real browser: Debian's chromium driven by Playwright, served by gunicorn."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
BCI_STANDARD = "上海市医械院牵头起草的我国首个脑机接口医疗器械行业标准正式发布"


def test_search_filter_and_open_an_article(page, live_archive):
    page.goto(live_archive + "/")
    expect(page.locator(".summary")).to_contain_text("共")
    page.get_by_label("检索词").fill("脑机接口")
    page.get_by_role("button", name="检索").click()
    expect(page).to_have_url(re.compile(r"q=%E8%84%91"))
    titles = page.locator(".hit h3").all_inner_texts()
    assert BCI_STANDARD in titles[:3]
    expect(page.locator(".hit mark").first).to_have_text("脑机接口")

    page.locator(".facet a", has_text="新华日报").click()
    expect(page.locator(".hit")).to_have_count(1)
    expect(page.locator(".facet a[aria-current]")).to_contain_text("新华日报")
    page.locator(".facet a[aria-current]").click()  # remove the filter again
    expect(page.locator(".hit").first).to_be_visible()
    assert page.locator(".hit").count() > 1

    page.get_by_role("link", name=BCI_STANDARD).click()
    expect(page.locator("h1")).to_contain_text("脑机接口")
    expect(page.locator(".article .body mark").first).to_have_text("脑机接口")
    assert page.locator(".article .body p").count() >= 3


def test_paginate_and_switch_language(page, live_archive):
    page.goto(live_archive + "/")
    page.locator(".pager a", has_text="2").first.click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".pager [aria-current=page]")).to_have_text("2")
    page.get_by_label("界面语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    expect(page.locator(".brand")).to_have_text("Yangtze Delta Sci-Tech Policy Archive")
    expect(page).to_have_url(re.compile(r"page=2"))
