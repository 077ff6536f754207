"""Chinese analysis: segmentation for index and query, normalization, document numbers."""
from search.analysis import ChineseAnalyzer, normalize, query_terms, tokenize


def terms(text, mode="index"):
    return [t for t, _, _, _ in tokenize(text, mode=mode)]


def test_whole_word_query_term_for_integrated_circuits():
    assert query_terms("集成电路") == ["集成电路"]
    assert "集成电路" in terms("上海集成电路产业")
    assert "集成电路" not in terms("系统集成和电路设计")


def test_index_mode_adds_inner_words_at_the_same_position():
    tokens = tokenize("上海集成电路产业", mode="index")
    positions = {t: p for t, p, _, _ in tokens}
    assert positions["集成"] == positions["电路"] == positions["集成电路"] == 1
    assert positions["产业"] == 2


def test_domain_dictionary_keeps_field_terms_whole():
    for word in ("脑机接口", "具身智能", "新质生产力", "科技小巨人", "中试平台", "创新联合体", "长三角"):
        assert query_terms(word) == [word]


def test_latin_tokens_are_lowercased_and_whole():
    assert query_terms("AAAI 2026大会 Chiplet 6G") == ["aaai", "2026", "大会", "chiplet", "6g"]
    assert normalize("ＡＢＣ１２３") == "abc123"


def test_punctuation_and_stop_words_are_dropped():
    assert query_terms("人工智能，的！") == ["人工智能"]


def test_document_number_is_one_query_term_in_any_bracket_style():
    assert query_terms("沪科合〔2026〕1号") == ["沪科合〔2026〕1号"]
    assert query_terms("沪科合[2026]1号") == ["沪科合〔2026〕1号"]
    assert "国科发监〔2023〕167号" in terms("根据国科发监〔2023〕167号文件")


def test_whoosh_analyzer_follows_query_and_index_modes():
    analyzer = ChineseAnalyzer()
    assert [t.text for t in analyzer("集成电路", mode="query")] == ["集成电路"]
    assert [t.text for t in analyzer("集成电路", mode="index")] == ["集成", "成电", "电路", "集成电路"]
    chars = [(t.startchar, t.endchar) for t in analyzer("上海芯片", chars=True, mode="index")]
    assert chars == [(0, 2), (2, 4)]
