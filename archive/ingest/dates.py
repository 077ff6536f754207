"""Parse publication dates from records and page headers."""
import datetime
import re

from archive.ingest.errors import RecordRejected
from archive.ingest.text import normalize_width

EARLIEST = datetime.date(1990, 1, 1)
_CHINA = datetime.timezone(datetime.timedelta(hours=8))
_MILLISECONDS_FROM = 1e11
_TIME = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
_FULL_RE = re.compile(
    rf"(?P<y>\d{{4}})\s*[-/.年]\s*(?P<m>\d{{1,2}})\s*[-/.月]\s*(?P<d>\d{{1,2}})\s*日?(?:[T\s]+{_TIME})?"
)
_YEARLESS_RE = re.compile(r"(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?")
# "2023-06-01 08:04:04 来源:百度新闻": a scraped page's date (and source) line.
HEADER_RE = re.compile(
    r"(?P<date>\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)"
    rf"(?:(?:\s+{_TIME})?\s+来源\s*[:：]\s*(?P<source>.*?)|\s+{_TIME})\s*"
)


def _from_timestamp(value: float) -> datetime.date:
    seconds = value / 1000 if value > _MILLISECONDS_FROM else value
    try:
        return datetime.datetime.fromtimestamp(seconds, _CHINA).date()
    except (OverflowError, OSError, ValueError):
        raise RecordRejected(f"unparseable date {value!r}") from None


def _from_text(text: str, year: int | None) -> datetime.date:
    text = text.strip()
    digits = normalize_width(text)
    if match := _FULL_RE.fullmatch(digits):
        parts = match["y"], match["m"], match["d"]
    elif match := _YEARLESS_RE.fullmatch(digits):
        if year is None:
            raise RecordRejected(f"date '{text}' has no year; pass --year")
        parts = year, match["m"], match["d"]
    else:
        raise RecordRejected(f"unparseable date '{text}'")
    try:
        return datetime.date(*map(int, parts))
    except ValueError:
        raise RecordRejected(f"unparseable date '{text}'") from None


def parse_date(value: object, *, year: int | None = None, today: datetime.date) -> datetime.date:
    """Return the date in value, rejecting missing, malformed and out-of-range dates."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RecordRejected("missing date")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise RecordRejected(f"unparseable date {value!r}")
    day = _from_text(value, year) if isinstance(value, str) else _from_timestamp(value)
    if day > today:
        raise RecordRejected(f"date {day} is in the future")
    if day < EARLIEST:
        raise RecordRejected(f"date {day} is before {EARLIEST.year}")
    return day


def find_header_date(text: str) -> datetime.date | None:
    """Return the date of the first "YYYY-MM-DD HH:MM[:SS] [来源:X]" line in text, or None."""
    for line in text.splitlines():
        if match := HEADER_RE.fullmatch(line.strip()):
            try:
                return _from_text(match["date"], None)
            except RecordRejected:
                continue
    return None
