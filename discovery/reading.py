"""What the article page shows besides the text: links into the search, citations, related articles."""
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar

from django.urls import reverse

from archive.models import Article
from search.backends.base import IndexUnavailable
from archive import citations
from discovery import snippets
from discovery.facet_table import display_value
from discovery.related import related_articles
from discovery.service import count_for
from discovery.state import SearchState

MAX_HIGHLIGHT_TERMS = 20
T = TypeVar("T")


def search_url(**filters: Any) -> str:
    """Return the search page URL for a state made of filters."""
    return reverse("discovery:search") + SearchState(**filters).query_string()


def article_context(article: Article, *, terms: Iterable[str], base_url: str, today: date) -> dict[str, Any]:
    """Return the template context of the article page."""
    terms = [t for t in terms if t][:MAX_HIGHLIGHT_TERMS]
    permalink = base_url.rstrip("/") + article.get_absolute_url()
    held = {a.doc_number: a for a in Article.objects.with_body()
            .filter(doc_number__in=[*article.cited_numbers, article.doc_number]).exclude(pk=article.pk)
            .only("pk", "title", "doc_number")}
    ref = citations.reference(article, accessed=today, permalink=permalink)
    own_number = article.doc_number
    return {
        "article": article,
        "title_html": snippets.highlight(article.title, terms),
        "paragraphs": [snippets.highlight(p, terms) for p in article.paragraphs],
        "permalink": permalink,
        "source_url": search_url(source=(article.source.name,)),
        "kind": {"label": display_value("kind", article.kind), "url": search_url(kind=(article.kind,))},
        "topics": [{"name": t.name, "url": search_url(topic=(t.name,))}
                   for t in sorted(article.topics.all(), key=lambda t: t.name)],
        "regions": [{"name": display_value("region", r), "url": search_url(region=(r,))}
                    for r in article.region_list],
        "issuers": [{"name": b, "url": search_url(issuer=(b,))} for b in article.issuing_bodies or []],
        "doc_number": own_number and {
            "number": own_number, "url": search_url(cites=(own_number,)),
            "cited_by": _or_none(lambda: count_for(SearchState(cites=(own_number,)), today=today))},
        "cited": [{"number": n, "url": search_url(cites=(n,)), "article": held.get(n)}
                  for n in article.cited_numbers or []],
        "deadline_open": bool(article.deadline and article.deadline >= today),
        "citation": citations.gbt7714(ref),
        "related": (_or_none(lambda: related_articles(article)) or []) if article.is_searchable else [],
        "highlighted": terms,
    }


def _or_none(compute: Callable[[], T]) -> T | None:
    """Return compute(), or None while the search index cannot be read: the article still shows."""
    try:
        return compute()
    except IndexUnavailable:
        return None
