"""Metadata read from an article's title and text: numbers, kind, outlet, regions."""
import html
import re

from archive.ingest.text import normalize_width

DOC_NUMBER_RE = re.compile(
    r"(?P<issuer>[\u4e00-\u9fff]{1,10})\s*[〔［【\[﹝]\s*(?P<year>\d{4})\s*[〕］】\]﹞]\s*(?P<number>\d+)\s*号"
)
# The issuer run can swallow the verb citing it: "根据国发〔2025〕11号".
_CITING_VERB_RE = re.compile(r"^.*(?:根据|按照|依据|依照|参照|落实|印发|转发)")
_TITLE_NUMBER_RE = re.compile(r"[（(]([^（()）]+)[）)]$")
_OWN_NUMBER_WITHIN = 8

_MARKER_RE = re.compile(r"^【([^】]+)】")
_MARKER_KINDS = {
    "通知": "通知", "公示": "公示", "公告": "公告", "名单": "名单",
    "解读": "政策解读", "政策解读": "政策解读", "直播间": "活动", "活动": "活动",
}
_POLICY_TYPES = r"(?:方案|措施|办法|细则|意见|规划|条例|规定|纲要)"
# First match wins; a title with none of these is news.
_TITLE_KINDS = (
    ("政策解读", re.compile(r"解读|一图读懂")),
    ("政策文件", re.compile(
        rf"(?:印发|发布).*《[^》]*{_POLICY_TYPES}》|《[^》]*{_POLICY_TYPES}》.*(?:印发|发布)"
        rf"|的(?:若干)?(?:政策)?{_POLICY_TYPES}$|关于.*的建议$"
    )),
    ("公示", re.compile(r"公示")),
    ("公告", re.compile(r"公告")),
    ("通知", re.compile(r"通知")),
    ("名单", re.compile(r"名单")),
    ("活动", re.compile(r"直播|报名|预约|等你来|邀你")),
)

_SOURCE_CREDIT_RE = re.compile(r"(?:^|(?<=[。！？）)”」]))来源\s*[：:]\s*(?P<name>[^\s、，,；;/|]+)")
_REPRINT_RE = re.compile(r"转载自\s*[：:]?\s*[“\"「『]?(?P<name>[^“”\"」』\s，,。]+)")
_GLUED_CREDIT_RE = re.compile(r"(?:责任编辑|编辑|作者|本文转载|转载自).*")

REGIONS = ("上海", "江苏", "浙江", "安徽")
_SHANGHAI_DISTRICTS = (
    "浦东", "黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦",
    "闵行", "宝山", "嘉定", "金山", "松江", "青浦", "奉贤", "崇明",
)
_PLACES = {
    "上海": ("上海", "沪", "临港", "张江", *_SHANGHAI_DISTRICTS),
    "江苏": ("江苏", "苏南", "苏北", "南京", "苏州", "无锡", "常州", "南通", "扬州",
             "镇江", "泰州", "盐城", "淮安", "宿迁", "连云港", "徐州"),
    "浙江": ("浙江", "浙", "杭州", "宁波", "嘉兴", "温州", "绍兴", "湖州", "金华",
             "台州", "舟山", "衢州", "丽水"),
    "安徽": ("安徽", "皖", "合肥", "芜湖", "蚌埠", "马鞍山", "安庆", "滁州", "宣城",
             "铜陵", "六安", "阜阳", "淮南", "淮北", "池州", "亳州", "宿州"),
}
# In running text "金山银山" and Zhoushan's 普陀 are more common than the districts.
_AMBIGUOUS_IN_TEXT = ("金山", "普陀")
_WHOLE_DELTA = ("长三角", "长江三角洲", "沪苏浙皖")
_PAPERS = {"解放日报": "上海", "文汇报": "上海", "新民晚报": "上海", "新华日报": "江苏"}


def _normal_number(match):
    issuer = _CITING_VERB_RE.sub("", match["issuer"]) or match["issuer"]
    return f"{issuer}〔{match['year']}〕{int(match['number'])}号"


def find_doc_numbers(text):
    """Return the document numbers in text, normalized, in order of first appearance."""
    numbers = []
    for match in DOC_NUMBER_RE.finditer(normalize_width(text)):
        number = _normal_number(match)
        if number not in numbers:
            numbers.append(number)
    return numbers


def own_doc_number(title, paragraphs):
    """Return the document's own number: alone on an opening paragraph or closing the title."""
    for para in paragraphs[:_OWN_NUMBER_WITHIN]:
        if match := DOC_NUMBER_RE.fullmatch(normalize_width(para).strip()):
            return _normal_number(match)
    if (bracketed := _TITLE_NUMBER_RE.search(title.strip())) and (
        match := DOC_NUMBER_RE.fullmatch(normalize_width(bracketed[1]).strip())
    ):
        return _normal_number(match)
    return ""


def cited_doc_numbers(paragraphs, *, own):
    """Return the document numbers the text cites, leaving out its own."""
    return [number for number in find_doc_numbers("\n".join(paragraphs)) if number != own]


def doc_kind(title, paragraphs):
    """Return the document type the title (or a numbered text) flags, else "新闻"."""
    if (marker := _MARKER_RE.match(title)) and marker[1] in _MARKER_KINDS:
        return _MARKER_KINDS[marker[1]]
    bare = _MARKER_RE.sub("", title).strip()
    for kind, regex in _TITLE_KINDS:
        if regex.search(bare):
            return kind
    return "政策文件" if own_doc_number(title, paragraphs) else "新闻"


def _outlet(regex, paragraphs):
    for para in reversed(paragraphs):
        for match in regex.finditer(html.unescape(para)):
            name = _GLUED_CREDIT_RE.sub("", match["name"])
            if name and not name.lower().startswith(("http", "www.")):
                return name
    return ""


def reprint_outlet(paragraphs):
    """Return the outlet a reprint names ("来源：解放日报", "本文转载自“上海科技”"), or ""."""
    # 来源 names the first publisher; 转载自 may only name the account in between.
    return _outlet(_SOURCE_CREDIT_RE, paragraphs) or _outlet(_REPRINT_RE, paragraphs)


def regions_mentioned(text):
    """Return the regions of the delta whose names or cities appear in text, in REGIONS order."""
    if any(name in text for name in _WHOLE_DELTA):
        return list(REGIONS)
    return [
        region for region in REGIONS
        if any(place in text for place in _PLACES[region] if place not in _AMBIGUOUS_IN_TEXT)
    ]


def source_region(name):
    """Return the region of a source (account or newspaper) by its name, else "其他"."""
    for paper, region in _PAPERS.items():
        if paper in name:
            return region
    for region in REGIONS:
        if any(place in name for place in _PLACES[region]):
            return region
    return "其他"
