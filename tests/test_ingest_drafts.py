"""Records normalized into ArticleDrafts, on records from the seed corpus."""
import datetime
from pathlib import Path

import pytest

from archive.ingest.drafts import MAX_CONTENT_CHARS, draft_from_record
from archive.ingest.errors import RecordRejected
from archive.ingest.pages import split_page

TODAY = datetime.date(2026, 3, 20)
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DIGEST = (FIXTURES / "000_134cb2e8dd9af049.txt").read_text(encoding="utf-8")

# Seed 001, shortened in the middle.
NOTICE = {
    "文章标识符aid": "2650224675_1",
    "标题title": "【通知】关于公布2025年度上海市科技小巨人（含培育）企业名单的通知",
    "链接url": "http://mp.weixin.qq.com/s?__biz=MzA3Mzg1NzkxMQ==&mid=2650224675&idx=1&sn=0ef732078c946500051f7d6fc4818c00"
    "&chksm=870b363bb07cbf2d5d0860fa7d4e49a402ba4214e1bea7cb59d446aefca2433a5786199d3df7#rd",
    "时间time": "2026/2/4",
    "公众号名称": "上海科技",
    "finalContent": "关于公布2025年度\r上海市科技小巨人\r（含培育）企业名单的通知\r沪科合〔2026〕1号\r\r各有关单位：\r\r"
    "根据《关于发布上海市2025年度科技产业高质量发展计划“科技小巨人工程”项目申报指南的通知》（沪科指南〔2025〕31号）要求，"
    "经公开自主申报、各区审核推荐、专家评审和公示，审定45家企业为2025年度上海市科技小巨人企业。\r\r特此通知。\r\r"
    "上海市科学技术委员会\r2026年1月30日\r↓分享\r↓点赞\r↓在看\r\r",
}


def _draft(value, **kwargs):
    return draft_from_record(value, today=TODAY, **kwargs)


def _rejection(value, **kwargs):
    with pytest.raises(RecordRejected) as caught:
        _draft(value, **kwargs)
    return str(caught.value)


def test_wechat_notice():
    draft = _draft(NOTICE)
    assert draft.title == "【通知】关于公布2025年度上海市科技小巨人（含培育）企业名单的通知"
    assert draft.paragraphs[:2] == ["沪科合〔2026〕1号", "各有关单位："]
    assert draft.paragraphs[-2:] == ["上海市科学技术委员会", "2026年1月30日"]
    assert draft.body.startswith("沪科合〔2026〕1号\n\n各有关单位：\n\n根据《")
    assert draft.published == datetime.date(2026, 2, 4)
    assert (draft.source_name, draft.source_biz) == ("上海科技", "MzA3Mzg1NzkxMQ==")
    assert draft.url == (
        "https://mp.weixin.qq.com/s?__biz=MzA3Mzg1NzkxMQ==&mid=2650224675&idx=1&sn=0ef732078c946500051f7d6fc4818c00"
    )
    assert draft.external_id == "2650224675_1"
    assert (draft.kind, draft.doc_number, draft.cited_numbers) == ("通知", "沪科合〔2026〕1号", ["沪科指南〔2025〕31号"])
    assert (draft.regions, draft.original_outlet, draft.is_empty) == (["上海"], "", False)
    assert len(draft.content_hash) == 64
    assert draft.raw is NOTICE


def test_reprint_reads_the_outlet_before_dropping_the_credits():
    record = {
        "标题title": "面向“十五五”：强科创，激发新动能", "时间time": "2026/2/4", "公众号名称": "上海科技",
        "finalContent": "面向“十五五”，上海将进一步破除人才发展的体制机制束缚，构建更具活力的科创生态。"
        "\r来源：解放日报&nbsp;\r作者：顾杰\r编辑：蓝悦\r↓分享\r↓点赞\r↓在看\r\r\r",
    }
    draft = _draft(record)
    assert draft.paragraphs == ["面向“十五五”，上海将进一步破除人才发展的体制机制束缚，构建更具活力的科创生态。"]
    assert draft.original_outlet == "解放日报"


def test_boilerplate_only_record_is_empty():
    record = {**NOTICE, "finalContent": "\r\r来源：国家发展改革委编辑：嘉源本文转载自“上海科技”\r"}
    draft = _draft(record)
    assert (draft.paragraphs, draft.is_empty, draft.original_outlet) == ([], True, "国家发展改革委")
    assert draft.content_hash == _draft({**NOTICE, "finalContent": ""}).content_hash


