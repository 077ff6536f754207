"""Issuing bodies and application deadlines read from notices, on snippets from the seed corpus."""
import datetime

import pytest

from archive.ingest.drafts import draft_from_record
from archive.ingest.extract import (
    application_deadline,
    issuer_of_number,
    issuing_bodies,
    normalize_issuing_body,
)

D = datetime.date

# Seed 001, "【通知】关于公布2025年度上海市科技小巨人（含培育）企业名单的通知": a joint notice.
JOINT_NOTICE = [
    "沪科合〔2026〕1号",
    "各有关单位：",
    "……市科委、市经济信息化委和市财政局审定“上海拜安传感技术有限公司”等45家企业为2025年度上海市科技小巨人企业。",
    "特此通知。",
    "上海市科学技术委员会",
    "上海市经济和信息化委员会",
    "上海市财政局",
    "2026年1月30日",
    "附件：",
    "1.2025年度上海市科技小巨人企业名单",
]


@pytest.mark.parametrize(("name", "body"), [
    ("上海市科学技术委员会", "上海市科学技术委员会"),
    ("市科委", "上海市科学技术委员会"),
    ("上海市科委", "上海市科学技术委员会"),
    ("（上海市科学技术委员会代章）", "上海市科学技术委员会"),
    ("上海市经济信息化委", "上海市经济和信息化委员会"),
    ("市经信委", "上海市经济和信息化委员会"),
    ("长宁区科委", "长宁区科学技术委员会"),
    ("江苏省科技厅", "江苏省科学技术厅"),
    ("科技部", "科学技术部"),
    ("工业和信息化部", "工业和信息化部"),
    ("国务院", "国务院"),
    ("区科委", ""),  # which district? better none than a wrong one
    ("各有关单位", ""),
    ("特此通知", ""),
    ("2026年1月30日", ""),
])
def test_issuing_bodies_are_normalized_to_one_full_name(name, body):
    assert normalize_issuing_body(name) == body


def test_municipal_commission_and_its_short_name_are_one_body():
    assert normalize_issuing_body("市科委") == normalize_issuing_body("上海市科学技术委员会")


@pytest.mark.parametrize(("number", "body"), [
    ("沪科合〔2026〕1号", "上海市科学技术委员会"),
    ("沪科指南〔2025〕39号", "上海市科学技术委员会"),
    ("沪府办规〔2024〕9号", "上海市人民政府办公厅"),
    ("沪府发〔2022〕11号", "上海市人民政府"),
    ("国发〔2025〕11号", "国务院"),
    ("国科发监〔2023〕167号", "科学技术部"),
    ("国科火字〔2022〕67号", "科学技术部火炬高技术产业开发中心"),
    ("长科委规〔2025〕2号", "长宁区科学技术委员会"),
    ("某某〔2025〕2号", ""),
])
def test_a_document_number_names_its_issuer(number, body):
    assert issuer_of_number(number) == body


def test_a_joint_notice_lists_every_signing_body_once():
    title = "【通知】关于公布2025年度上海市科技小巨人（含培育）企业名单的通知"
    assert issuing_bodies(title, JOINT_NOTICE, doc_number="沪科合〔2026〕1号") == [
        "上海市科学技术委员会", "上海市经济和信息化委员会", "上海市财政局"]


def test_issuer_from_title_heading_and_a_glued_signature():
    # Seed 003: a notice opening with its issuer's short name, signed with the full one.
    paras = ["上海市经济信息化委关于开展2025年度国家级智能制造系统解决方案“揭榜挂帅”项目申报和已揭榜项目验收工作的通知",
             "各区经委（商务委）、科经委，临港新片区、化学工业区、长兴岛管理委员会，各有关企业（集团）:",
             "附件：1.智能制造系统解决方案“揭榜挂帅”项目申报材料清单.docx",
             "上海市经济和信息化委员会", "2025年10月23日"]
    assert issuing_bodies("关于开展2025年度国家级智能制造系统解决方案“揭榜挂帅”项目申报和已揭榜项目验收工作的通知",
                          paras) == ["上海市经济和信息化委员会"]
    assert issuing_bodies("【通知】关于组织申报创新药物研发国家科技重大专项2026年度项目的通知",
                          ["市科委联系人及网上申报时间如下：", "上海市科学技术委员会2025年9月30日"]) == ["上海市科学技术委员会"]


