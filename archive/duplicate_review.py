"""How a duplicate group is shown to editors: exact copies or similar texts, and where members differ.

A group found by the same canonical URL or body hash is copies of one record;
anything else is only similar. Two calls for applications can share 96% of
their text (a programme's 2026 guide and its 2025 edition) and still be two
real articles: when members of a similar group differ in title, date,
document number or deadline, nothing is checked for merging by default and
the differences are marked. Pure: article-like objects in, plain values out.
"""
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from archive.merging import normalize
from archive.models import Article

COMPARED = {
    "title": _("标题"),
    "published": _("发布日期"),
    "doc_number": _("发文字号"),
    "deadline": _("申报截止日期"),
}


@dataclass
class Row:
    """One member of a group as the duplicates page shows it."""

    article: object
    title_html: SafeString
    differs: dict = field(default_factory=dict)  # field name -> this row's value differs from the kept one
    checked: bool = False  # checked for merging by default


@dataclass
class Review:
    exact: bool
    differing: list  # names of COMPARED fields whose (known) values differ among the members
    rows: list
    preselect: bool  # whether the kept article and the others are chosen by default

    @property
    def differing_labels(self) -> list[str]:
        return [COMPARED[name] for name in self.differing]


def _key(name: str, value: object) -> object:
    """Return what counts when comparing a field: titles and numbers without punctuation or spacing."""
    if value in (None, ""):
        return None  # unknown is not a difference: a reprint may leave out the number
    return normalize(value) if isinstance(value, str) else value


def differing_fields(articles: Sequence[Article]) -> list[str]:
    """Return the COMPARED fields on which two members have different known values."""
    names = []
    for name in COMPARED:
        keys = {_key(name, getattr(a, name)) for a in articles} - {None}
        if len(keys) > 1:
            names.append(name)
    return names


def mark_differences(text: str, reference: str) -> SafeString:
    """Return text escaped, with the runs not found in reference wrapped in <mark>."""
    out = []
    matcher = difflib.SequenceMatcher(None, reference, text, autojunk=False)
    for op, _i1, _i2, j1, j2 in matcher.get_opcodes():
        piece = escape(text[j1:j2])
        if piece:
            out.append(piece if op == "equal" else f"<mark>{piece}</mark>")
    return mark_safe("".join(out))


def review(articles: Sequence[Article], keep: Article, *, exact: bool) -> Review:
    """Return how to show a group: its rows, what differs, and whether keep and the others are pre-chosen."""
    differing = differing_fields(articles)
    preselect = exact or not differing
    others = [a for a in articles if a.pk != keep.pk]
    rows = []
    for article in articles:
        reference = keep if article.pk != keep.pk else (others[0] if others else keep)
        title = (mark_differences(article.title, reference.title) if "title" in differing
                 else mark_safe(escape(article.title)))
        differs = {name: name in differing and _key(name, getattr(article, name)) is not None
                   and _key(name, getattr(article, name)) != _key(name, getattr(reference, name))
                   for name in COMPARED}
        rows.append(Row(article=article, title_html=title, differs=differs,
                        checked=preselect and article.pk != keep.pk))
    return Review(exact=exact, differing=differing, rows=rows, preselect=preselect)
