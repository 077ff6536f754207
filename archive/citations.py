"""How to cite an article: a GB/T 7714-2015 reference, BibTeX and RIS (pure)."""
import re
from dataclasses import dataclass
from datetime import date

from archive.models import Article, Source

MAX_AUTHORS = 3  # GB/T 7714-2015 8.1.2: list three, then "等"
_MARKER_RE = re.compile(r"^(?:【[^】]*】\s*)+")
_SPACE_RE = re.compile(r"\s+")
_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
                   "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_BIBTEX_RE = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
ARCHIVE_NAME = "长三角科技政策资讯库"


@dataclass
class Reference:
    """The facts a citation needs, read once from an article."""

    authors: list[str]
    title: str
    doc_number: str
    published: date
    accessed: date
    url: str
    newspaper: str  # set when the article is a newspaper story without a web address
    source: str
    topics: list[str]
    record_id: int


def _line(text: str | None) -> str:
    return _SPACE_RE.sub(" ", text or "").strip()


def reference(article: Article, *, accessed: date, permalink: str) -> Reference:
    """Return the Reference of an article: a notice is authored by its issuing bodies, else its source.

    A newspaper story has no known author: the paper is where it appeared, not who wrote it,
    so every format leaves the author out (GB/T 7714 writes 佚名) and names the paper as the container.
    """
    is_document = bool(article.doc_number and article.issuing_bodies)
    newspaper = article.source.name if article.source.kind == Source.Kind.NEWSPAPER and not article.url else ""
    authors = list(article.issuing_bodies) if is_document else ([] if newspaper else [article.source.name])
    return Reference(
        authors=authors,
        title=_line(_MARKER_RE.sub("", article.title)) or _line(article.title),
        doc_number=article.doc_number if is_document else "",
        published=article.published,
        accessed=accessed,
        url=article.url or permalink,
        newspaper=newspaper,
        source=article.source.name,
        topics=sorted(t.name for t in article.topics.all()),
        record_id=article.pk,
    )


def gbt7714(ref: Reference) -> str:
    """Return the GB/T 7714-2015 reference: 作者. 题名[EB/OL]. (发布日期)[引用日期]. URL."""
    authors = ref.authors[:MAX_AUTHORS]
    author_text = ", ".join(authors) + (", 等" if len(ref.authors) > MAX_AUTHORS else "")
    title = ref.title + (f": {ref.doc_number}" if ref.doc_number else "")
    if ref.newspaper:
        return f"{author_text or '佚名'}. {title}[N]. {ref.newspaper}, {ref.published.isoformat()}."
    return (f"{author_text}. {title}[EB/OL]. ({ref.published.isoformat()})"
            f"[{ref.accessed.isoformat()}]. {ref.url}.")


def _bibtex(text: str) -> str:
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group()], _line(text))


def bibtex(ref: Reference) -> str:
    """Return a BibTeX entry (@article for a newspaper story, else @misc); corporate authors are braced."""
    fields = [("author", " and ".join("{" + _bibtex(a) + "}" for a in ref.authors))] if ref.authors else []
    fields += [
        ("title", "{" + _bibtex(ref.title) + "}"),
        ("journal" if ref.newspaper else "howpublished", _bibtex(ref.newspaper or ref.source)),
        ("year", str(ref.published.year)),
        ("month", _MONTHS[ref.published.month - 1]),
        ("date", ref.published.isoformat()),
    ]
    if not ref.newspaper:
        fields += [("url", ref.url.replace("{", "%7B").replace("}", "%7D")),
                   ("urldate", ref.accessed.isoformat())]
    if ref.doc_number:
        fields.append(("number", _bibtex(ref.doc_number)))
    if ref.topics:
        fields.append(("keywords", _bibtex(", ".join(ref.topics))))
    fields += [("note", _bibtex(ARCHIVE_NAME)), ("language", "chinese")]
    body = ",\n".join(f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}"
                      for name, value in fields)
    entry = "article" if ref.newspaper else "misc"
    return f"@{entry}{{yrd{ref.record_id}_{ref.published.year},\n{body}\n}}\n"


def _ris_date(day: date) -> str:
    return day.strftime("%Y/%m/%d/")


def ris(ref: Reference) -> str:
    """Return a RIS record (one "TAG  - value" per line, CRLF, ending with ER)."""
    lines = [("TY", "NEWS" if ref.newspaper else "ELEC")]
    lines += [("AU", a) for a in ref.authors]
    lines += [("TI", ref.title), ("PY", str(ref.published.year)), ("DA", _ris_date(ref.published))]
    lines.append(("T2" if ref.newspaper else "PB", ref.newspaper or ref.source))
    if ref.doc_number:
        lines.append(("M1", ref.doc_number))
    if not ref.newspaper:
        lines += [("UR", ref.url), ("Y2", _ris_date(ref.accessed))]
    lines += [("KW", t) for t in ref.topics]
    lines += [("DB", ARCHIVE_NAME), ("LA", "zh"), ("ER", "")]
    return "".join(f"{tag}  - {_line(value)}\r\n" for tag, value in lines)
