"""Synonyms editors manage: both directions, never inside a phrase, said on the page, one search."""
import pytest
from django.urls import reverse

from archive.admin.synonyms import SynonymGroupForm
from archive.ingest.extract import issuer_aliases, normalize_issuing_body
from archive.models import SynonymGroup
from discovery.service import run_search
from discovery.state import SearchState
from search import synonyms
from search.analysis import normalize
from search.indexing import backend
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(temp_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_article("人工智能产业规划", "推动人工智能赋能制造。", published="2026-01-02")
        make_article("AI芯片新品", "国产AI芯片发布。", published="2026-01-01")
        make_article("长江三角洲协同", "长江三角洲区域合作。", published="2025-12-01")
    synonyms.forget()


def titles(**state):
    return sorted(r["title"] for r in run_search(SearchState(**state)).results)


def test_a_synonym_pair_finds_both_spellings_in_both_directions(corpus):
    assert titles(q="AI") == ["AI芯片新品", "人工智能产业规划"]
    assert titles(q="人工智能") == ["AI芯片新品", "人工智能产业规划"]
    assert titles(q="长三角") == ["长江三角洲协同"]


def test_literal_searches_the_word_only(corpus):
    assert titles(q="AI", literal=True) == ["AI芯片新品"]
    assert SearchState(q="AI", literal=True).query_string() == "?q=AI&literal=1"


def test_never_inside_a_quoted_phrase(corpus):
    assert titles(q='"AI 芯片"') == ["AI芯片新品"]
    assert backend().parse_query('"人工智能 赋能"').added == []


def test_the_page_says_what_was_added_and_links_to_the_literal_word(corpus, client):
    html = client.get(reverse("discovery:search"), {"q": "AI"}).content.decode()
    assert "“AI”同时检索：人工智能" in html
    assert 'href="?q=AI&amp;literal=1"' in html
    assert "同时检索" not in client.get(reverse("discovery:search"), {"q": "AI", "literal": "1"}).content.decode()
    api = client.get(reverse("discovery:api"), {"q": "AI"}).json()
    assert api["synonyms_added"] == {"AI": ["人工智能"]}


def test_expansion_is_cached_per_query_and_adds_no_search(corpus, monkeypatch):
    assert backend().parse_query("AI") is backend().parse_query("AI")
    calls = []
    original = type(backend()).search
    monkeypatch.setattr(type(backend()), "search", lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    page = run_search(SearchState(q="AI"))
    assert page.count == 2 and len(calls) == 1


def test_an_editors_new_group_applies_from_the_next_query(corpus):
    assert titles(q="芯片") == ["AI芯片新品"]
    group = SynonymGroup.objects.create(terms="芯片\n制造")
    assert titles(q="芯片") == ["AI芯片新品", "人工智能产业规划"]
    pk = group.pk
    group.delete()
    assert titles(q="芯片") == ["AI芯片新品"]
    assert SynonymGroup.history.filter(id=pk).count() == 2  # created, deleted


def test_admin_form_refuses_a_term_already_in_another_group():
    form = SynonymGroupForm(data={"terms": "ai\n机器智能", "active": True})
    assert not form.is_valid() and "已在其他同义词组中" in str(form.errors)
    assert not SynonymGroupForm(data={"terms": "单独", "active": True}).is_valid()
    assert SynonymGroupForm(data={"terms": "机器智能\n智能机器", "active": True}).is_valid()


def test_issuing_body_normalisation_and_synonym_table_agree():
    groups = [g.term_list for g in SynonymGroup.objects.active()]
    assert len(groups) >= 10
    group_of = {normalize(t): i for i, g in enumerate(groups) for t in g}
    for group in groups:
        bodies = {normalize_issuing_body(t) for t in group} - {""}
        assert len(bodies) <= 1, f"one synonym group, several issuing bodies: {group} -> {bodies}"
    for short, full in issuer_aliases().items():
        if normalize(short) in group_of and normalize(full) in group_of:
            assert group_of[normalize(short)] == group_of[normalize(full)], (short, full)
        for body in (short, full):
            if normalize(body) in group_of:  # a body in the table is grouped with its full name
                assert group_of.get(normalize(normalize_issuing_body(body))) in (None, group_of[normalize(body)])
