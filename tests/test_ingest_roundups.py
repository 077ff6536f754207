"""Roundup pages: headings, briefs, and articles that must never be split."""
from pathlib import Path

import pytest

from archive.ingest.pages import split_page
from archive.ingest.roundups import find_roundup, heading_name

PAGE = (Path(__file__).resolve().parent / "data" / "inputs" / "team_roundup_page.txt").read_text(encoding="utf-8")
BRIEF = "10月25日，浦东新区发布支持人工智能产业高质量发展的若干措施，从算力补贴、场景开放等方面提出20条举措。"


@pytest.mark.parametrize(("line", "name"), [
    ("上海", "上海"), ("【浙江】", "浙江"), ("长三角", "长三角"), ("一、要闻", "要闻"), ("苏州", "苏州"),
    ("■ 江苏", "江苏"), ("上海要闻", "上海要闻"),
    ("一、总体要求", None), ("（一）指导思想", None), ("协同攻关打开新局面", None), ("【资料图】", None),
    ("上海发布人工智能产业新政", None),
])
def test_heading_name(line, name):
    assert heading_name(line) == name


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_roundup_gives_one_brief_per_item_with_the_heading_region():
    stories = [r.value for r in split_page(PAGE, year=2025, source="澎湃新闻")]
    assert [(s["title"], s["date"], s["regions"]) for s in stories] == [
        ("以科技创新引领长三角一体化高质量发展", "10月26日", []),
        ("浦东发布人工智能产业新政", "10月25日", ["上海"]),
        ("苏州海关支持集成电路企业通关便利化", "10月26日", ["江苏"]),  # 近日: the page's date
        ("南京建成首个未来网络试验设施", "10月24日", ["江苏"]),
        ("合肥推行共享实验室计划", "10月23日", ["安徽"]),
        ("杭州启动城西科创大走廊新一轮建设", "10月22日", ["浙江"]),
    ]
    essay = stories[0]["content"]
    assert "协同攻关打开新局面" in essay and "制度创新释放新活力" in essay  # its subheadings stay
    assert essay.endswith("（作者系上海市科学学研究所研究员）")  # and its author note
    assert "长三角新闻速递" not in essay
    assert "".join(s["raw"] for s in stories) == PAGE  # every line kept, verbatim, once


def test_policy_document_with_numbered_subheadings_is_never_split():
    text = "\n".join(["关于加快推动未来产业发展的实施意见", "一、总体要求", "（一）指导思想",
                      BRIEF, "（二）基本原则", BRIEF, "二、重点任务", "（三）强化创新策源", BRIEF,
                      "（四）培育企业梯队", BRIEF])
    assert find_roundup(_lines(text)[1:]) is None
    assert len(split_page(text, year=2025, source="x")) == 1


def test_article_with_short_subheadings_is_never_split():
    text = "\n".join(["上海推进科创中心建设", BRIEF, "协同攻关打开新局面", BRIEF, "制度创新释放新活力", BRIEF])
    assert len(split_page(text, year=2025, source="x")) == 1


def test_a_single_heading_with_one_item_is_not_a_roundup():
    text = "\n".join(["上海推进科创中心建设", BRIEF, "上海", "浦东发布人工智能产业新政", BRIEF])
    assert len(split_page(text, year=2025, source="x")) == 1


def test_a_note_in_a_roundup_stays_with_the_brief_before_it():
    """记者手记 on its own line is a label, not a brief's headline: its note ends the brief before it."""
    note = "记者在浦东软件园看到，不少企业已经提交了算力补贴申请，园区工作人员正逐一上门辅导。"
    text = "\n".join(["长三角科创快讯", "上海", "浦东发布人工智能产业新政", BRIEF, "记者手记", note,
                      "江苏", "苏州海关支持集成电路企业通关便利化", BRIEF.replace("浦东新区", "苏州工业园区")])
    stories = [r.value for r in split_page(text, year=2025, source="x")]
    assert [s["title"] for s in stories] == ["浦东发布人工智能产业新政", "苏州海关支持集成电路企业通关便利化"]
    assert stories[0]["content"].endswith("记者手记\n" + note)
