"""Site-wide request handling: the chosen interface language, and a busy database answered with 503."""
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


class ChosenLanguageMiddleware:
    """Activate the language saved by the switch (cookie), else LANGUAGE_CODE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DatabaseBusyMiddleware:
    """Answer 503 with a clear message when SQLite stayed locked past its wait (a long import's write).

    Nothing was written: the request's transaction was rolled back. Other
    database errors are not this one's business and stay errors.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not (isinstance(exception, OperationalError) and "database is locked" in str(exception)):
            return None
        log.warning("database busy for %s %s: %s", request.method, request.path, exception)
        message = _("档案库正在写入大批数据（例如导入），这次请求未能完成，什么也没有保存。")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"error": "database_busy", "message": message}, status=503)
        else:
            response = render(request, "busy.html", {"heading": _("档案库正忙"), "message": message}, status=503)
        response["Retry-After"] = "30"
        return response
