"""Automatic topic tagging from keyword rules (pure)."""
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import TypeVar

Key = TypeVar("Key")


@lru_cache(maxsize=1024)
def _keyword_re(keyword: str) -> re.Pattern[str]:
    """Return a pattern for keyword; Latin keywords match whole words only (AI, not "said")."""
    escaped = re.escape(keyword.lower())
    if keyword.isascii():
        return re.compile(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])")
    return re.compile(escaped)


def match_topics(*, title: str, body: str, rules: Mapping[Key, Iterable[str]]) -> list[Key]:
    """Return the topic keys whose keywords the article is about.

    rules maps a topic key to its keywords. A topic matches when a keyword
    is in the title, or keywords occur at least twice in the body: one
    passing mention does not make an article about a topic.
    """
    title_l, body_l = title.lower(), body.lower()
    matched = []
    for key, keywords in rules.items():
        patterns = [_keyword_re(k.strip()) for k in keywords if k.strip()]
        if any(p.search(title_l) for p in patterns) or \
                sum(len(p.findall(body_l)) for p in patterns) >= 2:
            matched.append(key)
    return matched
