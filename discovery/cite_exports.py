"""Citations of a whole result set, or of the results a researcher marked: BibTeX, RIS, GB/T 7714 list."""
from collections.abc import Iterable, Iterator
from datetime import date

from archive import citations
from archive.citations import Reference
from archive.models import Article
from discovery.service import count_for, iter_articles, load_articles
from discovery.state import SearchState

CITE_LIMIT = 5_000  # a reference list longer than this is not a reference list
MAX_MARKED = 500
FORMATS = {
    "bib": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "gbt": ("text/plain; charset=utf-8", "txt"),
}


def marked_ids(values: list[str]) -> list[int] | None:
    """Return the article ids of the repeatable id parameter, in order; None when one is not a number."""
    ids = []
    for value in values:
        if not value.strip().isdigit():
            return None
        pk = int(value)
        if pk not in ids:
            ids.append(pk)
    return ids[:MAX_MARKED]


def _references(articles: Iterable[Article], *, accessed: date, base_url: str) -> Iterator[Reference]:
    for article in articles:
        yield citations.reference(article, accessed=accessed,
                                  permalink=base_url.rstrip("/") + article.get_absolute_url())


def render(refs: Iterable[Reference], fmt: str) -> Iterator[str]:
    """Yield the citations of refs in fmt: BibTeX entries, RIS records, or a numbered GB/T 7714 list."""
    for i, ref in enumerate(refs, 1):
        if fmt == "bib":
            yield citations.bibtex(ref) + "\n"
        elif fmt == "ris":
            yield citations.ris(ref)
        else:
            yield f"[{i}] {citations.gbt7714(ref)}\n"


def articles_for(state: SearchState, ids: list[int] | None, *, today: date | None = None,
                 ) -> tuple[int, Iterator[Article]]:
    """Return (count, articles): the marked ones (still public) when ids are given, else the result set."""
    if ids:
        public = set(Article.objects.searchable().filter(pk__in=ids).values_list("pk", flat=True))
        chosen = [pk for pk in ids if pk in public]
        return len(chosen), iter(load_articles(chosen))
    count = count_for(state, today=today)
    return count, iter_articles(state, limit=CITE_LIMIT, today=today)


def cite_export(state: SearchState, ids: list[int] | None, *, fmt: str, accessed: date,
                base_url: str) -> tuple[int, Iterator[str]]:
    """Return (count, text chunks) of the citations of the marked results or of the whole result set."""
    count, articles = articles_for(state, ids, today=accessed)
    return count, render(_references(articles, accessed=accessed, base_url=base_url), fmt)
