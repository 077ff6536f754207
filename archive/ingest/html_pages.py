"""Read a saved HTML page into one story: a WeChat article or a generic news article.

The page is parsed by lxml and never rendered: only its text is read, with
paragraph breaks kept, and scripts, styles, forms and navigation dropped.
A WeChat article (as a browser or an exporter saves it) gives its title,
account, publish time and link from its own markup and scripts (#activity-name,
#js_name, ``var ct = "…"``, og:url); a generic page from its meta tags
(article:published_time, og:site_name), <time>, the date beside its headline,
or the dateline of its text.
"""
import codecs
import datetime
import html
import re
from collections.abc import Iterable

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from archive.ingest.datelines import find_dateline
from archive.ingest.dates import HEADER_RE
from archive.ingest.errors import FileRejected
from archive.ingest.pages import make_story

_CHARSET_RE = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
              "iso-8859-1": "cp1252", "ascii": "utf-8", "us-ascii": "utf-8"}
# Never text of the article. (Not <form>, which may wrap a whole page, nor <button>, which
# pages write as "<button />" and so may swallow everything after it.)
_DROPPED = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas",
            "select", "textarea", "input", "nav", "link", "meta", "head", "title")
_AROUND = ("header", "footer", "aside")  # page furniture, dropped outside the article's own element
_BLOCKS = frozenset(("p", "div", "section", "article", "main", "li", "ul", "ol", "h1", "h2", "h3", "h4",
                     "h5", "h6", "tr", "table", "tbody", "thead", "blockquote", "pre", "figure",
                     "figcaption", "dd", "dt", "dl", "hr", "header", "footer", "aside", "center", "address"))
_CELLS = frozenset(("td", "th"))
_SPACE_RE = re.compile(r"[ \t\r\n\f\v\xa0\u3000]+")
_FULL_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_SOURCE_RE = re.compile(r"来源\s*[：:]\s*(?P<name>[^\s|｜/，,]{2,30})")
# "标题_网易新闻", "标题 | 澎湃新闻", "标题--文化--人民网", "标题 - 新华网"; not the hyphen of "1-10月".
_TITLE_SEPARATORS_RE = re.compile(r"\s*(?:_|\||｜|-{2,})\s*|\s+[-–—]\s+")
# A site name after a bare hyphen: short, after a headline of some length.
_SITE_SUFFIX_RE = re.compile(r"(?P<head>.{8,}?)-(?P<site>[^-]{2,12})")
_DATE_METAS = ("article:published_time", "og:article:published_time", "og:release_date", "publishdate",
               "publish_date", "pubdate", "publishtime", "publish-time", "weibo:article:create_at",
               "originalpublicationdate", "dc.date.issued", "dc.date", "date", "citation_date",
               "article.published", "firstpublishedtime", "lastmodifiedtime")
_MIN_BODY_CHARS = 30
_MARKER = "\ue000article\ue000"  # a private-use mark where the article starts
_NEAR_TITLE_LINES = 15
_OPENING_LINES = 4
_INFO_LINE_MAX = 80
_CHINA = datetime.timezone(datetime.timedelta(hours=8))


def decode_html(data: bytes) -> str | None:
    """Return the text of an HTML file: UTF-8, else the charset its <meta> declares; None if neither."""
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig")
    try:
        # Pages saved by a tool are often re-encoded as UTF-8 and keep their old <meta charset>;
        # GB18030 text is practically never valid UTF-8, so valid UTF-8 wins.
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _CHARSET_RE.search(data[:4096])
    if not match:
        return None
    name = match[1].decode("ascii").lower()
    try:
        codec = codecs.lookup(_SUPERSETS.get(name, name)).name
    except LookupError:
        raise FileRejected(f"unknown charset {name!r} in the page's <meta>") from None
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        raise FileRejected(f"cannot decode as the {name} its <meta> declares "
                           f"(byte {error.start:,})") from None


def looks_like_html(text: str) -> bool:
    """Return True when text starts as an HTML document does."""
    head = text.lstrip("\ufeff \t\r\n")[:2000].lower()
    return head.startswith(("<!doctype html", "<html")) or (head.startswith("<?xml") and "<html" in head)


