"""Thin views: read the URL into a state, run one search, render."""
from django.http import JsonResponse
from django.shortcuts import render

from search.forms import ArchiveSearchForm
from search.presentation import search_context
from search.service import run_search
from search.state import SearchState


def _state(request):
    form = ArchiveSearchForm(request.GET)
    if form.is_valid():
        return form, SearchState.from_cleaned(form.cleaned_data)
    return form, None


def search_page(request):
    """Render the search page; no query browses everything, newest first."""
    form, state = _state(request)
    if state is None:
        return render(request, "search/search.html", {"form": form, "errors": form.url_errors()},
                      status=400)
    page = run_search(state)
    return render(request, "search/search.html", {"form": form, **search_context(page)})


def search_api(request):
    """Return the search results, count and facets as JSON (see DESIGN.md)."""
    form, state = _state(request)
    if state is None:
        return JsonResponse({"error": "invalid parameters", "fields": form.url_errors()}, status=400)
    page = run_search(state)
    return JsonResponse({
        "count": page.count,
        "page": page.page,
        "num_pages": page.num_pages,
        "query_retried_as_words": page.fallback,
        "results": [
            {key: (str(value) if key == "snippet" else value)
             for key, value in item.items() if key != "title_html"}
            for item in page.results
        ],
        "facets": {param: [{"value": f["value"], "count": f["count"]} for f in values]
                   for param, values in page.facets.items()},
    }, json_dumps_params={"ensure_ascii": False})