def test_missing_content_is_empty():
    draft = _draft({**NOTICE, "finalContent": None})
    assert (draft.paragraphs, draft.body, draft.is_empty) == ([], "", True)


def test_plain_english_keys_and_source_argument():
    record = {
        "aid": 2651163759, "title": " 长宁区科委开展\u3000路演专场培训 ", "url": "https://www.example.cn/a?utm_source=wx",
        "published": 1755532800, "content": "<p>长宁区科学技术委员会联合同创717·海纳创联产业园于8月19日举办赛前专项辅导活动。</p>",
    }
    draft = _draft(record, source="科创长宁")
    assert (draft.title, draft.source_name, draft.source_biz) == ("长宁区科委开展 路演专场培训", "科创长宁", "")
    assert (draft.external_id, draft.url) == ("2651163759", "https://www.example.cn/a")
    assert draft.published == datetime.date(2025, 8, 19)
    assert draft.paragraphs == ["长宁区科学技术委员会联合同创717·海纳创联产业园于8月19日举办赛前专项辅导活动。"]


def test_regions_put_the_source_region_first_in_regions_order():
    record = {**NOTICE, "公众号名称": "新华日报", "finalContent": "牵头联合沪浙皖单位实施42项国家重点研发计划项目。"}
    assert _draft(record).regions == ["上海", "江苏", "浙江", "安徽"]


def test_digest_story_from_a_text_page():
    story = split_page(DIGEST, year=2026)[1].value
    draft = _draft(story)
    assert (draft.title, draft.source_name) == ("江苏发布脑机接口 产业创新发展行动方案", "新华日报")
    assert draft.published == datetime.date(2026, 3, 15)
    assert (draft.original_outlet, draft.regions, draft.kind) == ("新华日报", ["江苏"], "新闻")
    assert draft.raw == story["raw"]
    assert draft.raw.endswith("「来源:3月15日《新华日报》」\n")


def test_scraped_page_drops_placeholders():
    story = split_page((FIXTURES / "002_e45649dfd47dd5b7.txt").read_text(encoding="utf-8"))[0].value
    draft = _draft(story)
    assert (draft.source_name, draft.published) == ("百度新闻", datetime.date(2023, 6, 1))
    assert draft.paragraphs[2:4] == ["联合攻关,", "突破核心技术“命门”"]


def test_digest_story_keeps_one_copy_of_a_repeated_paragraph():
    story = split_page(DIGEST, year=2026)[3].value
    paragraphs = _draft(story).paragraphs
    assert sum(para.startswith("“随着上海(长三角)国际科技创新中心启动建设") for para in paragraphs) == 1
    assert len(paragraphs) == 10  # 8 of its own, then the 编后 label and note that follow its source line
    assert paragraphs[-2] == "编后"


def test_yearless_story_date_needs_a_year():
    story = split_page(DIGEST)[0].value
    assert _rejection(story) == "date '3月15日' has no year; pass --year"
    assert _draft(story, year=2026).published == datetime.date(2026, 3, 15)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ([NOTICE], "record is not an object (got list)"),
        (None, "record is not an object (got null)"),
        ({**NOTICE, "标题title": " \r "}, "missing or empty title"),
        ({k: v for k, v in NOTICE.items() if k != "标题title"}, "missing or empty title"),
        ({**NOTICE, "标题title": 2025}, "title is not text (got int)"),
        ({**NOTICE, "公众号名称": ""}, "missing source; pass --source"),
        ({**NOTICE, "时间time": None}, "missing date"),
        ({**NOTICE, "时间time": "2026-13-45"}, "unparseable date '2026-13-45'"),
        ({**NOTICE, "时间time": "2031-01-01"}, "date 2031-01-01 is in the future"),
        ({**NOTICE, "finalContent": ["沪科合〔2026〕1号"]}, "content is not text (got list)"),
        ({**NOTICE, "finalContent": "科" * 10_485_760}, "content is 10,485,760 characters; the limit is 1,000,000"),
    ],
)
def test_rejections(value, reason):
    assert _rejection(value) == reason


def test_content_at_the_limit_is_accepted():
    assert _draft({**NOTICE, "finalContent": "科" * MAX_CONTENT_CHARS}).paragraphs == ["科" * MAX_CONTENT_CHARS]
