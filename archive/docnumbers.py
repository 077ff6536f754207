"""Policy document numbers (发文字号): the one place they are recognised and normalised.

沪科合〔2026〕1号, 国科发监〔2023〕167号. Typed or scraped with other brackets
(（2026）, [2026], 【2026】), spaces, or a zero-padded serial (01号), they are
the same number: `canonical` gives the one form the import stores, the
tokenizer indexes and the admin searches. Pure functions; callers fold
full-width forms first (archive.ingest.text.normalize_width, or NFKC).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_OPEN, _CLOSE = "〔［【\\[﹝(（", "〕］】\\]﹞)）"
DOC_NUMBER_RE = re.compile(
    rf"(?P<issuer>[\u4e00-\u9fff]{{1,10}})\s*[{_OPEN}]\s*(?P<year>(?:19|20)\d{{2}})\s*[{_CLOSE}]"
    rf"\s*(?P<serial>\d{{1,5}})\s*号")
# The issuer run can swallow the words citing it: "根据国发〔2025〕11号", "市政府的沪府发〔2022〕11号".
_CITING_RE = re.compile(r"^.*(?:根据|依据|按照|依照|参照|对照|关于|印发|转发|发布|详见|参见|落实|的)")
_LEADING_RE = re.compile(r"^(?:见|据|按|照|将|和|与|及|或|即|为|是|在|由|以)+")


@dataclass(frozen=True)
class DocNumber:
    """A number found in a text: where it stands (issuer to 号) and its canonical form."""

    start: int
    end: int
    number: str


def _issuer(raw: str) -> str:
    issuer = _CITING_RE.sub("", raw) or raw
    return _LEADING_RE.sub("", issuer) or issuer


def _found(match: re.Match) -> DocNumber:
    issuer = _issuer(match["issuer"])
    start = match.start("issuer") + len(match["issuer"]) - len(issuer)
    return DocNumber(start, match.end(), f"{issuer}〔{match['year']}〕{int(match['serial'])}号")


def find_numbers(text: str) -> list[DocNumber]:
    """Return every document number in text, in order, with its span."""
    return [_found(m) for m in DOC_NUMBER_RE.finditer(text)]


def find_doc_numbers(text: str) -> list[str]:
    """Return the canonical numbers in text, in order of first appearance, without repeats."""
    numbers: list[str] = []
    for found in find_numbers(text):
        if found.number not in numbers:
            numbers.append(found.number)
    return numbers


def whole_number(text: str) -> str:
    """Return the canonical number when text is exactly one document number, else ""."""
    match = DOC_NUMBER_RE.fullmatch(text.strip())
    return _found(match).number if match else ""


def normalize_doc_number(text: str) -> str:
    """Return text's canonical number when it is one, else text stripped."""
    return whole_number(text) or text.strip()