def test_an_opening_line_of_several_bodies_and_a_seal_on_behalf():
    paras = ["上海市经济和信息化委员会 上海市发展和改革委员会 上海市国有资产监督管理委员会",
             "关于印发《上海市加快推动“AI+制造”发展的实施方案》的通知", "有关单位："]
    assert issuing_bodies("关于印发《上海市加快推动“AI+制造”发展的实施方案》的通知", paras) == [
        "上海市经济和信息化委员会", "上海市发展和改革委员会", "上海市国有资产监督管理委员会"]
    sealed = ["附件：", "2025年度长三角科技创新共同体联合攻关（基础研究）项目申报指南",
              "长三角科技创新共同体建设工作专班", "（上海市科学技术委员会代章）", "2025年9月29日"]
    assert issuing_bodies("【通知】关于开展2025年度长三角科技创新共同体联合攻关（基础研究）项目申报的通知", sealed,
                          doc_number="沪科〔2025〕385号") == ["长三角科技创新共同体建设工作专班", "上海市科学技术委员会"]


def test_news_without_a_signature_has_no_issuer():
    paras = ["今天（10月11日）上午，市政府新闻办举行市政府新闻发布会，市科委副主任屈炜介绍《若干措施》。",
             "下一步，上海将进一步加强市区联动、部门协同。"]
    assert issuing_bodies("力争到2027年，培育20家未来产业生态主导型企业！", paras) == []


@pytest.mark.parametrize(("text", "published", "deadline"), [
    ("2.项目网上填报起始时间为2026年2月9日9:00，截止时间（含申报单位网上审核提交）为2026年2月27日16:30。",
     D(2026, 1, 23), D(2026, 2, 27)),
    ("经研究决定，2025年度上海市高新技术企业认定网上申报截止时间延长至11月6日17:00。",
     D(2025, 10, 31), D(2025, 11, 6)),
    ("网上填报起始时间为2025年9月30日16:00，截止时间为2025年10月16日16:00。", D(2025, 10, 9), D(2025, 10, 16)),
    ("1.揭榜截止日期为2025年10月20日16:30。", D(2025, 9, 18), D(2025, 10, 20)),
    ("项目申报采用网上申报方式，无需送交纸质材料。申报时间为2025年9月6日9:00至9月26日17:00。",
     D(2025, 9, 5), D(2025, 9, 26)),
    ("2、项目申报时间：2025年10月17日—11月16日", D(2025, 10, 16), D(2025, 11, 16)),
    ("网上申报受理时间为2025年9月3日10:00至2025年9月22日16:00。", D(2025, 9, 2), D(2025, 9, 22)),
    ("请在2025年10月30日前进行报送。", D(2025, 9, 11), D(2025, 10, 30)),
    ("有意向的单位提交申请书，于2025年11月30日16:00前提交至联系邮箱", D(2025, 10, 10), D(2025, 11, 30)),
    ("填报截止时间：2025年9月22日17:00。", D(2025, 8, 27), D(2025, 9, 22)),
    ("申报截止时间为1月10日。", D(2025, 12, 20), D(2026, 1, 10)),  # no year: the next January
])
def test_application_deadlines_are_read_as_dates(text, published, deadline):
    assert application_deadline([text], published=published) == deadline


@pytest.mark.parametrize("text", [
    "公示时间为2025年8月26日-2025年9月2日。",  # an objection period, not a call
    "于2026年2月9日（星期一）17:00前将加盖公章的表格反馈至联系人。",  # a survey reply
    "举报截止时间至项目批复下达之日。",
    "截至2025年底，全市已建成各类孵化器300余家。",
    "临近截止时间系统拥堵，建议尽早提交，过时不予受理。",
    "申报截止时间为2月30日。",  # no such day
])
def test_texts_that_are_not_application_deadlines(text):
    assert application_deadline([text], published=D(2025, 9, 1)) is None


def test_the_first_deadline_in_the_text_wins_over_a_later_review_date():
    text = ["申报时间为2025年9月6日9:00至9月26日17:00。",
            "分园管理机构实施区级初审，项目初审截止时间为10月10日12:00。"]
    assert application_deadline(text, published=D(2025, 9, 5)) == D(2025, 9, 26)


def test_drafts_carry_issuing_bodies_and_the_deadline():
    record = {"标题title": "【通知】关于征集2026年度上海市生物医药重点产品和合同生产项目的通知",
              "时间time": "2026/1/23", "公众号名称": "上海科技", "链接url": "",
              "finalContent": "沪科〔2026〕13号\r各有关单位：\r项目网上填报起始时间为2026年2月9日9:00，"
                              "截止时间（含申报单位网上审核提交）为2026年2月27日16:30。\r上海市科学技术委员会\r2026年1月23日"}
    draft = draft_from_record(record, today=D(2026, 11, 1))
    assert draft.issuing_bodies == ["上海市科学技术委员会"]
    assert draft.deadline == D(2026, 2, 27)
