"""An editor's browser session over HTTP: cookies, CSRF and the admin's forms, as a browser submits them.

Used by the concurrency test and by bench/save_during_import.py, which both save articles
through the real admin of a served archive while other processes write.
"""
import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser


class FormFields(HTMLParser):
    """Collect what a browser would submit from the admin change form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields, self._in_form, self._select, self._textarea = [], False, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "file", "image"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.fields.append((name, text[1:] if text.startswith("\n") else text))  # as browsers do
            self._textarea = None
        elif tag == "form":
            self._in_form = False


class Editor:
    """One editor's browser session: cookies, CSRF, forms."""

    def __init__(self, base, username):
        self.base, self.username = base, username
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.statuses: list[tuple[str, int]] = []
        self.timings: list[tuple[str, float]] = []  # (path, seconds) of each request
        self.last_url: str | None = None
        self.timeout = 180.0  # seconds a request may take before it fails

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        began = time.perf_counter()
        try:
            request = urllib.request.Request(self.base + path, data=body)
            with self.opener.open(request, timeout=self.timeout) as response:
                status, html, self.last_url = response.status, response.read().decode(), response.geturl()
        except urllib.error.HTTPError as error:
            status, html, self.last_url = error.code, error.read().decode(errors="replace"), error.url
        self.statuses.append((path, status))
        self.timings.append((path, time.perf_counter() - began))
        return status, html

    def form(self, path):
        status, html = self.request(path)
        assert status == 200, (path, status)
        parser = FormFields()
        parser.feed(html)
        return parser.fields, html

    def login(self, password: str) -> None:
        fields, _ = self.form("/admin/login/?next=/admin/")
        data = dict(fields) | {"username": self.username, "password": password}
        status, html = self.request("/admin/login/?next=/admin/", data)
        assert status == 200 and "/admin/logout/" in html, html[:500]

    def open_article(self, pk):
        fields, _ = self.form(f"/admin/archive/article/{pk}/change/")
        return fields

    def save_article(self, pk, fields, **changes):
        data = [(k, v) for k, v in fields if k not in changes] + list(changes.items()) + [("_save", "保存")]
        status, html = self.request(f"/admin/archive/article/{pk}/change/", data)
        assert status == 200, (pk, status, html[:300])
        # saved: redirected to the list; not saved: the form again, with the errors
        assert urllib.parse.urlparse(self.last_url).path == "/admin/archive/article/", \
            re.findall(r'<ul class="errorlist.*?</ul>', html, re.S)
        return html