def parse_html(text: str) -> HtmlElement:
    """Return the lxml document of an HTML text; FileRejected when it cannot be parsed."""
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION_RE.sub("", text, count=1))
    except (etree.ParserError, ValueError) as error:
        raise FileRejected(f"cannot parse the HTML: {error}") from None
    # A page with a second <html> (a fragment pasted in) parses into sibling roots: join them.
    for sibling in list(root.itersiblings()):
        if isinstance(sibling.tag, str):
            root.append(sibling)
    return root


def _clean(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def _drop(root: HtmlElement, tags: Iterable[str]) -> None:
    for element in list(root.iter(*tags)):
        if element.getparent() is not None:
            element.drop_tree()  # keeps the text after it


def _hidden(element: HtmlElement) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or element.get("hidden") is not None


def block_lines(element: HtmlElement) -> list[str]:
    """Return the text of an element as lines: one per paragraph, block or line break."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if line := _clean("".join(current)):
            lines.append(line)
        current.clear()

    skipped = None
    for event, node in etree.iterwalk(element, events=("start", "end")):
        if not isinstance(node.tag, str):  # comments and processing instructions
            if event == "end" and node.tail and skipped is None:
                current.append(node.tail)
            continue
        tag = node.tag.lower()
        if event == "start":
            if skipped is not None:
                continue
            if tag in _DROPPED or _hidden(node):
                skipped = node
                continue
            if tag in _BLOCKS or tag == "br":
                flush()
            elif tag in _CELLS:
                current.append(" ")
            if node.text:
                current.append(node.text)
        else:
            if skipped is node:
                skipped = None
            elif skipped is not None:
                continue
            elif tag in _BLOCKS:
                flush()
            if node is not element and node.tail and skipped is None:
                current.append(node.tail)
    flush()
    return lines


def _meta(root: HtmlElement, *names: str) -> str:
    wanted = {name.lower() for name in names}
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").lower()
        if key in wanted and (content := _clean(element.get("content") or "")):
            return html.unescape(content)
    return ""


def _script_var(scripts: str, name: str) -> str:
    """Return the string a page script assigns to name (var ct = "…", d.ct = '…', ct: "…"), or ""."""
    match = re.search(rf"""(?:\bvar\s+|\b\w+\.|[{{,]\s*)?\b{name}\s*[=:]\s*(?:htmlDecode\()?\s*(["'])(.*?)\1""",
                      scripts)
    return html.unescape(match[2]).strip() if match else ""


def _by_id(root: HtmlElement, *ids: str) -> HtmlElement | None:
    for ident in ids:
        found = root.xpath(f"//*[@id='{ident}']")
        if found:
            return found[0]
    return None


def _text_of(element: HtmlElement | None) -> str:
    return _clean(" ".join(block_lines(element))) if element is not None else ""


def _wechat(root: HtmlElement, text: str, scripts: str) -> dict:
    content = _by_id(root, "js_content")
    title = (_text_of(_by_id(root, "activity-name")) or _meta(root, "og:title", "twitter:title")
             or _script_var(scripts, "msg_title"))
    account = (_text_of(_by_id(root, "js_name")) or _script_var(scripts, "nickname")
               or _text_of(_by_id(root, "profileBt")))
    url = _meta(root, "og:url") or _script_var(scripts, "msg_link")
    date: object = None
    if (ct := _script_var(scripts, "ct") or _script_var(scripts, "create_time")).isdigit():
        date = int(ct)  # Unix seconds of publication
    elif match := _FULL_DATE_RE.search(_script_var(scripts, "publish_time") or _text_of(_by_id(root, "publish_time"))):
        date = "-".join(match.groups())
    body = block_lines(content) if content is not None else []
    if date is None:
        date = find_dateline(body) or None
    return make_story(title=title, body=body, date=date, source=account, url=url, fmt="html", raw=text)


def _title(root: HtmlElement, title_tag: str) -> tuple[str, str]:
    """Return the headline and the site name its <title> gives ("标题_网易新闻" -> 网易新闻)."""
    headings = [_text_of(h) for h in root.iter("h1")]
    parts = [p for p in _TITLE_SEPARATORS_RE.split(title_tag) if p]
    if len(parts) == 1 and (match := _SITE_SUFFIX_RE.fullmatch(title_tag)):
        parts = [match["head"], match["site"]]  # "法国全国大罢工再次严重影响交通-新华网"
    site = parts[-1] if len(parts) > 1 else ""
    og = _meta(root, "og:title", "twitter:title")
    for candidate in [*headings, og]:
        if candidate and title_tag.startswith(candidate[:10]):
            return candidate, site
    if len(parts) > 1:
        return parts[0], site
    return og or next((h for h in headings if h), "") or title_tag, site


def _main_element(body: HtmlElement) -> HtmlElement:
    """Return the element holding most running text: the parent of the longest run of paragraphs."""
    for found in body.xpath(".//*[@itemprop='articleBody'] | .//article"):
        if len(_clean(found.text_content())) >= 100:
            return found
    scores = {}
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if tag == "p":
            parent = element.getparent()
            if parent is not None:
                scores[parent] = scores.get(parent, 0) + len(_clean(element.text_content()))
        elif tag in ("div", "td", "section", "article", "main", "font", "span"):
            direct = (element.text or "") + "".join(child.tail or "" for child in element)
            if len(direct.strip()) > 20:
                # Loose text counts half: footers and link bars are loose text too.
                scores[element] = scores.get(element, 0) + len(_clean(direct)) // 2
    if not scores:
        return body
    best = max(scores, key=lambda element: scores[element])
    return best if scores[best] >= _MIN_BODY_CHARS else body


def _page_date(root: HtmlElement, meta: str, before: list[str], body: list[str]) -> str | None:
    if match := _FULL_DATE_RE.search(meta):
        return "-".join(match.groups())
    for element in root.iter("time"):
        if match := _FULL_DATE_RE.search(element.get("datetime") or _text_of(element)):
            return "-".join(match.groups())
    # The line beside the headline ("2019-09-23 09:56 来源：…"), above the article or opening it.
    for line in [*reversed(before[-_NEAR_TITLE_LINES:]), *body[:_OPENING_LINES]]:
        if len(line) <= _INFO_LINE_MAX and (match := _FULL_DATE_RE.search(line)):
            return "-".join(match.groups())
    return find_dateline(body) or None


def _generic(root: HtmlElement, text: str) -> dict:
    title_element = root.find(".//title")
    title_tag = _clean(title_element.text_content()) if title_element is not None else ""
    headline, site = _title(root, title_tag)
    # A declared site name is the source; one read off the <title> only stands in for --source.
    source = _meta(root, "og:site_name", "application-name", "sitename", "site_name")
    url = _meta(root, "og:url") or next((link.get("href", "") for link in root.iter("link")
                                         if (link.get("rel") or "").lower() == "canonical"), "")
    meta_date = _meta(root, *_DATE_METAS)
    _drop(root, ["head"])
    # The whole document, not only <body>: a broken page can leave its article outside it.
    main = _main_element(root)
    body = block_lines(main)
    if main is not root:
        # The lines between the headline and the article: where a page states its date and source.
        marker = etree.Element("span")
        marker.text = _MARKER
        main.addprevious(marker)
        page_lines = block_lines(root)
        marker.getparent().remove(marker)
        cut = next((i for i, line in enumerate(page_lines) if _MARKER in line), len(page_lines))
        top = next((i for i, line in enumerate(page_lines[:cut]) if headline and headline[:10] in line), 0)
        before = page_lines[top:cut]
    else:
        before = []
    outlet = next((m["name"] for line in [*before, *body[:_OPENING_LINES]] if (m := _SOURCE_RE.search(line))
                   and len(line) <= _INFO_LINE_MAX), "")
    date = _page_date(root, meta_date, before, body)
    # The headline and its date line, when the article's element holds them too.
    while body and (body[0] == headline or (len(body[0]) <= _INFO_LINE_MAX and HEADER_RE.fullmatch(body[0]))):
        body = body[1:]
    story = make_story(title=headline, body=body, date=date, source=source, outlet=outlet, url=url,
                       fmt="html", raw=text)
    story["site"] = site
    return story


def read_html(text: str) -> dict:
    """Return the story of an HTML page (a WeChat article or a generic news page)."""
    root = parse_html(text)
    scripts = "\n".join(s.text or "" for s in root.iter("script"))
    _drop(root, [tag for tag in _DROPPED if tag not in ("head", "title", "meta", "link")])
    if _by_id(root, "js_content") is not None:
        return _wechat(root, text, scripts)
    _drop(root, _AROUND)
    return _generic(root, text)
