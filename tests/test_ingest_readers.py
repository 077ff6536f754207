"""Reading import files into raw records."""
from pathlib import Path

import pytest

from archive.ingest.errors import FileRejected
from archive.ingest.readers import RawRecord, decode_bytes, read_records

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TEXT = "【通知】关于公布2025年度上海市科技小巨人（含培育）企业名单的通知\r沪科合〔2026〕1号\r各有关单位："
UNDECODABLE = "cannot decode: not UTF-8, UTF-8 with BOM, UTF-16 or GB18030"
RECORD = '{"标题title": "全国第一！", "时间time": "2025-10-31", "公众号名称": "科创长宁"}'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030"])
def test_decode_bytes(encoding):
    assert decode_bytes(TEXT.encode(encoding)) == TEXT


def test_decode_bytes_reads_english_utf16_without_bom_in_either_order():
    text = "Call for Proposals: Shanghai Sci-tech Co-research Program"
    assert decode_bytes(text.encode("utf-16-le")) == text
    assert decode_bytes(text.encode("utf-16-be")) == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "file is empty"),
        (" \r\n\u3000".encode("utf-8"), "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", UNDECODABLE),
        (bytes(range(128, 256)), UNDECODABLE),
    ],
)
def test_decode_bytes_rejects(data, reason):
    with pytest.raises(FileRejected) as caught:
        decode_bytes(data)
    assert str(caught.value) == reason


def test_read_records_json_seed():
    fmt, records = read_records(FIXTURES / "003_adac5c5cbd86ffbf.txt")
    assert (fmt, len(records)) == ("json", 92)
    assert records[0].number == 1
    assert records[-1].number == 92
    assert records[0].value["文章标识符aid"] == "2651163759_1"


def test_read_records_text_seed():
    fmt, records = read_records(FIXTURES / "000_134cb2e8dd9af049.txt", year=2026, source="解放日报")
    assert (fmt, len(records)) == ("text", 5)
    assert records[-1].value["source"] == "解放日报"
    assert records[-1].value["year"] == 2026


def test_read_records_single_object_with_bom(tmp_path):
    path = tmp_path / "one.json"
    path.write_bytes(("\n" + RECORD).encode("utf-8-sig"))
    assert read_records(path) == ("json", [RawRecord(1, {"标题title": "全国第一！", "时间time": "2025-10-31", "公众号名称": "科创长宁"})])


def test_read_records_json_lines_numbered_by_line(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text(f"{RECORD}\r\n\r\n[1, 2]\r\n", encoding="utf-8")
    fmt, records = read_records(path)
    assert fmt == "jsonl"
    assert [(record.number, type(record.value)) for record in records] == [(1, dict), (3, list)]


def test_read_records_reports_where_json_breaks(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"title": "a"},\n  {"title": "b"} {"title": "c"}\n]', encoding="utf-8")
    with pytest.raises(FileRejected) as caught:
        read_records(path)
    assert str(caught.value) == "invalid JSON at line 3, column 18: Expecting ',' delimiter"


def test_read_records_rejects_missing_paths_and_folders(tmp_path):
    with pytest.raises(FileRejected) as caught:
        read_records(tmp_path / "missing.json")
    assert str(caught.value) == "no such file or directory"
    with pytest.raises(FileRejected) as caught:
        read_records(tmp_path)
    assert str(caught.value) == "is a directory"


def test_markdown_export_with_literal_x0a_line_breaks(tmp_path):
    """wechatDownload writes the page's line breaks as the four characters \\x0a: they are line breaks."""
    path = tmp_path / "export.md"
    text = ("![](http://mmbiz.qpic.cn/cover.png)\n\n上海科技\n\n#  长三角科创共同体加速成形\n\n"
            "10月26日，三省一市科技部门发布协同创新行动方案。\\x0a\\x0a方案提出，到2027年基本建成科技创新高地。\n")
    path.write_text(text, encoding="utf-8")
    fmt, (record,) = read_records(path)
    assert fmt == "markdown"
    assert record.value["title"] == "长三角科创共同体加速成形"
    assert record.value["content"].split("\n")[-2:] == [
        "10月26日，三省一市科技部门发布协同创新行动方案。", "方案提出，到2027年基本建成科技创新高地。"]
    assert record.value["raw"] == text


def test_markdown_heading_attribute_lists_are_markup_not_text(tmp_path):
    """Pandoc/kramdown exports (the fuyao_6g_white_paper.md input) end headings with {#id}."""
    path = tmp_path / "export.md"
    path.write_text("---\ntitle: 6G白皮书发布\ndate: 2025-12-16\n---\n\n白皮书与原型机的问世 {#white-paper}\n"
                    "------\n\n* **智能连接**：动态部署传输策略。\n\n  {#intelligent-connection}\n", encoding="utf-8")
    _, (record,) = read_records(path)
    assert record.value["content"] == "白皮书与原型机的问世\n智能连接：动态部署传输策略。"
