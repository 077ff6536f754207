"""Metadata read from titles and text, on snippets from the seed corpus."""
import pytest

from archive.ingest.extract import (
    REGIONS,
    cited_doc_numbers,
    doc_kind,
    find_doc_numbers,
    own_doc_number,
    regions_mentioned,
    reprint_outlet,
    source_region,
)

# Seed 001, "【通知】关于公布2025年度上海市科技小巨人（含培育）企业名单的通知", after the title lines.
NOTICE = [
    "沪科合〔2026〕1号",
    "各有关单位：",
    "根据《关于发布上海市2025年度科技产业高质量发展计划“科技小巨人工程”项目申报指南的通知》（沪科指南〔2025〕31号）要求，经公开自主申报。",
    "特此通知。",
]


def test_find_doc_numbers_in_order_without_repeats():
    text = (
        "为贯彻落实工业和信息化部等七部门《关于推动未来产业创新发展的实施意见》（工信部联科〔2024〕12号）、"
        "《上海打造未来产业创新高地 发展壮大未来产业集群行动方案》（沪府发〔2022〕11号）等有关部署，"
        "依据（工信部联科〔2024〕12号）"
    )
    assert find_doc_numbers(text) == ["工信部联科〔2024〕12号", "沪府发〔2022〕11号"]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("的实施方案》（沪经信软〔2025〕556 号）", "沪经信软〔2025〕556号"),
        ("长科委规[2025]2号", "长科委规〔2025〕2号"),
        ("国科发监［2023］167号", "国科发监〔2023〕167号"),
        ("沪科指南【2025】31号", "沪科指南〔2025〕31号"),
        ("沪科〔２０２６〕１８号", "沪科〔2026〕18号"),
        ("根据国发〔2025〕11号文件", "国发〔2025〕11号"),
        ("贯彻落实国发〔2025〕11号", "国发〔2025〕11号"),
    ],
)
def test_find_doc_numbers_normalizes(text, number):
    assert find_doc_numbers(text) == [number]


def test_own_doc_number_stands_alone_near_the_top():
    assert own_doc_number("【通知】关于公布2025年度上海市科技小巨人（含培育）企业名单的通知", NOTICE) == "沪科合〔2026〕1号"


def test_own_doc_number_closing_the_title():
    assert own_doc_number("关于印发《上海市科技创新券服务机构管理实施细则》的通知（沪科规〔2026〕1号）", []) == "沪科规〔2026〕1号"


def test_own_doc_number_is_empty_when_only_cited():
    assert own_doc_number("关于申报2024年度长宁区高新技术企业认定奖励的通知", NOTICE[1:]) == ""


def test_cited_doc_numbers_leave_out_the_own_number():
    assert cited_doc_numbers(NOTICE, own="沪科合〔2026〕1号") == ["沪科指南〔2025〕31号"]


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("【通知】关于印发《上海市科技创新券服务机构管理实施细则》的通知（附政策解读）", "通知"),
        ("【公示】关于公示2025年度长宁区“科技之星”团队拟立项扶持名单的通知", "公示"),
        ("【直播间】明天上午十点，科技型中小企业评价政策解读，欢迎预约观看→", "活动"),
        ("一图读懂｜关于深入实施“人工智能+”行动的意见", "政策解读"),
        ("经济总体稳中向好，发展质效向新向优——2025年上海市国民经济运行情况解读", "政策解读"),
        ("关于印发《上海市加快推动“AI+制造”发展的实施方案》的通知", "政策文件"),
        ("国务院关于深入实施“人工智能+”行动的意见", "政策文件"),
        ("长宁区鼓励科技创新的若干政策措施", "政策文件"),
        ("中共中央关于制定国民经济和社会发展第十五个五年规划的建议", "政策文件"),
        ("长宁区2025年度第四批拟入库科技型中小企业名单公示", "公示"),
        ("关于长宁区2025年第三批入库科技型中小企业的公告", "公告"),
        ("关于延长2025年上海市高新技术企业申报截止时间的通知", "通知"),
        ("2025年度上海市科技小巨人企业名单", "名单"),
        ("欢迎报名！2025全国颠覆性技术创新大赛脑机系统锦标赛正式启动！", "活动"),
        ("【便民】个人创业“一件事”在“随申办市民云”移动端上线啦！12个创业事项在线办→", "新闻"),
        ("上海8位科学家获2025年度何梁何利基金奖→", "新闻"),
    ],
)
def test_doc_kind_from_title(title, kind):
    assert doc_kind(title, []) == kind


def test_doc_kind_of_a_numbered_text_is_a_policy_document():
    assert doc_kind("全市科技创新券服务机构管理", NOTICE) == "政策文件"


@pytest.mark.parametrize(
    ("paragraphs", "outlet"),
    [
        (["当人的创造力被充分激活。", "来源：解放日报&nbsp;", "作者：顾杰"], "解放日报"),
        (["来源：解放日报\xa0"], "解放日报"),
        (["来源:科技日报"], "科技日报"),
        (["来源：上海大调研 澎湃新闻"], "上海大调研"),
        (["来源：新华社、央视《新闻联播》"], "新华社"),
        (["来源：国家发展改革委编辑：嘉源本文转载自“上海科技”"], "国家发展改革委"),
        (["更多科技力量。（本文摘自阴和俊在2025浦江创新论坛上的主旨演讲）来源：科技日报", "编辑：拾"], "科技日报"),
        (["来源：上海市医疗器械检验研究院", "本文转载自“上海科技”"], "上海市医疗器械检验研究院"),
        (["本文转载自“上海科技”"], "上海科技"),
        (['本文转载自"上海长宁"'], "上海长宁"),
        (["转载自：上海市工业互联网协会", "2025年上海市“AI+制造”智能产品征集工作正式启动"], "上海市工业互联网协会"),
        (["来源：https://www.most.gov.cn/"], ""),
        (["数据来源：国家统计局"], ""),
        ([], ""),
    ],
)
def test_reprint_outlet(paragraphs, outlet):
    assert reprint_outlet(paragraphs) == outlet


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("3月14日,江苏省脑机接口产业联盟成立暨2026脑机接口创新发展会议在南京栖霞区召开", ["江苏"]),
        ("3月13日,浙江省嘉兴市发布推动经济高质量发展若干政策", ["浙江"]),
        ("位于合肥未来大科学城的聚变堆主机关键系统综合研究设施", ["安徽"]),
        ("外国人来沪创业获“硬核门票”", ["上海"]),
        ("长宁区科委召开专题学习会", ["上海"]),
        ("牵头联合沪浙皖单位实施42项国家重点研发计划项目", ["上海", "浙江", "安徽"]),
        ("长三角科技创新共同体建设不断取得成效", list(REGIONS)),
        ("2025年是“绿水青山就是金山银山”理念提出20周年", []),
        ("1月26日，全国科技工作会议在北京召开。", []),
    ],
)
def test_regions_mentioned(text, regions):
    assert regions_mentioned(text) == regions


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("上海科技", "上海"),
        ("科创长宁", "上海"),
        ("解放日报", "上海"),
        ("文汇报", "上海"),
        ("新华日报", "江苏"),
        ("浙江日报", "浙江"),
        ("安徽日报", "安徽"),
        ("合肥发布", "安徽"),
        ("百度新闻", "其他"),
        ("新华社", "其他"),
    ],
)
def test_source_region(name, region):
    assert source_region(name) == region
