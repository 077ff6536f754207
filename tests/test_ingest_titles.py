"""Fallback titles and note labels (archive.ingest.titles), on lines from the seeds and made-up cases."""
import pytest

from archive.ingest.titles import (
    FALLBACK_TITLE_MAX,
    fallback_title,
    is_headline_line,
    is_note_label,
    note_block_length,
    shorten_title,
    without_note_label,
)

# Seed 000 (fixtures/000_*.txt): the 安徽日报 story's first line and the afterword's label.
ANHUI = ("与共建上海(长三角)国际科技创新中心启动建设,长三角科技创新和产业创新的跨区域协同也将迈入新阶段,"
         "亟需进一步跨区域、跨部门整合科技创新力量与优势资源,实现强强联合,打造更具全球竞争力的创新生态和科技创新策源地。")
AFTERWORD = "安徽作为长三角一体化发展的重要成员,如何更好参与共建上海(长三角)国际科技创新中心?以科技创新引领新质生产力发展是关键。"
NEXT_HEADLINE = "“上海(长三角)国际科创中心”——一个括号的变化 这意味着什么"


def test_seed_sentence_is_cut_at_its_clause_break_not_inside_a_word():
    assert fallback_title(ANHUI) == "与共建上海(长三角)国际科技创新中心启动建设…"


@pytest.mark.parametrize(("sentence", "title"), [
    # A whole sentence that fits is the title as it is, with no mark.
    ("推动科技创新和产业创新深度融合,才能更好壮大新质生产力", "推动科技创新和产业创新深度融合,才能更好壮大新质生产力"),
    # Seed 000: the last clause break within the limit, the 、 of an enumeration included.
    ("如为解决企业找算力难、用算力贵问题,上海建起国内最大算力调度平台,通过先用后付、免申即享,帮助企业快速接入",
     "如为解决企业找算力难、用算力贵问题,上海建起国内最大算力调度平台,通过先用后付…"),
    # No clause break: after a closing quote or bracket.
    ("上海市科学技术委员会关于发布2025年度关键技术研发计划“新一代信息技术”项目申报指南的通知和说明",
     "上海市科学技术委员会关于发布2025年度关键技术研发计划“新一代信息技术”…"),
    # No punctuation at all: before a number, or between Latin letters and Chinese.
    ("长三角国家技术创新中心联合长三角三省一市科技部门和高校院所共同发布2025年度长三角科技创新共同体联合攻关项目清单",
     "长三角国家技术创新中心联合长三角三省一市科技部门和高校院所共同发布…"),
    ("黑湖科技发布面向中小制造企业的柔性生产排程与质量追溯平台黑湖AI新质造助力小单快反柔性生产持续扩面",
     "黑湖科技发布面向中小制造企业的柔性生产排程与质量追溯平台黑湖AI…"),
    # A thousands separator is no clause break.
    ("全市新增高新技术企业超过1,200家并带动研发投入持续增长形成以企业为主体的创新体系并推动成果转化",
     "全市新增高新技术企业超过1,200家并带动研发投入持续增长形成以企业为主体的…"),
])
def test_long_sentence_is_cut_at_a_natural_boundary(sentence, title):
    assert shorten_title(sentence) == title
    assert len(shorten_title(sentence)) <= FALLBACK_TITLE_MAX


def test_a_sentence_with_no_boundary_at_all_is_cut_at_the_limit():
    title = shorten_title("量" * 60)
    assert (title, len(title)) == ("量" * 39 + "…", FALLBACK_TITLE_MAX)


@pytest.mark.parametrize("line", ["■ 编后", "编后", "编后语", "编者按", "【编者按】", "编者按：", "短评", "本报评论员",
                                  "记者手记", "【记者手记】", "  评论员观察  "])
def test_note_labels(line):
    assert is_note_label(line)
    assert not is_headline_line(line)


@pytest.mark.parametrize("line", [NEXT_HEADLINE, "编后记者走访张江", "编者按：今年是长三角一体化发展上升为国家战略七周年。",
                                  "上海向全球投资者推出21项新质要素"])
def test_lines_that_are_no_note_labels(line):
    assert not is_note_label(line)


def test_a_label_opening_a_paragraph_is_dropped_from_its_title():
    assert without_note_label("编者按：今年是长三角一体化发展上升为国家战略七周年。") == "今年是长三角一体化发展上升为国家战略七周年。"
    assert without_note_label("【短评】创新生态需要耐心。") == "创新生态需要耐心。"
    assert without_note_label("【编者按】") == "【编者按】"
    assert fallback_title("编者按：今年是长三角一体化发展上升为国家战略七周年。本报推出系列报道。") == (
        "今年是长三角一体化发展上升为国家战略七周年")


def test_note_block_runs_from_its_label_to_the_next_headline():
    lines = ["\n", "■ 编后\n", "\n", AFTERWORD + "\n", "\n", NEXT_HEADLINE + "\n", "今年政府工作报告提出,……。\n"]
    assert note_block_length(lines) == 4  # the blank line before the headline goes with the next story
    assert note_block_length(lines[5:]) == 0
    assert note_block_length(["记者手记\n", AFTERWORD + "\n"]) == 2
    assert note_block_length([]) == 0
