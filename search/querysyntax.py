"""Turn what a researcher types into a Whoosh query.

Syntax: words (all must match), "exact phrase", OR, -exclude (or NOT),
title:word. Typed as a Chinese keyboard types it too: “…” ‘…’ 「…」 『…』
quote a phrase, full-width ＋ － ： （ ） are the operators, and OR/AND/NOT and
field prefixes are case-insensitive. A query made only of exclusions finds
everything else. Anything the parser cannot make sense of is retried as
plain words, and the caller is told so.
"""
import re
import threading
from collections.abc import Iterator
from typing import Any
from collections import OrderedDict
from dataclasses import dataclass, field

from whoosh import qparser, query

from search.analysis import is_han, query_terms
from search.synonyms import Added, SynonymTable, current_table, expand

SEARCH_FIELDS = ("title", "text", "docno")
FIELD_BOOSTS = {"title": 4.0, "text": 1.0, "docno": 10.0}
MAX_QUERY_CHARS = 500
OPERATORS = frozenset({"OR", "AND", "NOT"})
_CHUNK_RE = re.compile(r'"[^"]*"|\S+')
_EMPTY_FIELD_RE = re.compile(r"^(?:title|text|docno):$")
_FIELD_PREFIX_RE = re.compile(r"^([+-]?)(title|text|docno):", re.IGNORECASE)
_EXCLUSION_RE = re.compile(r"^-(?=\S)")
# Chinese quotation marks and full-width ASCII (＋ － ： （ ） ＂, letters, digits), folded.
_KEYBOARD: dict[int, Any] = {**{ord(c): '"' for c in "“”‘’「」『』＂"},
             **{code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if code != 0xFF02},
             0x3000: " "}
_UNUSED_PLUGINS = (qparser.WildcardPlugin, qparser.RangePlugin, qparser.BoostPlugin,
                   qparser.EveryPlugin)


@dataclass
class ParsedQuery:
    query: query.Query
    terms: list[str] = field(default_factory=list)
    fallback: bool = False
    truncated: bool = False
    added: list[Added] = field(default_factory=list)  # words searched with their synonyms

    @property
    def matches_all(self) -> bool:
        return isinstance(self.query, query.Every)


