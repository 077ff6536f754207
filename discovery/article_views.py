"""The article page and its citation downloads."""
from urllib.parse import urlsplit

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from archive.models import Article
from archive import citations
from archive.citations import Reference
from discovery.reading import article_context


def _article(pk: int) -> Article:
    """Return the article to show: hidden ones are gone; a duplicate sends to its original."""
    return get_object_or_404(Article.objects.select_related("source", "duplicate_of")
                             .prefetch_related("topics").exclude(status=Article.Status.HIDDEN), pk=pk)


def _back_url(request: HttpRequest) -> str:
    """Return the results page the visitor came from (same site only), else the search page."""
    referer = urlsplit(request.headers.get("Referer", ""))
    search_paths = (reverse("discovery:home"), reverse("discovery:search"))
    if referer.netloc == request.get_host() and referer.path in search_paths:
        return referer.path + ("?" + referer.query if referer.query else "")
    return reverse("discovery:search")


@require_safe
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one article in paragraphs, with the searched terms marked."""
    article = _article(pk)
    if article.status == Article.Status.DUPLICATE and article.duplicate_of_id:
        return redirect(article.kept_article(), permanent=False)  # merges can be undone
    return render(request, "discovery/article_detail.html", {"back_url": _back_url(request), **article_context(
        article, terms=request.GET.getlist("hl"), base_url=request.build_absolute_uri("/"),
        today=timezone.localdate())})


def _citation(request: HttpRequest, pk: int, render_reference: Callable[[Reference], str], content_type: str,
              extension: str) -> HttpResponse:
    article = _article(pk)
    ref = citations.reference(article, accessed=timezone.localdate(),
                              permalink=request.build_absolute_uri(article.get_absolute_url()))
    response = HttpResponse(render_reference(ref), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="article-{article.pk}.{extension}"'
    return response


@require_safe
def article_bibtex(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the article's BibTeX entry."""
    return _citation(request, pk, citations.bibtex, "application/x-bibtex; charset=utf-8", "bib")


@require_safe
def article_ris(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the article's RIS record."""
    return _citation(request, pk, citations.ris, "application/x-research-info-systems; charset=utf-8", "ris")
