"""Take the README screenshots from a running archive: python scripts/screenshots.py [URL]."""
import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent.parent / "docs"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def main(base="http://127.0.0.1:8000"):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(base + "/?q=脑机接口")
        page.screenshot(path=DOCS / "screenshot-search.png")
        page.locator(".hit h3 a").nth(2).click()
        page.screenshot(path=DOCS / "screenshot-article.png")
        phone = browser.new_page(viewport={"width": 375, "height": 800})
        phone.goto(base + "/?q=集成电路")
        phone.screenshot(path=DOCS / "screenshot-phone.png")
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
