"""Canonical forms of article URLs."""
import html
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

_WECHAT_HOST = "mp.weixin.qq.com"
_WECHAT_KEYS = ("__biz", "mid", "idx", "sn")


def _split(url: str) -> SplitResult:
    # Scraped links often arrive HTML-escaped ("&amp;mid=").
    return urlsplit(html.unescape(url.strip()))


def _pieces(query: str) -> list[str]:
    """Return the query's "key=value" pieces, values left encoded."""
    return [piece for piece in query.split("&") if piece]


def _key(piece: str) -> str:
    return piece.partition("=")[0]


def canonical_wechat_url(url: str | None) -> str:
    """Return url without volatile parts: for WeChat articles only __biz, mid, idx and sn."""
    if not url:
        return ""
    parts = _split(url)
    if parts.scheme.lower() not in ("http", "https"):
        return ""  # javascript:, data: and the like must never become a link
    pieces = _pieces(parts.query)
    if parts.hostname == _WECHAT_HOST:
        by_key = {_key(piece): piece for piece in pieces}
        query = "&".join(by_key[key] for key in _WECHAT_KEYS if key in by_key)
        return urlunsplit(("https", _WECHAT_HOST, parts.path, query, ""))
    query = "&".join(piece for piece in pieces if not _key(piece).startswith("utm_"))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def wechat_biz(url: str | None) -> str:
    """Return the __biz (WeChat account id) of url, or ""."""
    if not url:
        return ""
    for piece in _pieces(_split(url).query):
        key, _, value = piece.partition("=")
        if key == "__biz":
            return unquote(value)
    return ""