def make_parser(schema: Any) -> qparser.QueryParser:
    """Return the parser for user queries over the title, text and docno fields."""
    parser = qparser.MultifieldParser(list(SEARCH_FIELDS), schema, fieldboosts=FIELD_BOOSTS,
                                      group=qparser.AndGroup)
    for plugin in _UNUSED_PLUGINS:
        parser.remove_plugin_class(plugin)
    # + and - are operators only at the start of a word: AI+制造 and COVID-19 are words.
    parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+", minusexpr=r"(?<![^\s(])-"))
    return parser


def fold_keyboard(text: str) -> str:
    """Return text with Chinese quotes as '"' and full-width operators, letters and digits as ASCII."""
    return text.translate(_KEYBOARD)


_PARSED_CACHE_SIZE = 256
_parsed: OrderedDict = OrderedDict()
_parsed_lock = threading.Lock()


def parse_cached(text: str, schema: Any, parser: qparser.QueryParser | None = None, *,
                 synonyms: bool = True) -> ParsedQuery:
    """Return parse(text, schema, parser), with the synonyms unless told not to, remembering the last few queries.

    A search page needs the parsed query for its results, its terms to mark,
    and its notices: this makes all of them one parse.
    """
    table = current_table() if synonyms else None
    key = (text, id(schema), table.version if table else None)
    with _parsed_lock:
        if key in _parsed:
            _parsed.move_to_end(key)
            return _parsed[key]
    parsed = parse(text, schema, parser, synonyms=table)
    with _parsed_lock:
        _parsed[key] = parsed
        while len(_parsed) > _PARSED_CACHE_SIZE:
            _parsed.popitem(last=False)
    return parsed


def parse(text: str, schema: Any, parser: qparser.QueryParser | None = None, *,
          synonyms: SynonymTable | None = None) -> ParsedQuery:
    """Return a ParsedQuery for text, words OR'ed with their synonyms; an empty text matches every document."""
    text = fold_keyboard(text or "").strip()
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    if not text or text == "*":
        return ParsedQuery(query.Every(), truncated=truncated)
    parser = parser or make_parser(schema)
    tidy = tidy_query(text)
    fallback = tidy != " ".join(_canonical(c) for c in _CHUNK_RE.findall(text))
    if tidy is None:
        q, fallback = _plain_words(text), True
        return _finish(q, fallback, truncated, synonyms)
    if not tidy:
        return ParsedQuery(query.NullQuery, fallback=True, truncated=truncated)
    excluded = only_exclusions(tidy)
    try:
        q = parser.parse(excluded or tidy)
        if q is None or q is query.NullQuery or _has_errors(q):
            raise ValueError("unparseable")
    except Exception:  # the parser is lenient; anything it still rejects is retried as words
        q = _plain_words(text)
        fallback = True
    else:
        if excluded:
            q = query.AndNot(query.Every(), q)
    return _finish(q, fallback, truncated, synonyms)


def only_exclusions(tidy: str) -> str:
    """Return "a OR b" when tidy is only exclusions (-a -b, NOT a), else ""."""
    chunks = tidy.split(" ") if tidy else []
    words, i = [], 0
    while i < len(chunks):
        chunk = chunks[i]
        if chunk == "NOT" and i + 1 < len(chunks):
            words.append(chunks[i + 1])
            i += 2
        elif _EXCLUSION_RE.match(chunk):
            words.append(chunk[1:])
            i += 1
        else:
            return ""
    return " OR ".join(words)


def tidy_query(text: str) -> str | None:
    """Return text without operators and field prefixes that have nothing to act on.

    "机器人 OR" becomes "机器人", "title: 通知" becomes "通知", "OR OR 科技"
    becomes "科技"; None when a quote is left open (search it as plain words).
    """
    if text.count('"') % 2:
        return None
    kept = []
    for chunk in _CHUNK_RE.findall(text):
        chunk = _canonical(chunk)
        if _EMPTY_FIELD_RE.match(chunk):
            continue
        if chunk in ("OR", "AND") and (not kept or kept[-1] in OPERATORS):
            continue  # nothing on its left
        if chunk == "NOT" and kept and kept[-1] == "NOT":
            continue
        kept.append(chunk)
    while kept and kept[-1] in OPERATORS:
        kept.pop()  # nothing on its right
    return " ".join(kept)


def _canonical(chunk: str) -> str:
    """Return an operator in capitals and a field prefix in lower case (or -> OR, TITLE: -> title:)."""
    if chunk.upper() in OPERATORS:
        return chunk.upper()
    return _FIELD_PREFIX_RE.sub(lambda m: m.group(1) + m.group(2).lower() + ":", chunk)


def _finish(q: query.Query, fallback: bool, truncated: bool, synonyms: SynonymTable | None = None) -> ParsedQuery:
    added = []
    if synonyms is not None:
        q, added = expand(q, synonyms)
    q = q.accept(_widen_single_characters)
    terms = sorted({t.decode() if isinstance(t, bytes) else t
                    for f, t in _wanted_terms(q) if f in SEARCH_FIELDS}, key=len, reverse=True)
    terms += [c for c in _single_chars(q) if c not in terms]
    return ParsedQuery(q, terms=terms, fallback=fallback, truncated=truncated, added=added)


def _wanted_terms(q: query.Query) -> Iterator[tuple[str, str | bytes]]:
    """Yield (field, text) of the terms q looks for, leaving out the excluded ones."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from _wanted_terms(q.a)
        return
    if q.is_leaf():
        yield from q.iter_all_terms()
        return
    for child in q.children():
        yield from _wanted_terms(child)


def _has_errors(q: query.Query) -> bool:
    return any(isinstance(node, query.Query) and node.__class__.__name__ == "ErrorQuery"
               for node in q.leaves()) or q.__class__.__name__ == "ErrorQuery"


def _plain_words(text: str) -> query.Query:
    words = query_terms(text)
    if not words:
        return query.NullQuery
    return query.And([query.Or([query.Term(f, w, boost=FIELD_BOOSTS[f]) for f in SEARCH_FIELDS])
                      for w in words])


def _widen_single_characters(node: query.Query) -> query.Query:
    """Match a one-character Chinese term inside longer words too (芯 finds 芯片)."""
    if isinstance(node, query.Term) and node.fieldname in ("title", "text"):
        text = node.text.decode() if isinstance(node.text, bytes) else node.text
        if len(text) == 1 and is_han(text):
            return query.Wildcard(node.fieldname, f"*{text}*", boost=node.boost)
    return node


def _single_chars(q: query.Query) -> list[str]:
    out = []
    for node in q.leaves():
        if isinstance(node, query.Wildcard):
            text = node.text.strip("*")
            if text and text not in out:
                out.append(text)
    return out
