"""Document numbers are recognised by one module: import, tokenizer and admin agree."""
import pytest

from archive.docnumbers import find_doc_numbers, normalize_doc_number, whole_number
from archive.ingest.extract import find_doc_numbers as extract_numbers
from search.analysis import query_terms, tokenize


@pytest.mark.parametrize("typed", ["沪科合〔2026〕1号", "沪科合（2026）1号", "沪科合(2026)01号", "沪科合[2026]1号",
                                   "沪科合【2026】1号", "沪科合 〔 2026 〕 1 号"])
def test_every_way_of_writing_a_number_is_one_number(typed):
    assert whole_number(typed) == "沪科合〔2026〕1号"
    assert extract_numbers(f"根据{typed}文件") == ["沪科合〔2026〕1号"]
    assert "沪科合〔2026〕1号" in query_terms(typed)


def test_the_import_and_the_index_keep_the_same_form_of_a_zero_padded_number():
    text = "按照国科发监〔2023〕0167号要求"
    assert extract_numbers(text) == ["国科发监〔2023〕167号"]
    assert [t for t, *_ in tokenize(text, mode="index") if "〔" in t] == ["国科发监〔2023〕167号"]


def test_citing_words_are_not_part_of_the_issuer():
    assert find_doc_numbers("根据国发〔2025〕11号和市政府的沪府发〔2022〕11号") == ["国发〔2025〕11号", "沪府发〔2022〕11号"]


def test_text_that_is_not_a_number_is_left_as_typed():
    assert normalize_doc_number(" 沪科合 ") == "沪科合"
    assert whole_number("2026年1号") == ""
