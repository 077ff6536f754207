"""Text normalizers, on snippets from the seed corpus."""
from archive.ingest.text import (
    content_hash,
    drop_repeated_paragraphs,
    html_to_text,
    is_boilerplate_only,
    normalize_width,
    split_paragraphs,
    strip_control_chars,
    strip_share_boilerplate,
)

# Seed 001, "面向“十五五”：强科创，激发新动能": the closing block.
TRAILER = (
    "当人的创造力被充分激活，上海科创的未来更值得期待。\r来源：解放日报&nbsp;\r作者：顾杰\r"
    "编辑：蓝悦\r↓分享\r↓点赞\r↓在看\r\r\r"
)


def test_strip_control_chars_keeps_line_breaks_and_tabs():
    assert strip_control_chars("上海\u200b科技\x07\ufeff\r\n\t附件\x85") == "上海科技\r\n\t附件"


def test_html_to_text_breaks_blocks_and_drops_scripts():
    html = "<section><p>各有关单位：</p><script>var x = 1;</script><p>特此通知。<br/>上海市科学技术委员会</p></section>"
    assert html_to_text(html) == "各有关单位：\n特此通知。\n上海市科学技术委员会\n\n"


def test_html_to_text_only_unescapes_plain_text():
    assert html_to_text("来源：解放日报&nbsp;") == "来源：解放日报 "
    assert html_to_text("“沪上TTO分享荟”活动由上海市科委指导") == "“沪上TTO分享荟”活动由上海市科委指导"


def test_html_to_text_never_returns_markup_from_escaped_tags():
    assert html_to_text("&lt;script&gt;alert(1)&lt;/script&gt;正文") == "正文"


def test_split_paragraphs_strips_lines_and_drops_decorations():
    # Seed 003: "★\r★ ★ ★\r★" between paragraphs; seed 001: "欢迎扫码预约观看👇👇👇".
    text = "总结2025年上半年张江长宁园建设成效。\r★\r★ ★ ★\r★\r\r\u3000区科委主任杨建安主持会议\xa0\r👇👇👇\r——  ——\r01\r"
    assert split_paragraphs(text) == ["总结2025年上半年张江长宁园建设成效。", "区科委主任杨建安主持会议", "01"]


def test_split_paragraphs_treats_crlf_and_cr_alike():
    assert split_paragraphs("一\r\n二\r三\n四") == ["一", "二", "三", "四"]


def test_drop_repeated_paragraphs_keeps_first_copy_of_long_ones():
    # Seed 000's Anhui story repeats this paragraph a dozen times.
    quote = "“随着上海(长三角)国际科技创新中心启动建设,长三角科技创新和产业创新的跨区域协同也将迈入新阶段。”省经济研究院副院长姜璠认为。"
    paras = [quote, "01", quote, "01", "联动机制,建设量子计算研发平台。", quote]
    assert drop_repeated_paragraphs(paras) == [quote, "01", "01", "联动机制,建设量子计算研发平台。"]


def test_strip_share_boilerplate_drops_the_closing_credits():
    paras = split_paragraphs(html_to_text(TRAILER))
    assert strip_share_boilerplate(paras) == ["当人的创造力被充分激活，上海科创的未来更值得期待。"]


def test_strip_share_boilerplate_keeps_credits_inside_the_body():
    paras = ["来源：国家统计局", "2025年，上海全社会研发经费支出相当于全市生产总值的比例达到4.5%左右。"]
    assert strip_share_boilerplate(paras) == paras


def test_strip_share_boilerplate_drops_placeholders_anywhere():
    paras = [
        "联合攻关,", "【资料图】", "突破核心技术“命门”",
        "推进高风险高价值基础研究", "上下滑动查看更多",
        "本文转载自“京津冀国家技术创新中心”微信公众号",
        "“上海科技”出品，转载请注明来源企业及专家观点不代表官方立场", "作者：耿挺 编辑：蓝悦", "↓分享", "↓点赞", "↓在",
    ]
    assert strip_share_boilerplate(paras) == [
        "联合攻关,", "突破核心技术“命门”", "推进高风险高价值基础研究",
    ]


def test_is_boilerplate_only_on_seed_stubs():
    assert is_boilerplate_only(split_paragraphs("编辑：蓝悦↓分享\r↓点赞\r↓在看\r\r"))
    assert is_boilerplate_only(split_paragraphs("\r"))
    assert is_boilerplate_only(split_paragraphs("查看全文请点击“阅读原文”\r本文转载自“上海经信委”\r"))
    assert is_boilerplate_only(split_paragraphs("\r\r来源：国家发展改革委编辑：嘉源本文转载自“上海科技”\r"))


def test_is_boilerplate_only_false_for_a_short_real_article():
    paras = ["各有关单位： 为进一步服务市场主体，优化营商环境，助力企业创新发展，经研究决定，延长申报截止时间。"]
    assert not is_boilerplate_only(paras)


def test_content_hash_ignores_whitespace_punctuation_and_width():
    a = content_hash("标题甲", ["上海强化为国担当、勇为尖兵使命，", "着力增强科技创新策源功能。"])
    b = content_hash("标题乙", ["上海强化为国担当 勇为尖兵使命", "着力增强科技创新策源功能"])
    assert a == b
    assert a != content_hash("标题甲", ["上海强化为国担当。"])
    assert len(a) == 64


def test_content_hash_falls_back_to_the_title():
    assert content_hash("一图读懂", []) == content_hash("一图读懂！", [])
    assert content_hash("一图读懂", []) != content_hash("锚点", [])


def test_normalize_width_keeps_chinese_punctuation():
    assert normalize_width("ＡＩ＋制造\u3000２０２５年，“沪科”。") == "AI＋制造 2025年，“沪科”。"
