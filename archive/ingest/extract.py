"""Metadata read from an article's title and text: numbers, kind, outlet, regions,
issuing bodies and application deadlines."""
import datetime
import html
import re
from collections.abc import Iterator, Sequence

from archive import docnumbers
from archive.docnumbers import whole_number
from archive.ingest.text import normalize_width

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
# Every place name the archive knows, longest first: the delta, its provinces and cities.
PLACE_NAMES = tuple(sorted({*_WHOLE_DELTA, *(p for places in _PLACES.values() for p in places)},
                           key=lambda name: (-len(name), name)))


def own_doc_number(title: str, paragraphs: Sequence[str]) -> str:
    """Return the document's own number: alone on an opening paragraph or closing the title."""
    for para in paragraphs[:_OWN_NUMBER_WITHIN]:
        if number := whole_number(normalize_width(para)):
            return number
    if bracketed := _TITLE_NUMBER_RE.search(title.strip()):
        return whole_number(normalize_width(bracketed[1]))
    return ""


def find_doc_numbers(text: str) -> list[str]:
    """Return the document numbers in text, normalized, in order of first appearance."""
    return docnumbers.find_doc_numbers(normalize_width(text))


def cited_doc_numbers(paragraphs: Sequence[str], *, own: str) -> list[str]:
    """Return the document numbers the text cites, leaving out its own."""
    return [number for number in find_doc_numbers("\n".join(paragraphs)) if number != own]


def doc_kind(title: str, paragraphs: Sequence[str]) -> str:
    """Return the document type the title (or a numbered text) flags, else "新闻"."""
    if (marker := _MARKER_RE.match(title)) and marker[1] in _MARKER_KINDS:
        return _MARKER_KINDS[marker[1]]
    bare = _MARKER_RE.sub("", title).strip()
    for kind, regex in _TITLE_KINDS:
        if regex.search(bare):
            return kind
    return "政策文件" if own_doc_number(title, paragraphs) else "新闻"


def _outlet(regex: re.Pattern[str], paragraphs: Sequence[str]) -> str:
    for para in reversed(paragraphs):
        for match in regex.finditer(html.unescape(para)):
            name = _GLUED_CREDIT_RE.sub("", match["name"])
            if name and not name.lower().startswith(("http", "www.")):
                return name
    return ""


def reprint_outlet(paragraphs: Sequence[str]) -> str:
    """Return the outlet a reprint names ("来源：解放日报", "本文转载自“上海科技”"), or ""."""
    # 来源 names the first publisher; 转载自 may only name the account in between.
    return _outlet(_SOURCE_CREDIT_RE, paragraphs) or _outlet(_REPRINT_RE, paragraphs)


def regions_mentioned(text: str) -> list[str]:
    """Return the regions of the delta whose names or cities appear in text, in REGIONS order."""
    if any(name in text for name in _WHOLE_DELTA):
        return list(REGIONS)
    return [
        region for region in REGIONS
        if any(place in text for place in _PLACES[region] if place not in _AMBIGUOUS_IN_TEXT)
    ]


def source_region(name: str) -> str:
    """Return the region of a source (account or newspaper) by its name, else "其他"."""
    for paper, region in _PAPERS.items():
        if paper in name:
            return region
    for region in REGIONS:
        if any(place in name for place in _PLACES[region]):
            return region
    return "其他"


# -- Issuing bodies (发文机关) ------------------------------------------------

