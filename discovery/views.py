"""Thin views: read the URL into a state, call one function, render."""
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.templatetags.static import static
from django.urls import reverse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from discovery import apidoc, browse, cite_exports, exports, feeds, trends
from discovery.advanced import AdvancedSearchForm
from discovery.forms import ArchiveSearchForm
from discovery.presentation import api_payload, chips, search_context
from discovery.service import run_search
from discovery.state import EXPORT_BODY_PARAM, ExportOptions, SearchState

JSON_OPTIONS = {"json_dumps_params": {"ensure_ascii": False}}


def _state(request: HttpRequest) -> tuple[ArchiveSearchForm, SearchState | None]:
    form = ArchiveSearchForm(request.GET)
    if form.is_valid():
        return form, SearchState.from_cleaned(form.cleaned_data)
    return form, None


def _bad_request(form: ArchiveSearchForm) -> JsonResponse:
    return JsonResponse({"error": "invalid parameters", "fields": form.url_errors()}, status=400, **JSON_OPTIONS)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """Render the search page; no query browses everything, newest first."""
    form, state = _state(request)
    if state is None:
        return render(request, "discovery/search.html", {"form": form, "errors": form.labelled_errors()},
                      status=400)
    page = run_search(state)
    if page.past_end:  # a page beyond the end (an old bookmark): show the last one instead
        return redirect(request.path + state.query_string(page=page.num_pages))
    return render(request, "discovery/search.html", {"form": form, **search_context(page)})


@require_safe
def search_api(request: HttpRequest) -> JsonResponse:
    """Return the search results, count and facets as JSON (see DESIGN.md)."""
    form, state = _state(request)
    if state is None:
        return _bad_request(form)
    return JsonResponse(api_payload(run_search(state)), **JSON_OPTIONS)


def _export(request: HttpRequest, fmt: str, content_type: str) -> HttpResponseBase:
    form, state = _state(request)
    if state is None:
        return _bad_request(form)
    try:
        options = ExportOptions.from_query(request.GET)
    except ValueError:
        return JsonResponse({"error": "invalid parameters", "fields": {EXPORT_BODY_PARAM: ["0 or 1"]}},
                            status=400, **JSON_OPTIONS)
    count, chunks = exports.export(state, fmt=fmt, base_url=_base_url(request), body=options.body)
    response = StreamingHttpResponse(chunks, content_type=content_type)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="archive-search-{stamp}.{fmt}"'
    response["X-Result-Count"] = str(count)
    response["X-Export-Limit"] = str(exports.EXPORT_LIMIT)
    response["X-Export-Truncated"] = "true" if count > exports.EXPORT_LIMIT else "false"
    return response


@require_safe
def export_csv(request: HttpRequest) -> HttpResponseBase:
    """Stream the whole result set as CSV (UTF-8 with BOM)."""
    return _export(request, "csv", "text/csv; charset=utf-8")


@require_safe
def export_json(request: HttpRequest) -> HttpResponseBase:
    """Stream the whole result set as JSON."""
    return _export(request, "json", "application/json; charset=utf-8")


@require_safe
def cite_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """Download the citations of the marked results (id=…) or of the whole result set."""
    form, state = _state(request)
    ids = cite_exports.marked_ids(request.GET.getlist("id"))
    if state is None or ids is None:
        fields = form.url_errors() if state is None else {"id": ["not an article id"]}
        return JsonResponse({"error": "invalid parameters", "fields": fields}, status=400, **JSON_OPTIONS)
    content_type, extension = cite_exports.FORMATS[fmt]
    count, chunks = cite_exports.cite_export(state, ids, fmt=fmt, accessed=timezone.localdate(),
                                             base_url=_base_url(request))
    response = StreamingHttpResponse(chunks, content_type=content_type)
    stamp = timezone.localdate().strftime("%Y%m%d")
    disposition = "inline" if fmt == "gbt" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="archive-citations-{stamp}.{extension}"'
    response["X-Result-Count"] = str(count)
    return response


@require_safe
def feed_atom(request: HttpRequest) -> HttpResponse:
    """Return an Atom feed of the newest articles matching the search."""
    form, state = _state(request)
    if state is None:
        return _bad_request(form)
    feed = feeds.atom_feed(state, base_url=_base_url(request), feed_url=request.build_absolute_uri())
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@require_safe
def calendar_ics(request: HttpRequest) -> HttpResponse:
    """Return an iCalendar of the application deadlines in the search."""
    form, state = _state(request)
    if state is None:
        return _bad_request(form)
    text = feeds.calendar(state, base_url=_base_url(request), host=request.get_host())
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    return response


@require_safe
def trends_page(request: HttpRequest) -> HttpResponse:
    """Render attention over time and the top terms of the search."""
    form, state = _state(request)
    if state is None:
        return render(request, "discovery/trends.html", {"errors": form.labelled_errors()}, status=400)
    return render(request, "discovery/trends.html", {"report": trends.report(state), "state": state,
                                                   "chips": chips(state),
                                                   "clear_all_url": state.cleared().query_string()})


@require_safe
def trends_api(request: HttpRequest) -> JsonResponse:
    """Return the trends of the search as JSON."""
    form, state = _state(request)
    if state is None:
        return _bad_request(form)
    report = trends.report(state)
    return JsonResponse(trends.as_json(report), **JSON_OPTIONS)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Send browsers asking for /favicon.ico (feeds, JSON pages) to the site's icon."""
    return redirect(static("favicon.svg"), permanent=True)


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    """Explain the query syntax, the URL parameters and the API."""
    return render(request, "discovery/help.html", {"openapi_text": apidoc.openapi_text(_base_url(request)),
                                                "columns": exports.COLUMNS,
                                                "export_limit": exports.EXPORT_LIMIT})


@require_safe
def openapi_json(request: HttpRequest) -> JsonResponse:
    """Return the OpenAPI description of the API."""
    return JsonResponse(apidoc.openapi(_base_url(request)), **JSON_OPTIONS)


@require_safe
def sources_page(request: HttpRequest) -> HttpResponse:
    """List every source with its article count, date range and region."""
    return render(request, "discovery/browse/sources.html", {"sources": browse.sources()})


@require_safe
def topics_page(request: HttpRequest) -> HttpResponse:
    """List every topic with its article count and description."""
    return render(request, "discovery/browse/topics.html", {"topics": browse.topics()})


@require_safe
def documents_page(request: HttpRequest) -> HttpResponse:
    """List the document numbers cited in the archive, most cited first."""
    return render(request, "discovery/browse/documents.html", {"documents": browse.documents()})


@require_safe
def advanced_search(request: HttpRequest) -> HttpResponse:
    """Show the advanced search form; submitted, send to the search page with the composed query."""
    form = AdvancedSearchForm(request.GET or None, sources=[s.name for s in browse.sources()])
    if form.submitted and form.is_valid():
        return redirect(reverse("discovery:search") + form.state().query_string())
    return render(request, "discovery/advanced.html", {"form": form})
