"""Plain-text pages split into stories, on the seed pages and snippets of them."""
from pathlib import Path

from archive.ingest.pages import RawRecord, split_page

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DIGEST = (FIXTURES / "000_134cb2e8dd9af049.txt").read_text(encoding="utf-8")
SCRAPED = (FIXTURES / "002_e45649dfd47dd5b7.txt").read_text(encoding="utf-8")


def _stories(text, **kwargs):
    return [record.value for record in split_page(text, **kwargs)]


def test_digest_page_yields_one_story_per_source_line_plus_the_tail():
    stories = _stories(DIGEST)
    assert [(s["title"], s["date"], s["source"]) for s in stories] == [
        ("上海向全球投资者推出21项新质要素", "3月15日", "解放日报"),
        ("江苏发布脑机接口 产业创新发展行动方案", "3月15日", "新华日报"),
        ("嘉兴加码培育未来产业 推出43条经济新政", "3月14日", "浙江日报"),
        ("与共建上海(长三角)国际科技创新中心启动建设…", "3月12日", "安徽日报"),
        ("“上海(长三角)国际科创中心”——一个括号的变化 这意味着什么", "3月12日", ""),
    ]


def test_digest_story_drops_kickers_and_keeps_the_block_verbatim():
    story = split_page(DIGEST, year=2026)[1]
    assert story == RawRecord(2, story.value)
    assert story.value["content"].startswith("3月14日,江苏省脑机接口产业联盟成立暨2026脑机接口创新发展会议在南京栖霞区召开,")
    assert story.value["content"].endswith("推动科技与产业的双向奔赴。”")
    assert "长三角新闻快览" not in story.value["content"]
    assert story.value["raw"].startswith("\n长三角新闻快览\n\n江苏发布脑机接口 产业创新发展行动方案\n")
    assert story.value["raw"].endswith("「来源:3月15日《新华日报》」\n")
    assert (story.value["year"], story.value["outlet"], story.value["format"]) == (2026, "新华日报", "text")


def test_digest_tail_takes_the_page_source_and_the_last_story_date():
    tail = _stories(DIGEST, year=2026, source="解放日报")[-1]
    assert (tail["title"], tail["source"], tail["date"], tail["year"]) == (
        "“上海(长三角)国际科创中心”——一个括号的变化 这意味着什么", "解放日报", "3月12日", 2026)
    assert tail["content"].startswith("今年政府工作报告提出,建设北京(京津冀)、上海(长三角)、粤港澳大湾区国际科技创新中心")
    assert tail["content"].endswith("新华社记者 张建新 摄")
    assert tail["raw"].startswith("\n“上海(长三角)国际科创中心”——一个括号的变化 这意味着什么\n")


def test_afterword_after_a_source_line_belongs_to_the_story_before_it():
    """Seed 000: the 「■ 编后」 note after the 安徽日报 story's source line ends that story, label and all."""
    records = split_page(DIGEST)
    story = records[3].value
    assert story["content"].endswith(
        "\n编后\n安徽作为长三角一体化发展的重要成员,如何更好参与共建上海(长三角)国际科技创新中心?以科技创新引领新质生产力发展是关键。"
        "目前,需要进一步跨区域、跨部门整合科技创新力量与优势资源,实现强强联合,打造更具全球竞争力的创新生态和科技创新策源地。")
    assert story["raw"].endswith("「来源:3月12日《安徽日报》」\n\n■ 编后\n\n" + story["content"].rsplit("\n", 1)[1] + "\n")
    assert "".join(record.value["raw"] for record in records) == DIGEST
    assert all(record.value["title"] != "编后" for record in records)


def test_source_line_with_full_width_colon_and_no_brackets():
    text = "长三角新闻快览\n嘉兴加码培育未来产业\n3月13日,浙江省嘉兴市发布推动经济高质量发展若干政策。\n来源：3月14日《浙江日报》\n"
    assert _stories(text) == [{
        "title": "嘉兴加码培育未来产业", "content": "3月13日,浙江省嘉兴市发布推动经济高质量发展若干政策。",
        "date": "3月14日", "source": "浙江日报", "outlet": "浙江日报", "year": None, "regions": [], "url": "",
        "format": "text", "raw": text,
    }]


