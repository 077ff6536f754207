"""Citations: GB/T 7714-2015, BibTeX and RIS, exact strings."""
import datetime

import pytest

from archive.models import Source
from archive import citations
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ACCESSED = datetime.date(2026, 3, 1)
URL = "https://mp.weixin.qq.com/s?__biz=MzA3Mzg1NzkxMQ==&mid=2650224675&idx=1&sn=0ef7"


def ref(article):
    return citations.reference(article, accessed=ACCESSED, permalink=f"https://archive.example/articles/{article.pk}/")


def test_wechat_article_is_cited_as_an_online_resource_by_its_account():
    article = make_article("【直播间】上海科技周开幕", "正文。", source="上海科技", published="2026-02-04", url=URL)
    assert citations.gbt7714(ref(article)) == (
        f"上海科技. 上海科技周开幕[EB/OL]. (2026-02-04)[2026-03-01]. {URL}.")


def test_a_numbered_notice_is_authored_by_its_issuing_bodies_with_its_number():
    article = make_article("【通知】关于公布2025年度上海市科技小巨人（含培育）企业名单的通知", "正文。",
                           source="上海科技", published="2026-02-04", url=URL, doc_number="沪科合〔2026〕1号",
                           issuing_bodies=["上海市科学技术委员会", "上海市经济和信息化委员会", "上海市财政局"])
    assert citations.gbt7714(ref(article)) == (
        "上海市科学技术委员会, 上海市经济和信息化委员会, 上海市财政局. "
        "关于公布2025年度上海市科技小巨人（含培育）企业名单的通知: 沪科合〔2026〕1号[EB/OL]. "
        f"(2026-02-04)[2026-03-01]. {URL}.")


def test_more_than_three_bodies_end_with_deng():
    article = make_article("联合通知", "正文。", doc_number="沪科合〔2025〕27号", url=URL,
                           issuing_bodies=["甲委员会", "乙厅", "丙厅", "丁厅"])
    assert citations.gbt7714(ref(article)).startswith("甲委员会, 乙厅, 丙厅, 等. 联合通知: 沪科合〔2025〕27号[EB/OL].")


def test_a_newspaper_story_without_address_is_cited_as_a_newspaper():
    Source.objects.create(name="测试日报", kind=Source.Kind.NEWSPAPER)
    article = make_article("长三角科创共同体建设提速", "正文。", source="测试日报", published="2026-03-15")
    assert citations.gbt7714(ref(article)) == "佚名. 长三角科创共同体建设提速[N]. 测试日报, 2026-03-15."


def test_an_article_without_address_is_cited_by_its_permalink():
    article = make_article("无链接文章", "正文。", source="某网站", published="2025-05-06")
    assert citations.gbt7714(ref(article)).endswith(f"[2026-03-01]. https://archive.example/articles/{article.pk}/.")


def test_bibtex_entry_braces_corporate_authors_and_escapes_specials():
    article = make_article("100% 成果 & 转化_{test}", "正文。", source="上海科技", published="2026-02-04",
                           url=URL, doc_number="沪科〔2026〕18号", issuing_bodies=["上海市科学技术委员会"])
    assert citations.bibtex(ref(article)) == (
        f"@misc{{yrd{article.pk}_2026,\n"
        "  author = {{上海市科学技术委员会}},\n"
        r"  title = {{100\% 成果 \& 转化\_\{test\}}}," "\n"
        "  howpublished = {上海科技},\n"
        "  year = {2026},\n"
        "  month = feb,\n"
        "  date = {2026-02-04},\n"
        f"  url = {{{URL}}},\n"
        "  urldate = {2026-03-01},\n"
        "  number = {沪科〔2026〕18号},\n"
        "  note = {长三角科技政策资讯库},\n"
        "  language = {chinese}\n"
        "}\n")


def test_ris_record_has_one_tag_per_line_and_ends_with_er():
    article = make_article("标题\n换行", "正文。", source="上海科技", published="2026-02-04", url=URL)
    assert citations.ris(ref(article)).split("\r\n") == [
        "TY  - ELEC", "AU  - 上海科技", "TI  - 标题 换行", "PY  - 2026", "DA  - 2026/02/04/", "PB  - 上海科技",
        f"UR  - {URL}", "Y2  - 2026/03/01/", "DB  - 长三角科技政策资讯库", "LA  - zh", "ER  - ", ""]


def test_a_newspaper_story_names_the_paper_as_container_never_as_author_in_every_format():
    Source.objects.update_or_create(name="安徽日报", defaults={"kind": Source.Kind.NEWSPAPER})
    article = make_article("合肥科创走廊提速", "正文。", source="安徽日报", published="2026-03-12")
    reference = ref(article)
    assert citations.gbt7714(reference) == "佚名. 合肥科创走廊提速[N]. 安徽日报, 2026-03-12."
    bib = citations.bibtex(reference)
    assert bib.startswith(f"@article{{yrd{article.pk}_2026,\n")
    assert "author" not in bib
    assert "  journal = {安徽日报},\n" in bib
    lines = citations.ris(reference).split("\r\n")
    assert lines[0] == "TY  - NEWS" and "T2  - 安徽日报" in lines
    assert not [line for line in lines if line.startswith("AU  -")]