_ORG_SUFFIXES = (
    "委员会", "办公厅", "办公室", "政府", "委", "厅", "局", "部", "院", "署", "学会", "协会",
    "联合会", "中心", "专班", "基金会", "实验室",
)
_ORG_RE = re.compile(rf"[\u4e00-\u9fff（）()·]{{1,28}}(?:{'|'.join(_ORG_SUFFIXES)})")
_DATE_LINE = r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
_SIGNED_DATE_RE = re.compile(rf"(?P<org>.*?)\s*{_DATE_LINE}")
_ON_BEHALF_RE = re.compile(r"[（(](?P<body>[^（()）]*)代章[）)]")
_TITLE_ISSUER_RE = re.compile(r"^(?:【[^】]*】)?\s*(?P<org>[\u4e00-\u9fff（）()·\s]{2,60}?)\s*关于")
_NOT_AN_ISSUER = re.compile(r"^(?:各|有关|相关|本|我|该|下列)|单位|企业|公司|联系人")
# Short names used in notices; the archive is Shanghai's, so a bare 市 means Shanghai.
_ISSUER_ALIASES = {
    "市科委": "上海市科学技术委员会",
    "上海市科委": "上海市科学技术委员会",
    "上海科委": "上海市科学技术委员会",
    "市科学技术委员会": "上海市科学技术委员会",
    "市经济信息化委": "上海市经济和信息化委员会",
    "上海市经济信息化委": "上海市经济和信息化委员会",
    "市经信委": "上海市经济和信息化委员会",
    "上海市经信委": "上海市经济和信息化委员会",
    "市发展改革委": "上海市发展和改革委员会",
    "上海市发展改革委": "上海市发展和改革委员会",
    "市发改委": "上海市发展和改革委员会",
    "上海市发改委": "上海市发展和改革委员会",
    "市国资委": "上海市国有资产监督管理委员会",
    "上海市国资委": "上海市国有资产监督管理委员会",
    "市财政局": "上海市财政局",
    "市政府": "上海市人民政府",
    "上海市政府": "上海市人民政府",
    "市政府办公厅": "上海市人民政府办公厅",
    "上海市政府办公厅": "上海市人民政府办公厅",
    "市科协": "上海市科学技术协会",
    "上海市科协": "上海市科学技术协会",
    "科技部": "科学技术部",
    "中华人民共和国科学技术部": "科学技术部",
    "工信部": "工业和信息化部",
    "中华人民共和国工业和信息化部": "工业和信息化部",
    "国家自然科学基金委": "国家自然科学基金委员会",
    "自然科学基金委": "国家自然科学基金委员会",
    "国家发展改革委": "国家发展和改革委员会",
    "国家发改委": "国家发展和改革委员会",
    "中华人民共和国国务院": "国务院",
    "中科院": "中国科学院",
}
# Regular short forms: 长宁区科委, 江苏省科技厅, 杭州市经信委.
_ISSUER_FORMS = (
    (re.compile(r"^(.{2,8}[省市区县])科委$"), r"\1科学技术委员会"),
    (re.compile(r"^(.{2,8}[省市区县])科技厅$"), r"\1科学技术厅"),
    (re.compile(r"^(.{2,8}[省市区县])科技局$"), r"\1科学技术局"),
    (re.compile(r"^(.{2,8}[省市区县])(?:经济信息化委|经信委)$"), r"\1经济和信息化委员会"),
    (re.compile(r"^(.{2,8}[省市区县])(?:发展改革委|发改委)$"), r"\1发展和改革委员会"),
)
# The issuer part of a document number, longest prefix first.
_NUMBER_ISSUERS = (
    ("国科火字", "科学技术部火炬高技术产业开发中心"),
    ("沪卫科教", "上海市卫生健康委员会"),
    ("沪经信", "上海市经济和信息化委员会"),
    ("沪府办", "上海市人民政府办公厅"),
    ("沪发改", "上海市发展和改革委员会"),
    ("沪知局", "上海市知识产权局"),
    ("国知发", "国家知识产权局"),
    ("长科委", "长宁区科学技术委员会"),
    ("国办发", "国务院办公厅"),
    ("国办函", "国务院办公厅"),
    ("国科办", "科学技术部办公厅"),
    ("国科发", "科学技术部"),
    ("工信厅", "工业和信息化部办公厅"),
    ("工信部", "工业和信息化部"),
    ("沪府", "上海市人民政府"),
    ("沪科", "上海市科学技术委员会"),
    ("沪财", "上海市财政局"),
    ("苏科", "江苏省科学技术厅"),
    ("浙科", "浙江省科学技术厅"),
    ("皖科", "安徽省科学技术厅"),
    ("国发", "国务院"),
    ("国函", "国务院"),
)


def normalize_issuing_body(name: str) -> str:
    """Return the one full name of an issuing body ("市科委" -> "上海市科学技术委员会"), or ""."""
    name = re.sub(r"\s+", "", normalize_width(name)).strip("：:，,。")
    if sealed := _ON_BEHALF_RE.fullmatch(name):
        name = sealed["body"]  # "（上海市科学技术委员会代章）": the body sealing on another's behalf
    if not _ORG_RE.fullmatch(name) or _NOT_AN_ISSUER.search(name):
        return ""
    if name in _ISSUER_ALIASES:
        return _ISSUER_ALIASES[name]
    for regex, replacement in _ISSUER_FORMS:
        if regex.match(name):
            return _ISSUER_ALIASES.get(regex.sub(replacement, name), regex.sub(replacement, name))
    if name.startswith(("市", "区")):
        return ""  # a short form with no place we know: better none than a wrong one
    return name


def issuer_aliases() -> dict[str, str]:
    """Return {short name: full name} of the issuing bodies the normalisation knows by name."""
    return dict(_ISSUER_ALIASES)


def issuer_of_number(number: str) -> str:
    """Return the issuing body a document number's prefix names (沪科合〔2026〕1号 -> 市科委), or ""."""
    prefix = number.split("〔", 1)[0]
    return next((body for start, body in _NUMBER_ISSUERS if prefix.startswith(start)), "")


