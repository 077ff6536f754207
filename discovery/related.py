"""More like this: articles sharing an article's most distinctive words."""
from haystack.query import SearchQuerySet

from archive.models import Article
from search.keywords import article_keywords
from discovery.service import load_articles

RELATED = 5


def related_articles(article: Article, *, limit: int = RELATED) -> list[Article]:
    """Return up to limit other articles, best match first, for an OR of the article's keywords."""
    words = article_keywords(article)
    if not words:
        return []
    query = " OR ".join(f'"{w}"' for w in words)
    hits = SearchQuerySet().models(Article).raw_search(query)[:limit + 1]
    pks = [int(hit.pk) for hit in hits if int(hit.pk) != article.pk][:limit]
    return load_articles(pks)
