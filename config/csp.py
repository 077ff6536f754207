"""The Content-Security-Policy of every response (django-csp), with inline styles allowed in the admin only.

The researchers' pages load scripts and styles only from static/ files. Django's
admin and its widgets (a change list's inline <style>, simple-history's
paginator, select2's positioning) still write some inline styles, so its pages
get 'unsafe-inline' for styles; scripts stay 'self' everywhere.
"""
from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class ArchiveCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request: HttpRequest, response: HttpResponse,
                         report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(reverse("admin:index")):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts
