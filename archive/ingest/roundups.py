"""Roundup pages: news briefs grouped under short region or section headings.

A roundup is a run of lines such as

    上海                      <- a heading: a region or section name on a line of its own
    上海发布人工智能新政        <- an item: a headline line ...
    10月26日，上海市……。       <- ... then its paragraphs
    江苏
    苏州海关支持集成电路企业…
    ……

Headings are region or place names (上海, 【浙江】, 长三角, 苏州) or news-section
names (要闻, 快讯, 一、要闻), optionally bracketed or numbered. Whatever comes
before the first heading is the page's own article and stays whole, with its
subheadings: a numbered subheading ("一、总体要求", "（一）指导思想") is neither a
roundup heading nor a headline, and a heading must be followed by a headline
and a paragraph, so an article with subheadings is never split.
"""
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from archive.ingest.extract import PLACE_NAMES, regions_mentioned
from archive.ingest.titles import is_note_label

HEADING_MAX = 12
HEADLINE_MIN, HEADLINE_MAX = 4, 40
MIN_ITEMS = 2
_SENTENCE_ENDS = tuple("。！？；…”」!?;，,：:")
_DECORATION = "■□●○◆◇▲△▶►•·★☆ \u3000"
_BRACKETS_RE = re.compile(r"^[【\[〖「『]\s*(?P<name>[^】\]〗」』]+?)\s*[】\]〗」』]$")
_NUMBERED_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[、.．]\s*(?P<name>.+)$")
_SECTIONS = (
    "要闻", "快讯", "简讯", "短讯", "快报", "速递", "速览", "快览", "动态", "资讯", "新闻", "消息",
    "聚焦", "综合", "国内", "国际", "地方", "本地", "本市", "各地", "区域", "一体化", "热点", "观察",
    "政策", "科技", "产业", "时政", "经济", "财经", "社会",
)
_PLACE = "|".join(map(re.escape, PLACE_NAMES))
_SECTION = "|".join(map(re.escape, _SECTIONS))
_SECTION_WORD_RE = re.compile(_SECTION)
_NAME_RE = re.compile(rf"(?P<place>{_PLACE})?\s*[·・]?\s*(?P<section>(?:{_SECTION})+)?")
# Subheadings of an article, which are never a brief's headline.
_SUBHEADING_RE = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}\s*[、.．]|\d{1,2}\s*[、.．]"
    r"|第[一二三四五六七八九十百\d]+[章节条部分])"
)
# Credit and note lines: "（记者 张三）", "责任编辑：李四", "来源：新华日报".
_CREDIT_RE = re.compile(r"^[（(].*[）)]$|^(?:来源|编辑|责任编辑|作者|记者|通讯员|审核|校对|图片|摄影)\s*[：:]")


@dataclass
class Brief:
    """One item of a roundup: its headline, paragraphs, heading regions and line span."""

    title: str
    body: list[str]
    regions: list[str]
    heading: str
    first_line: int
    end_line: int  # exclusive


@dataclass
class Roundup:
    """A page split at its roundup: the article before it (line indices) and the briefs."""

    article_end: int
    roundup_start: int
    briefs: list[Brief] = field(default_factory=list)


def heading_name(line: str) -> str | None:
    """Return the name a roundup heading line gives ("浙江" for "【浙江】"), or None if it is none."""
    text = line.strip().strip(_DECORATION)
    if not text or len(text) > HEADING_MAX:
        return None
    if match := _BRACKETS_RE.match(text):
        text = match["name"].strip()
    elif match := _NUMBERED_RE.match(text):
        text = match["name"].strip()
    match = _NAME_RE.fullmatch(text)
    if not match or not (match["place"] or match["section"]):
        return None
    return text


def is_headline(line: str) -> bool:
    """Return True for a line that can be a brief's headline: short, no closing punctuation, no note label
    (a note such as 记者手记 stays with the brief before it)."""
    text = line.strip().strip(_DECORATION)
    return (HEADLINE_MIN <= len(text) <= HEADLINE_MAX and not text.endswith(_SENTENCE_ENDS)
            and heading_name(text) is None and not _SUBHEADING_RE.match(text)
            and not _CREDIT_RE.match(text) and not is_note_label(text))


def is_paragraph(line: str) -> bool:
    """Return True for running text: a long line or one closed by sentence punctuation."""
    text = line.strip()
    return len(text) > HEADLINE_MAX or (len(text) > 1 and text.endswith(_SENTENCE_ENDS))


def _starts_item(lines: Sequence[str], i: int) -> bool:
    return i + 1 < len(lines) and is_headline(lines[i]) and is_paragraph(lines[i + 1])


def find_roundup(lines: Sequence[str]) -> Roundup | None:
    """Return the roundup among the stripped, non-blank lines of a page, or None.

    Every heading of the roundup must be followed by a headline and a
    paragraph, and the roundup must hold at least MIN_ITEMS briefs.
    """
    start = next((i for i in range(len(lines)) if heading_name(lines[i]) is not None
                  and _starts_item(lines, i + 1)), None)
    if start is None:
        return None
    briefs, regions, heading, i = [], [], "", start
    while i < len(lines):
        name = heading_name(lines[i])
        if name is not None:
            if not _starts_item(lines, i + 1):
                return None  # a short line inside running text, not a roundup heading
            heading, regions, i = name, regions_mentioned(name), i + 1
            continue
        j = i + 1
        while j < len(lines) and heading_name(lines[j]) is None and not _starts_item(lines, j):
            j += 1
        if _starts_item(lines, i):
            briefs.append(Brief(title=lines[i].strip().strip(_DECORATION), body=list(lines[i + 1:j]),
                                regions=list(regions), heading=heading, first_line=i, end_line=j))
        elif briefs:
            briefs[-1].body.extend(lines[i:j])
            briefs[-1].end_line = j
        i = j
    if len(briefs) < MIN_ITEMS:
        return None
    # A roundup's own title ("长三角新闻快览") right above its first heading is not the article's;
    # an author line there ("文/张三") is.
    end = start
    while end > 0 and start - end < 2 and _SECTION_WORD_RE.search(lines[end - 1]) and (
            is_headline(lines[end - 1]) or heading_name(lines[end - 1]) is not None):
        end -= 1
    return Roundup(article_end=end, roundup_start=start, briefs=briefs)
