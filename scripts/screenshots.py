"""Take the README screenshots from a running archive: python scripts/screenshots.py [URL]."""
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent.parent / "docs"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def main(base="http://127.0.0.1:8000"):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--disable-gpu", "--disable-background-networking"])
        # The search page: a query narrowed by one facet, its month histogram, chips and results.
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "/?" + urlencode({"q": "人工智能", "kind": "新闻"}))
        page.screenshot(path=DOCS / "screenshot-search.png")
        # The article page: a numbered notice with its issuing bodies, links and citation.
        page.goto(base + "/?" + urlencode({"q": "沪科合〔2026〕1号"}))
        page.locator(".hit h3 a").first.click()
        page.wait_for_load_state()
        page.screenshot(path=DOCS / "screenshot-article.png")
        # The advanced search form, writing the query syntax it will put into the box.
        page.goto(base + "/search/advanced/")
        page.get_by_label("包含全部词语").fill("人工智能")
        page.get_by_label("包含任一词语").fill("上海 江苏")
        page.get_by_label("不包含词语").fill("招聘")
        page.screenshot(path=DOCS / "screenshot-advanced.png")
        # The dark scheme, as a system set to dark shows it.
        dark = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme="dark")
        dark.goto(base + "/?" + urlencode({"q": "脑机接口"}))
        dark.screenshot(path=DOCS / "screenshot-dark.png")
        phone = browser.new_page(viewport={"width": 375, "height": 800})
        phone.goto(base + "/?" + urlencode({"q": "集成电路"}))
        phone.screenshot(path=DOCS / "screenshot-phone.png")
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
