"""The concrete indices behind an Elasticsearch alias: their names, and deleting them all.

A rebuild writes `<alias>-<stamp>-<6 hex>` and moves the alias to it; only names of
exactly that shape belong to an alias, so `archive` never claims `archive-test-…`'s
indices (another alias that starts with the same letters).
"""
from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from elasticsearch import NotFoundError


def build_name(alias: str) -> str:
    """Return a new concrete index name for alias: `<alias>-<local stamp>-<6 hex>`."""
    return f"{alias}-{time.strftime('%Y%m%dt%H%M%S')}-{uuid.uuid4().hex[:6]}"


def is_build_of(alias: str, name: str) -> bool:
    """Whether name is a concrete index that build_name(alias) made."""
    return re.fullmatch(re.escape(alias) + r"-\d{8}t\d{6}-[0-9a-f]{6}", name) is not None


def index_names(call: Callable[..., Any], **kwargs: Any) -> list[str]:
    """Return the sorted index names an indices API call answers; none when it finds none."""
    try:
        return sorted(call(**kwargs))
    except NotFoundError:
        return []


def builds_of(conn: Any, alias: str) -> list[str]:
    """Return the concrete indices built for alias, oldest first."""
    return [name for name in index_names(conn.indices.get, index=f"{alias}-*") if is_build_of(alias, name)]


def delete_index(conn: Any, alias: str) -> list[str]:
    """Delete every index built for alias (the alias goes with them), or a plain index named alias.

    Returns the names deleted.
    """
    names = builds_of(conn, alias)
    if conn.indices.exists(index=alias) and not conn.indices.exists_alias(name=alias):
        names.append(alias)
    for name in names:
        conn.indices.delete(index=name, ignore=404)
    return names