def _signature_bodies(paragraphs: Sequence[str]) -> Iterator[str]:
    """Yield the bodies signing the text: organisation lines right above a date line."""
    lines = [normalize_width(p).strip() for p in paragraphs]
    for i, line in enumerate(lines):
        match = _SIGNED_DATE_RE.fullmatch(line)
        if not match:
            continue
        block = [match["org"]] if match["org"] else []
        j = i - 1
        while j >= 0 and len(lines[j]) <= 60 and (
                _ON_BEHALF_RE.fullmatch(lines[j]) or all(map(normalize_issuing_body, lines[j].split()))):
            block.insert(0, lines[j])
            j -= 1
        for entry in block:
            yield from entry.split()


def _heading_bodies(title: str, paragraphs: Sequence[str]) -> Iterator[str]:
    """Yield the bodies a heading names: "X关于…的通知", or a line of several names."""
    for line in [title, *paragraphs[:2]]:
        line = normalize_width(line).strip()
        if match := _TITLE_ISSUER_RE.match(line):
            yield from match["org"].split()
        elif len(line) <= 80 and " " in line and all(map(normalize_issuing_body, line.split())):
            yield from line.split()


def issuing_bodies(title: str, paragraphs: Sequence[str], *, doc_number: str = "") -> list[str]:
    """Return the normalized bodies that issued a notice, in order: signature, heading, number."""
    names = [*_signature_bodies(paragraphs), *_heading_bodies(title, paragraphs)]
    bodies = []
    for body in [*map(normalize_issuing_body, names), issuer_of_number(doc_number) if doc_number else ""]:
        if body and body not in bodies:
            bodies.append(body)
    return bodies


# -- Application deadlines (申报截止) ------------------------------------------

_DAY = r"(?:(?P<{p}y>(?:19|20)\d{{2}})\s*年\s*)?(?P<{p}m>\d{{1,2}})\s*月\s*(?P<{p}d>\d{{1,2}})\s*日"
_CLOCK = r"(?:\s*(?:上午|下午)?\s*\d{1,2}\s*[:：点时]\s*(?:\d{2}\s*分?)?)?"
_APPLY = r"申报|填报|报名|揭榜|提交|报送|受理|征集|推荐|申请"
_SENTENCE_RE = re.compile(r"[^。；;!！?？\n]+")
# "申报截止时间为2025年11月6日", "截止时间（含申报单位网上审核提交）为…", "揭榜截止日期为…".
_CLOSES_RE = re.compile(
    r"(?<!举报)(?<!初审)(?<!复审)截止(?:时间|日期)?(?:[（(][^）)]*[）)])?\s*(?:为|是|至|到|延长至|调整为|：|:)?\s*"
    + _DAY.format(p="a"))
# "申报时间为2025年9月6日9:00至9月26日17:00", "项目申报时间：2025年10月17日—11月16日".
_WINDOW_RE = re.compile(
    rf"(?:{_APPLY})[^，,]{{0,8}}?(?:时间|日期|期限)\s*(?:为|是|：|:)?\s*"
    + _DAY.format(p="s") + _CLOCK + r"\s*(?:至|到|—|－|-|~|～)\s*" + _DAY.format(p="e"))
# "请在2025年10月30日前进行报送".
_BEFORE_RE = re.compile(
    _DAY.format(p="b") + rf"(?:\s*[（(][^）)]*[）)])?{_CLOCK}\s*(?:前|之前|以前)[^，,]{{0,20}}?(?:{_APPLY}|递交|送达)")
_DEADLINE_SPAN = (datetime.timedelta(days=-400), datetime.timedelta(days=3 * 366))


def _make_day(match: re.Match[str], prefix: str, *, year: int | str) -> datetime.date | None:
    try:
        return datetime.date(int(match[prefix + "y"] or year), int(match[prefix + "m"]), int(match[prefix + "d"]))
    except ValueError:
        return None


def _deadline_in(sentence: str, published: datetime.date) -> datetime.date | None:
    """Return the deadline one sentence announces, or None."""
    candidates: list[tuple[re.Match[str], str, str | None]] = []
    if (match := _CLOSES_RE.search(sentence)) and re.search(_APPLY, sentence):
        candidates.append((match, "a", None))
    if match := _WINDOW_RE.search(sentence):
        candidates.append((match, "e", match["sy"]))
    if match := _BEFORE_RE.search(sentence):
        candidates.append((match, "b", None))
    for match, prefix, year_hint in candidates:
        explicit = match[prefix + "y"] or year_hint
        day = _make_day(match, prefix, year=explicit or published.year)
        if day is None:
            continue
        if not explicit and day < published - datetime.timedelta(days=60):
            day = day.replace(year=day.year + 1)  # "1月10日" in a December notice is next year
        if _DEADLINE_SPAN[0] <= day - published <= _DEADLINE_SPAN[1]:
            return day
    return None


def application_deadline(paragraphs: Sequence[str], *, published: datetime.date) -> datetime.date | None:
    """Return the date applications close, from text such as "申报截止时间为2025年11月6日17:00", or None."""
    for para in paragraphs:
        for sentence in _SENTENCE_RE.findall(normalize_width(para)):
            if day := _deadline_in(sentence, published):
                return day
    return None
