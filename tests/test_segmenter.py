"""The compiled segmenter (rjieba) gives jieba's terms; without it the archive cuts with jieba."""
import importlib.util
import sys

import pytest

from archive.models import Article
from search import analysis
from search.search_indexes import ArticleIndex
from search.segmenter import chosen, load_segmenter

pytestmark = pytest.mark.django_db

HAS_RJIEBA = importlib.util.find_spec("rjieba") is not None


@pytest.fixture
def restore_segmenter(monkeypatch):
    """Put the process's segmenter back after a test that switches it."""
    monkeypatch.setattr(analysis, "_segmenter", analysis.get_segmenter())


def fixture_texts():
    """Return the fields the index tokenizes for every article imported from fixtures/."""
    index = ArticleIndex()
    texts = []
    for article in Article.objects.select_related("source").order_by("pk"):
        texts.append(article.title)
        texts.append(index.prepare_text(article))
    assert len(texts) > 200
    return texts


def all_terms(texts):
    return [(analysis.tokenize(text, mode="index"), analysis.query_terms(text)) for text in texts]


def test_segmenter_is_chosen_by_the_environment():
    assert chosen({}) == "auto"
    assert chosen({"ARCHIVE_SEGMENTER": " JIEBA "}) == "jieba"
    with pytest.raises(ValueError, match="use one of: auto, jieba, rjieba"):
        chosen({"ARCHIVE_SEGMENTER": "ltp"})


@pytest.mark.skipif(not HAS_RJIEBA, reason="rjieba is not installed here (pip install rjieba): "
                                            "only the jieba fallback is tested")
def test_rjieba_gives_jieba_terms_for_every_fixture_document(restore_segmenter):
    import rjieba

    texts = fixture_texts()
    assert analysis.use_segmenter("jieba").name == "jieba"
    expected = all_terms(texts)
    assert analysis.use_segmenter("rjieba").name == "rjieba"
    got = all_terms(texts)
    for text, want, have in zip(texts, expected, got):
        assert have == want, text[:60]
    # The difference the segmenter neutralises: jieba-rs's HMM keeps a Latin run whole.
    urls = [text for text in texts if "svc.stcsm.sh.gov.cn" in text]
    assert urls
    assert "svc.stcsm.sh.gov.cn" in rjieba.cut(analysis.normalize(urls[0]))
    assert "svc.stcsm.sh.gov.cn" not in analysis.query_terms(urls[0])
    assert {"svc", "stcsm", "gov"} <= set(analysis.query_terms(urls[0]))


def test_without_rjieba_tokenize_cuts_with_jieba(monkeypatch, restore_segmenter):
    texts = fixture_texts()[:40]
    reference = load_segmenter(analysis.get_jieba(), analysis.DICT_PATH, "jieba")
    monkeypatch.setattr(analysis, "_segmenter", reference)
    expected = all_terms(texts)

    monkeypatch.setitem(sys.modules, "rjieba", None)  # import rjieba now fails
    monkeypatch.setenv("ARCHIVE_SEGMENTER", "auto")
    monkeypatch.setattr(analysis, "_segmenter", None)  # a fresh segmenter
    assert analysis.get_segmenter().name == "jieba"
    assert all_terms(texts) == expected
    assert analysis.query_terms("上海集成电路产业") == ["上海", "集成电路", "产业"]

    monkeypatch.setenv("ARCHIVE_SEGMENTER", "rjieba")
    with pytest.raises(RuntimeError, match="rjieba is not installed"):
        analysis.use_segmenter(None)
