"""Synonyms that editors manage (archive.SynonymGroup), applied to a parsed query in both directions.

Each word of a query, and each run of terms jieba split a word into, that
is a member of a group is OR'ed with the group's other members (one term:
a Term; several: a Phrase). Quoted phrases are left as typed. The table is
read from the database once and kept until a group is saved or deleted
(search.signals) or RELOAD_SECONDS pass (another worker's save); parsed
queries are cached with the table's version, so a page's expansion is
computed once and costs no search.
"""
from __future__ import annotations

import threading
from typing import Any
import time
from dataclasses import dataclass, field

from whoosh import query as wq

from search.analysis import query_terms

RELOAD_SECONDS = 30.0
SEARCH_FIELDS = ("title", "text", "docno")  # as search.querysyntax, which imports this module


class SynonymOr(wq.Or):
    """A query word OR'ed with its synonyms: the first subquery is the word as typed."""


@dataclass(frozen=True)
class Added:
    """What a query word was widened with, for the page: 同时检索：人工智能."""

    word: str
    synonyms: tuple


@dataclass(frozen=True)
class SynonymTable:
    version: int = 0
    groups: tuple = ()  # the members as written, group by group
    # term sequence -> (member as written, [(other member as written, its terms)])
    members: dict = field(default_factory=dict)
    longest: int = 1

    @classmethod
    def from_groups(cls, groups: list[list[str]], version: int) -> SynonymTable:
        """Return the table of groups of terms (each group a list of the members as written)."""
        members = {}
        for group in groups:
            keyed = [(word, tuple(query_terms(word))) for word in group]
            keyed = [(word, terms) for word, terms in keyed if terms]
            for word, terms in keyed:
                members.setdefault(terms, (word, [(w, t) for w, t in keyed if t != terms]))
        longest = max((len(k) for k in members), default=1)
        return cls(version=version, groups=tuple(map(tuple, groups)), members=members, longest=longest)


_lock = threading.Lock()
_state: dict[str, Any] = {"table": None, "loaded": 0.0, "version": 0}


def current_table() -> SynonymTable:
    """Return the active synonym groups, read again after a change or RELOAD_SECONDS."""
    with _lock:
        table = _state["table"]
        if table is not None and time.monotonic() - _state["loaded"] < RELOAD_SECONDS:
            return table
    groups = _read_groups()
    with _lock:
        if groups is None:  # no database here (or not yet migrated): no synonyms, try again next time
            return _state["table"] or SynonymTable()
        table = _state["table"]
        if table is None or table.groups != tuple(map(tuple, groups)):
            _state["version"] += 1
            table = SynonymTable.from_groups(groups, _state["version"])
        _state["table"], _state["loaded"] = table, time.monotonic()
        return table


def forget() -> None:
    """Read the groups again before the next query (a group was saved or deleted)."""
    with _lock:
        _state["loaded"] = 0.0


def _read_groups() -> list[list[str]] | None:
    try:
        from archive.models import SynonymGroup

        return [g.term_list for g in SynonymGroup.objects.active().order_by("pk")]
    except Exception:  # noqa: BLE001 - database unavailable: search on without synonyms
        return None


def expand(q: wq.Query, table: SynonymTable) -> tuple[wq.Query, list[Added]]:
    """Return q with every member of a group OR'ed with the others, and what was added."""
    added: dict[str, Added] = {}
    if not table.members:
        return q, []
    return _expand(q, table, added), list(added.values())


def _expand(q: wq.Query, table: SynonymTable, added: dict[str, Added]) -> wq.Query:
    if isinstance(q, (wq.Phrase, SynonymOr)):
        return q
    if isinstance(q, wq.Term) and q.fieldname in SEARCH_FIELDS:
        return _widen([q], table, added) or q
    if isinstance(q, wq.And) and q.subqueries and all(
            isinstance(s, wq.Term) and s.fieldname in SEARCH_FIELDS for s in q.subqueries):
        return _expand_run(q, table, added)
    if q.is_leaf():
        return q
    return q.apply(lambda child: _expand(child, table, added))


def _expand_run(q: wq.Query, table: SynonymTable, added: dict[str, Added]) -> wq.Query:
    """Widen the members inside a word jieba split (长三角一体化 -> 长三角 / 一体化), longest first."""
    terms = q.subqueries
    out, i = [], 0
    while i < len(terms):
        for size in range(min(table.longest, len(terms) - i), 0, -1):
            widened = _widen(terms[i:i + size], table, added)
            if widened is not None:
                out.append(widened)
                i += size
                break
        else:
            out.append(terms[i])
            i += 1
    return out[0] if len(out) == 1 else wq.And(out, boost=q.boost)


def _widen(run: list[wq.Term], table: SynonymTable, added: dict[str, Added]) -> wq.Query | None:
    key = tuple(_text(t.text) for t in run)
    found = table.members.get(key)
    if found is None:
        return None
    word, others = found
    fieldname, boost = run[0].fieldname, run[0].boost
    typed = run[0] if len(run) == 1 else wq.And(list(run))
    alternatives = [wq.Term(fieldname, terms[0], boost=boost) if len(terms) == 1
                    else wq.Phrase(fieldname, list(terms), boost=boost) for _, terms in others]
    added.setdefault(word, Added(word, tuple(w for w, _ in others)))
    return SynonymOr([typed, *alternatives])


def _text(value: str | bytes) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