def test_story_without_headline_is_titled_by_its_first_sentence():
    text = "推动科技创新和产业创新深度融合,才能更好壮大新质生产力。今年,我省将健全机制。\n「来源:3月12日《安徽日报》」"
    assert _stories(text)[0]["title"] == "推动科技创新和产业创新深度融合,才能更好壮大新质生产力"


def test_long_first_sentence_is_cut_at_a_clause_and_marked_shortened():
    """Seed 000's 安徽日报 story has no headline: its 40-character cut fell inside 协同."""
    (story,) = _stories(DIGEST.split("「来源:3月14日《浙江日报》」")[1].split("■ 编后")[0])
    assert story["title"] == "与共建上海(长三角)国际科技创新中心启动建设…"
    assert story["content"].startswith("与共建上海(长三角)国际科技创新中心启动建设,长三角科技创新")


def test_note_that_opens_a_page_loses_its_label_and_the_headline_after_it_is_the_title():
    text = ("【编者按】\n今年是长三角一体化发展上升为国家战略七周年,本报推出系列报道。\n"
            "长三角科创共同体加速成形\n10月26日,三省一市科技部门发布协同创新行动方案。\n「来源:10月27日《解放日报》」\n")
    (story,) = _stories(text)
    assert story["title"] == "长三角科创共同体加速成形"
    assert story["content"] == ("今年是长三角一体化发展上升为国家战略七周年,本报推出系列报道。\n"
                                "10月26日,三省一市科技部门发布协同创新行动方案。")
    assert story["raw"] == text


def test_note_with_no_headline_after_it_is_titled_by_its_own_text():
    text = ("记者手记：\n走进张江实验室,科研人员正在调试新一代光刻设备的关键部件,这里的每一天都在刷新纪录,"
            "也在改写产业格局。\n「来源:3月12日《解放日报》」")
    (story,) = _stories(text)
    assert story["title"] == "走进张江实验室,科研人员正在调试新一代光刻设备的关键部件…"
    assert story["content"].startswith("走进张江实验室,")


def test_page_whose_first_line_is_a_note_label_is_not_titled_by_it():
    text = "编者按\n上海发布脑机接口行动方案\n\n3月14日,会议在南京召开。\n"
    (story,) = _stories(text, source="新华日报")
    assert (story["title"], story["content"]) == ("上海发布脑机接口行动方案", "3月14日,会议在南京召开。")


def test_scraped_page_takes_date_and_source_from_its_header_and_cuts_the_sidebar():
    (story,) = _stories(SCRAPED)
    assert story["title"] == "环球微头条丨扎实推进长三角一体化高质量发展 | 长三角合力构建科创共同体"
    assert (story["date"], story["source"], story["year"]) == ("2023-06-01", "百度新闻", 2023)
    assert story["content"].startswith("长三角是全国创新能力最强的区域之一。")
    assert story["content"].endswith("新华日报·交汇点记者 蔡姝雯 张宣\n上观号作者:交汇点")
    assert "属猪的人2024年运势大变" not in story["content"]
    assert "2023-05-29" not in story["content"]
    assert story["raw"] == SCRAPED


def test_sidebar_starts_at_three_headline_and_date_pairs():
    signed = "标题\n正文。\n上海市科学技术委员会\n2025年9月5日\n附件\n2025-09-05\n"
    assert _stories(signed)[0]["content"] == "正文。\n上海市科学技术委员会\n2025年9月5日\n附件\n2025-09-05"
    sidebar = signed + "南通主城区一宗优质地块成功出让\n2023-05-29\n"
    assert _stories(sidebar)[0]["content"] == "正文。"


def test_plain_article_takes_its_source_from_the_argument_and_its_date_from_the_dateline():
    text = "上海发布脑机接口行动方案\n\n3月14日,会议在南京召开。\n"
    assert _stories(text, source="新华日报") == [{
        "title": "上海发布脑机接口行动方案", "content": "3月14日,会议在南京召开。", "date": "3月14日",
        "source": "新华日报", "outlet": "", "year": None, "regions": [], "url": "", "format": "text", "raw": text,
    }]
