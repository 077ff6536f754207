"""The article page."""
from django.shortcuts import get_object_or_404, render

from archive.models import Article
from search import snippets


def article_detail(request, pk):
    """Show one article in paragraphs, with the searched terms marked."""
    article = get_object_or_404(Article.objects.select_related("source").prefetch_related("topics"), pk=pk)
    terms = [t for t in request.GET.getlist("hl") if t][:20]
    paragraphs = [snippets.highlight(p, terms) for p in article.paragraphs]
    return render(request, "archive/article_detail.html", {
        "article": article,
        "title_html": snippets.highlight(article.title, terms),
        "paragraphs": paragraphs,
        "topics": sorted(article.topics.all(), key=lambda t: t.name),
    })
