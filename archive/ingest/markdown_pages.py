"""Read a Markdown export into one story: title line, front matter or header block, body.

Exporters write either YAML front matter (``---`` … ``---``: title, author,
date, url) or a header block under the title line ("公众号：上海科技",
"发布时间：2025-10-26 10:00", "原文链接：https://…", "**作者：** 上海科技").
The body is parsed by markdown-it-py and reduced to its text: images dropped,
link text kept, heading attribute lists ({#id}) dropped, one line per paragraph,
heading or list item.
"""
import datetime
import re
from typing import Any

import yaml
from markdown_it import MarkdownIt

from archive.ingest.datelines import find_dateline
from archive.ingest.errors import FileRejected
from archive.ingest.html_pages import block_lines, parse_html
from archive.ingest.pages import make_story

_FRONT_MATTER_RE = re.compile(r"\A\ufeff?---[ \t]*\r?\n(?P<yaml>.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_FIELDS = {
    "title": ("title", "标题", "题目"),
    "source": ("account", "公众号", "公众号名称", "账号", "nickname", "mp_name", "source", "来源", "author",
               "作者"),
    "date": ("date", "publish_time", "published", "pubdate", "time", "created", "发布时间", "发表时间",
             "发文时间", "发布日期", "时间", "日期"),
    "url": ("url", "link", "original_url", "source_url", "原文链接", "原文地址", "链接", "网址"),
}
_KEY_TO_FIELD = {key.lower(): name for name, keys in _FIELDS.items() for key in keys}
_HEADER_LINE_RE = re.compile(
    r"^[>\-*+\s]*(?:\*\*|__)?\s*(?P<key>[A-Za-z_\u4e00-\u9fff]{1,12})\s*(?:\*\*|__)?\s*[：:]\s*(?:\*\*|__)?\s*"
    r"(?P<value>.+?)\s*$"
)
_LINK_RE = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)[^)]*\)|<(?P<bare>https?://[^>\s]+)>")
_HEADER_LINES = 12
# Attribute lists that Pandoc and kramdown exports put after a heading or on a line of their own:
# "标题 {#intro}", "{#core-capabilities}", "{: .note}". Markup, not text.
_ATTRIBUTES_RE = re.compile(r"\s*\{:?\s*(?:[#.][\w:-]+\s*)+\}\s*$")
_PARSER = MarkdownIt("commonmark").enable("table")


def _front_matter(text: str) -> tuple[dict, str]:
    """Return the front matter fields and the rest of the text."""
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match["yaml"])
    except (yaml.YAMLError, RecursionError) as error:
        raise FileRejected(f"invalid front matter: {str(error).splitlines()[0]}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FileRejected("invalid front matter: not a mapping of keys to values")
    fields = {}
    for key, value in data.items():
        name = _KEY_TO_FIELD.get(str(key).strip().lower())
        if name and name not in fields and value not in (None, ""):
            if isinstance(value, (datetime.date, datetime.datetime)):
                value = value.isoformat()
            elif isinstance(value, list):
                value = ", ".join(map(str, value))
            fields[name] = str(value).strip()
    return fields, text[match.end():]


def _inline_text(token: Any) -> str:
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n" if child.type == "hardbreak" else " ")
    return "".join(parts).strip()


def body_lines(markdown: str) -> list[str]:
    """Return the text of a Markdown body: one line per paragraph, heading, list item or table row."""
    lines = []
    for token in _PARSER.parse(markdown):
        if token.type == "inline":
            text = _inline_text(token)
            lines.extend(kept for line in text.split("\n") if (kept := _ATTRIBUTES_RE.sub("", line).strip()))
        elif token.type in ("fence", "code_block"):
            lines.extend(line.rstrip() for line in token.content.splitlines() if line.strip())
        elif token.type == "html_block":
            lines.extend(block_lines(parse_html(f"<html><body>{token.content}</body></html>").find("body")))
    return lines


def _header_value(name: str, value: str) -> str:
    if name == "url" and (link := _LINK_RE.search(value)):
        return link["url"] or link["bare"]
    link = _LINK_RE.fullmatch(value)
    return (link["text"] if link and link["text"] else value).strip("*_ ")


def read_markdown(text: str) -> dict:
    """Return the story of a Markdown export."""
    fields, rest = _front_matter(text)
    # Some exporters write the page's line breaks as the literal escape "\x0a".
    rest = rest.replace("\\x0a", "\n")
    lines = rest.splitlines()
    title_at = next((i for i, line in enumerate(lines) if re.match(r"^#{1,6}\s+\S", line)), None)
    if "title" not in fields and title_at is not None:
        fields["title"] = re.sub(r"^#{1,6}\s+|\s+#+\s*$", "", lines[title_at]).strip()
    start = title_at + 1 if title_at is not None else 0
    # The header block: "key: value" lines right under the title (or at the top).
    kept = lines[:title_at] if title_at is not None else []
    i, seen = start, 0
    while i < len(lines) and seen < _HEADER_LINES:
        line = lines[i]
        if line.strip():
            seen += 1
            match = _HEADER_LINE_RE.match(line)
            name = _KEY_TO_FIELD.get(match["key"].lower()) if match else None
            if not name or match is None:
                break
            fields.setdefault(name, _header_value(name, match["value"]))
        i += 1
    body = body_lines("\n".join([*kept, *lines[i:]]))
    if "title" not in fields and body:
        fields["title"], body = body[0], body[1:]
    date = fields.get("date") or find_dateline(body) or None
    return make_story(title=fields.get("title", ""), body=body, date=date, source=fields.get("source", ""),
                      url=fields.get("url", ""), fmt="markdown", raw=text)
