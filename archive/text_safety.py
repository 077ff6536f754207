"""Text that XML cannot carry: control characters stripped at every entry and every XML output.

XML 1.0 allows only tab, line feed, carriage return and the characters from
U+0020 on (less the surrogates, U+FFFE and U+FFFF); one stray U+0001 in a
title makes a whole Atom feed unparseable. Entry points (admin forms, the
import pipeline) call clean_text()/clean_value(), which also drop C1 controls
(U+0080-U+009F: in Chinese text they are only ever mojibake); XML writers
call xml_text()/xml_value() on whatever they emit, whatever is stored.
All functions are pure.
"""
import re
from collections.abc import Callable
from typing import Any

# C0 controls except tab, LF, CR; DEL; C1 controls; lone surrogates; the two non-characters XML forbids.
_ENTRY_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Exactly what XML 1.0 forbids (section 2.2, Char).
_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Return text without control characters (tab, line feed and carriage return are kept)."""
    return _ENTRY_RE.sub("", text)


def xml_text(text: str) -> str:
    """Return text without the characters XML 1.0 cannot carry."""
    return _XML_RE.sub("", text)


def _walk(value: Any, clean: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {_walk(k, clean): _walk(v, clean) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_walk(v, clean) for v in value)
    return value


def clean_value(value: Any) -> Any:
    """Return value with clean_text() applied to every string in it (lists, tuples, dicts included)."""
    return _walk(value, clean_text)


def xml_value(value: Any) -> Any:
    """Return value with xml_text() applied to every string in it (lists, tuples, dicts included)."""
    return _walk(value, xml_text)


def has_control(text: str) -> bool:
    """Return whether clean_text() would change text."""
    return bool(_ENTRY_RE.search(text))
