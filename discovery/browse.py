"""The browse pages' lists: sources, topics and cited documents, with counts that match search."""
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q

from archive.ingest.extract import issuer_of_number
from archive.models import Article, Source, Topic
from discovery.service import totals
from discovery.state import SearchState

_SEARCHABLE = Q(articles__status=Article.Status.PUBLISHED, articles__is_empty=False)


@dataclass
class DocumentRow:
    number: str
    cited_by: int
    issuer: str
    url: str  # the search for articles citing it
    article: Article | None = None  # the document itself, when the archive holds it


def sources() -> list[Source]:
    """Return every source holding searchable articles, with their count, first and last date; most articles first."""
    return list(Source.objects.annotate(
        count=Count("articles", filter=_SEARCHABLE),
        first=Min("articles__published", filter=_SEARCHABLE),
        last=Max("articles__published", filter=_SEARCHABLE),
    ).filter(count__gt=0).order_by("-count", "name"))  # a source with nothing searchable leads nowhere


def topics() -> list[Topic]:
    """Return every topic with its searchable article count; most articles first."""
    return list(Topic.objects.annotate(count=Count("articles", filter=_SEARCHABLE)).order_by("-count", "name"))


def documents() -> list[DocumentRow]:
    """Return a DocumentRow per document number cited or held, most cited first."""
    _count, counts = totals(SearchState(), params=("cites",))
    cited = dict(counts["cites"])
    held = {}
    for article in (Article.objects.with_body().exclude(doc_number="")
                    .only("pk", "title", "doc_number", "published").order_by("published", "pk")):
        held.setdefault(article.doc_number, article)
    rows = [DocumentRow(number, cited.get(number, 0), issuer_of_number(number),
                        SearchState(cites=(number,)).query_string(), held.get(number))
            for number in set(cited) | set(held)]
    return sorted(rows, key=lambda row: (-row.cited_by, row.number))
