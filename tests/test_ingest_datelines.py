"""Datelines read from the opening words of real news texts (snippets of tests/data/inputs/)."""
import pytest

from archive.ingest.datelines import dateline_of, find_dateline


@pytest.mark.parametrize(("text", "expected"), [
    ("10月26日，在上海普陀区举行的长三角科技创新共同体建设推进会上", "10月26日"),
    ("2019年2月27日下午，佛山顺德区大良街道党工委委员", "2019年2月27日"),
    ("新华社巴黎12月9日电（记者唐霁）法国9日再次爆发全国跨行业大罢工", "12月9日"),
    ("长江网10月4日讯（记者陈智 整合） 国庆中秋长假过半", "10月4日"),
    ("据财联社9月26日消息，今日从交通运输部行新闻发布会获悉", "9月26日"),
    ("本报讯（记者 王明 通讯员 李华）10月22日，杭州城西科创大走廊新一轮建设启动", "10月22日"),
    ("合肥市科技局10月23日发布共享实验室计划", "10月23日"),
    ("记者10月26日从上海市科委获悉，", "10月26日"),
    ("发布时间：2025-10-26 10:30", "2025年10月26日"),
    ("3月14日,江苏省脑机接口产业联盟成立", "3月14日"),
    ("１０月２６日，会议在南京召开。", "10月26日"),
])
def test_dateline_of(text, expected):
    assert dateline_of(text) == expected


@pytest.mark.parametrize("text", [
    "苏州海关近日出台支持集成电路产业发展的十项措施",  # 近日 never gives a day
    "日前，2025年“数据要素×”大赛全国总决赛获奖项目名单公示",
    "截至10月26日，全市共有高新技术企业2万余家。",
    "自10月26日起，新规正式施行。",
    "10月26日起，新规正式施行。",
    "会议定于10月23日召开。",
    "今天凌晨，三星在美国旧金山举行发布会",
    "13月40日，",
])
def test_no_dateline(text):
    assert dateline_of(text) == ""


def test_find_dateline_reads_only_the_opening_paragraphs():
    paragraphs = ["近日，上海发布新政。", "政策覆盖全链条。", "企业可申报。", "10月26日，新闻发布会举行。"]
    assert find_dateline(paragraphs) == ""
    assert find_dateline(paragraphs, within=4) == "10月26日"
