"""Read CSV and Excel (.xlsx) lists of articles: one record per row.

Columns are found by their header, Chinese or English (标题/title, 链接/url,
发布时间/time, 公众号/account, 内容/content …), in the first rows of the
sheet. A list without a content column gives link-only records, which are
kept but flagged as empty, like empty articles. Each row's cells are kept
verbatim as its raw record.
"""
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from archive.ingest.errors import FileRejected
from archive.ingest.pages import RawRecord, make_story

HEADER_SEARCH_ROWS = 5
MAX_ROWS = 200_000
# Header names per field, best first; matched after lower-casing and removing spaces and brackets.
COLUMNS = {
    "title": ("标题title", "标题", "文章标题", "title", "题目", "名称", "headline"),
    "url": ("链接url", "链接", "文章链接", "原文链接", "url", "link", "网址", "地址", "href", "content_url"),
    "date": ("时间time", "发布时间", "发文时间", "发表时间", "publish_time", "publishtime", "pubtime",
             "发布日期", "文章日期", "published", "date", "time", "时间", "日期", "create_time", "创建时间",
             "update_time", "更新时间"),
    "source": ("公众号名称", "公众号", "账号", "账号名称", "account", "nickname", "mp_name", "来源", "source",
               "作者", "author"),
    "content": ("finalcontent", "正文", "内容", "全文", "content", "text", "body", "正文内容", "文章内容"),
    "aid": ("文章标识符aid", "aid", "文章id", "id", "msgid"),
}
_NORMALIZE_RE = re.compile(r"[\s\u3000_\-()（）\[\]【】:：]+")


def _key(header: object) -> str:
    return _NORMALIZE_RE.sub("", str(header or "")).lower().lstrip("\ufeff")


_NORMAL_NAMES = {field: tuple(_key(name) for name in names) for field, names in COLUMNS.items()}


def column_map(header: list) -> dict[str, int]:
    """Return the column index of each field a header row names ({} when it names no title)."""
    keys = [_key(cell) for cell in header]
    found = {}
    for field, names in _NORMAL_NAMES.items():
        for name in names:
            if name in keys and keys.index(name) not in found.values():
                found[field] = keys.index(name)
                break
    return found if "title" in found else {}


def _cell(value: object) -> object:
    """Return a cell as JSON can keep it: dates as ISO text, whole floats as ints."""
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _records(rows: Iterable[tuple[int, list[Any]]], *, fmt: str) -> list[RawRecord]:
    """Return one RawRecord per data row of (row number, cells) pairs after the header row."""
    rows = iter(rows)
    columns, header, searched = {}, [], 0
    for _number, cells in rows:
        searched += 1
        if columns := column_map(cells):
            header = [str(cell).strip() if cell is not None else "" for cell in cells]
            break
        if searched >= HEADER_SEARCH_ROWS:
            break
    if not columns:
        raise FileRejected(f"no header row naming a title column (标题 or title) in the first "
                           f"{HEADER_SEARCH_ROWS} rows")
    records = []
    for number, cells in rows:
        cells = [_cell(cell) for cell in cells]
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        if len(records) >= MAX_ROWS:
            raise FileRejected(f"more than {MAX_ROWS:,} rows; split the list")
        raw = {name or f"column {i + 1}": (cells[i] if i < len(cells) else None) for i, name in enumerate(header)}

        def get(field: str, cells: list[Any] = cells) -> Any:
            index = columns.get(field)
            value = cells[index] if index is not None and index < len(cells) else None
            return value.strip() if isinstance(value, str) else value

        content = get("content")
        story = make_story(title=get("title") if get("title") is not None else "", body=[],
                           date=get("date"), source=get("source") or "", url=str(get("url") or ""),
                           fmt=fmt, raw=raw)
        story["content"] = content if isinstance(content, str) else ("" if content is None else str(content))
        if (aid := get("aid")) not in (None, ""):
            story["aid"] = str(aid)
        records.append(RawRecord(number, story))
    return records


def read_csv(text: str) -> list[RawRecord]:
    """Return the records of a CSV (or tab-separated) list, numbered by their line in the file."""
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for cells in reader:
                yield reader.line_num, cells
        except csv.Error as error:
            raise FileRejected(f"invalid CSV at line {reader.line_num}: {error}") from None

    return _records(rows(), fmt="csv")


def read_xlsx(data: bytes) -> list[RawRecord]:
    """Return the records of the first sheet of an Excel workbook that has a header row."""
    import openpyxl  # imported here: only Excel files need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileRejected(f"not an Excel workbook (.xlsx): {error}") from None
    try:
        problems = []
        for sheet in book.worksheets:
            try:
                return _records(((row[0].row if row and hasattr(row[0], "row") else n, [c.value for c in row])
                                 for n, row in enumerate(sheet.iter_rows(), 1)), fmt="xlsx")
            except FileRejected as error:
                problems.append(f"sheet {sheet.title!r}: {error}")
        raise FileRejected("; ".join(problems) or "the workbook has no sheets")
    finally:
        book.close()
