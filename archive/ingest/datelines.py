"""Datelines: the date a news text states in its opening words.

"10月26日，在上海普陀区举行的…", "2025年10月26日，", "本报讯（记者 张三）10月26日，",
"新华社上海10月26日电", "据上海发布10月26日消息", "记者10月26日从市科委获悉",
"发布时间：2025-10-26". Vague words such as 近日, 日前 or 昨天 never give a day.
"""
import re
from collections.abc import Sequence

from archive.ingest.text import normalize_width

OPENING_PARAGRAPHS = 3
_DATE = r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
# What may stand between the day and the comma of a dateline: a time of day or a range end.
_AFTER_DAY = r"(?:\s*(?:[至到—－~～-]\s*\d{1,2}\s*日)|\s*(?:上午|下午|晚间|晚上|晚|早间|早上|凌晨|中午|傍晚))?"
_COMMA = r"\s*[，,、]"
_WIRE = r"\s*(?:电|讯|消息)"
_NO_STOP = r"[^。！？!?；;，,]"
_DATELINE_RES = (
    # "10月26日，…", "2025年10月26日上午，…", "10月26日电", "10月26日消息"
    re.compile(rf"{_DATE}{_AFTER_DAY}(?:{_COMMA}|{_WIRE}|\s+)"),
    # "新华社上海10月26日电", "中新网上海10月26日电（记者 …）", "据上海发布10月26日消息"
    re.compile(rf"{_NO_STOP}{{1,30}}?{_DATE}{_WIRE}"),
    # "本报讯（记者 张三 通讯员 李四）10月26日，…", "本报讯 记者 张三 10月26日，…", "【新华社】10月26日，"
    re.compile(rf"(?:本报讯|本报|讯|【[^】]{{1,20}}】)\s*(?:[（(][^）)]{{0,40}}[）)])?{_NO_STOP}{{0,20}}?"
               rf"{_DATE}{_AFTER_DAY}(?:{_COMMA}|{_WIRE}|\s+)"),
    re.compile(rf"[（(][^）)]{{1,40}}[）)]\s*{_DATE}{_AFTER_DAY}(?:{_COMMA}|{_WIRE})"),
    # "记者10月26日从上海市科委获悉", "本报记者10月26日在…采访了解到"
    re.compile(rf"{_NO_STOP}{{0,20}}?记者{_NO_STOP}{{0,10}}?{_DATE}\s*(?:从|在|获悉|了解到|采访)"),
    # "发布时间：2025-10-26 10:30", "日期：2025年10月26日"
    re.compile(r"(?:发布|发稿|发表|更新|成文|印发)?(?:时间|日期)\s*[：:]\s*"
               r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})"),
)
# A line holding nothing but a full date (and maybe a time): a page's own date line.
_DATE_LINE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
# "合肥市科技局10月23日发布…": who, the day, then what they did.
_ACTOR_RE = re.compile(rf"(?P<who>{_NO_STOP}{{2,20}}?){_DATE}\s*(?:上午|下午|晚间|晚)?\s*"
                       r"(?:发布|召开|举行|举办|宣布|印发|出台|启动|开幕|闭幕|揭牌|签约|获悉|表示|透露|通报)")
_BOUNDING = ("截至", "截止", "至", "到", "自", "从", "于", "在", "前", "起", "今年", "去年", "明年")
# "据了解，10月26日，…": a clause of the first sentence opening with the day.
_CLAUSE_RE = re.compile(rf"[^。！？!?]{{0,40}}?[，,]\s*{_DATE}{_AFTER_DAY}{_COMMA}")


def _written(match: re.Match) -> str:
    year, month, day = match["y"], int(match["m"]), int(match["d"])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return ""
    return f"{int(year)}年{month}月{day}日" if year else f"{month}月{day}日"


def dateline_of(paragraph: str) -> str:
    """Return the date a paragraph opens with ("2025年10月26日" or "10月26日"), or ""."""
    text = normalize_width(paragraph).strip().lstrip("■□●○◆◇▲△▶►•·★☆ \u3000")
    if match := _DATE_LINE_RE.fullmatch(text):
        return _written(match)
    for regex in _DATELINE_RES:
        if match := regex.match(text):
            return _written(match)
    if (match := _ACTOR_RE.match(text)) and not match["who"].endswith(_BOUNDING):
        return _written(match)
    if match := _CLAUSE_RE.match(text):
        return _written(match)
    return ""


def find_dateline(paragraphs: Sequence[str], *, within: int = OPENING_PARAGRAPHS) -> str:
    """Return the date of the first dateline among the opening paragraphs, as written, or ""."""
    for paragraph in paragraphs[:within]:
        if written := dateline_of(paragraph):
            return written
    return ""
