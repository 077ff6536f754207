"""Highlighted snippets (discovery/snippets.py): escaping and where a term is marked."""
from discovery.snippets import highlight, snippet


def test_latin_terms_are_marked_only_as_whole_runs_as_the_index_keeps_them() -> None:
    text = "AAAI会议与AIGC和AI芯片, 16G与6G网络, ai-driven"
    marked = str(highlight(text, ["AI", "6G"]))
    assert marked == "AAAI会议与AIGC和<mark>AI</mark>芯片, 16G与<mark>6G</mark>网络, <mark>ai</mark>-driven"


def test_chinese_terms_are_marked_inside_longer_words() -> None:
    assert str(highlight("集成电路产业", ["电路"])) == "集成<mark>电路</mark>产业"


def test_article_text_is_escaped_around_and_inside_marks() -> None:
    marked = str(snippet("<script>alert(1)</script> 量子<b>计算</b>", ["量子", "<b>"]))
    assert "<script>" not in marked and "&lt;script&gt;" in marked
    assert "<mark>量子</mark><mark>&lt;b&gt;</mark>" in marked
