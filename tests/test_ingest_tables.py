"""CSV and Excel lists of articles: columns by their Chinese or English headers."""
import datetime

import openpyxl
import pytest

from archive.ingest.drafts import draft_from_record
from archive.ingest.errors import FileRejected
from archive.ingest.tables import column_map, read_csv, read_xlsx

TODAY = datetime.date(2026, 3, 20)
URL = "https://mp.weixin.qq.com/s?__biz=MzA3Mzg1NzkxMQ==&mid=2650224682&idx=1&sn=264a60b37ad08befbfb7f83612765b3f"


@pytest.mark.parametrize(("header", "expected"), [
    (["标题", "链接", "发布时间", "公众号", "内容"], {"title": 0, "url": 1, "date": 2, "source": 3, "content": 4}),
    (["Title", "URL", "publish_time", "Account"], {"title": 0, "url": 1, "date": 2, "source": 3}),
    (["\ufeff文章标题", "文章链接", "发布日期"], {"title": 0, "url": 1, "date": 2}),
    (["名字", "地址"], {}),
])
def test_column_map(header, expected):
    assert column_map(header) == expected


def test_csv_with_chinese_headers_gives_one_record_per_row_numbered_by_line():
    text = ("说明：公众号文章导出\n标题,链接,发布时间,公众号,内容\n"
            f"【通知】关于公布科技小巨人企业名单的通知,{URL},2026-02-04 10:00,上海科技,\"沪科合〔2026〕1号\n各有关单位：\"\n"
            "\n上海发布人工智能新政,https://example.org/a,2026/2/5,上海科技,\n")
    records = read_csv(text)
    assert [r.number for r in records] == [4, 6]
    first = draft_from_record(records[0].value, today=TODAY)
    assert (first.title, first.published, first.source_name, first.doc_number) == (
        "【通知】关于公布科技小巨人企业名单的通知", datetime.date(2026, 2, 4), "上海科技", "沪科合〔2026〕1号")
    assert records[0].value["raw"]["公众号"] == "上海科技"  # the row, verbatim
    second = draft_from_record(records[1].value, today=TODAY)
    assert (second.is_empty, second.body) == (True, "")  # a link-only record, flagged like an empty article


def test_csv_without_a_title_column_is_rejected():
    with pytest.raises(FileRejected, match="no header row naming a title column"):
        read_csv("名字,地址\n张三,上海\n")


def test_xlsx_with_english_headers_and_date_cells(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["title", "link", "time", "account", "content"])
    sheet.append(["上海发布人工智能新政", "https://example.org/b", datetime.datetime(2026, 2, 5, 9, 30), "上海科技",
                  "<p>第一段。</p><p>第二段。</p>"])
    sheet.append([None, None, None, None, None])
    sheet.append(["无日期的一行", "https://example.org/c", None, "上海科技", None])
    path = tmp_path / "list.xlsx"
    book.save(path)
    records = read_xlsx(path.read_bytes())
    assert [r.number for r in records] == [2, 4]
    draft = draft_from_record(records[0].value, today=TODAY)
    assert (draft.published, draft.paragraphs) == (datetime.date(2026, 2, 5), ["第一段。", "第二段。"])
    assert records[0].value["raw"]["time"] == "2026-02-05T09:30:00"
    with pytest.raises(Exception, match="missing date; pass --date YYYY-MM-DD"):
        draft_from_record(records[1].value, today=TODAY)


def test_a_zip_that_is_no_workbook_is_rejected():
    with pytest.raises(FileRejected, match="not an Excel workbook"):
        read_xlsx(b"PK\x03\x04not really a zip")
