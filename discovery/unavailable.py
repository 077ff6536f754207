"""Answer 503, with a clear message, when the search index cannot be read."""
from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from search.backends.base import IndexUnavailable

log = logging.getLogger(__name__)
RETRY_AFTER = "60"


class IndexUnavailableMiddleware:
    """Turn IndexUnavailable from any page into a 503; the rest of the site keeps working."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, IndexUnavailable):
            return None
        log.error("search unavailable for %s: %s", request.path, exception)
        message = _("检索暂时不可用：索引正在修复，请稍后再试。")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"error": "search_unavailable", "message": message},
                                                  status=503)
        else:
            response = render(request, "discovery/unavailable.html",
                              {"heading": _("检索暂时不可用"), "message": message}, status=503)
        response["Retry-After"] = RETRY_AFTER
        return response
