"""A query that is exactly an account's or a newspaper's name ranks what came from it first.

A researcher who types 新华社 or 上海发布 alone means the articles that
account published or that were reprinted from it (the original outlet a
reprint names), not every article that quotes it in passing. Those
articles hold the name once, in their source line, so BM25F ranks them
after texts that repeat it; here the matches published by the account
(the `source` field) or reprinted from it (`outlet`) come before all other
matches, in the order they already had.

Only the whole query counts (quotes and surrounding spaces aside): a name
among other words is one word of a longer query and is ranked as such.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from search.analysis import normalize
from search.querysyntax import fold_keyboard

FIELDS = ("source", "outlet")


def typed_name(query_string: str) -> str:
    """Return the query as a name could be written: keyboard-folded, unquoted, normalised."""
    text = fold_keyboard(query_string or "").strip()
    if len(text) > 1 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    return normalize(text)


def named_mask(snap: Any, query_string: str) -> np.ndarray | None:
    """Return the documents published by, or reprinted from, the account the query names; None if none."""
    name = typed_name(query_string)
    if not name or '"' in name:
        return None
    mask = None
    for field in FIELDS:
        if field not in snap.reader.schema:
            continue
        values = snap.names(field).get(name)
        if values:
            found = snap.value_mask(field, values)
            mask = found if mask is None else mask | found
    return mask


def rank_named_first(snap: Any, query_string: str, matched: np.ndarray,
                     score: np.ndarray | None) -> np.ndarray | None:
    """Return score with the query's account's matches above every other match (None: unscored)."""
    if score is None or not matched.any():
        return score
    named = named_mask(snap, query_string)
    if named is None:
        return score
    first = named & matched
    if not first.any() or first.sum() == matched.sum():
        return score
    out = score.astype(np.float64)
    low, high = float(out[matched].min()), float(out[matched].max())
    out[first] += high - low + 1.0
    return out
