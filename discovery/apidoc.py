"""The OpenAPI description of the search API and its siblings, as data for /api/openapi.json and /help/."""
import json
from typing import Any

from discovery.cite_exports import CITE_LIMIT, MAX_MARKED
from discovery.exports import BODY_COLUMN, COLUMNS, EXPORT_LIMIT
from discovery.facet_table import CHOICE_FILTERS, FACETS, VALUE_FILTERS, FacetSpec
from discovery.forms import MAX_PAGE, MAX_QUERY, MAX_VALUE_CHARS, MAX_VALUES
from discovery.service import SERVICE_SORT_LIMIT
from discovery.state import DEFAULT_PER_PAGE, FACET_SORTS, PER_PAGE_CHOICES, SORTS


_LIST = {"type": "array", "items": {"type": "string", "maxLength": MAX_VALUE_CHARS}, "maxItems": MAX_VALUES}


def _facet_parameter(spec: FacetSpec) -> dict[str, Any]:
    """Return the description of a facet's URL parameter: repeatable values, or one of its choices."""
    if spec.value_filter:
        return {"name": spec.param, "schema": _LIST, "style": "form", "explode": True, "description": spec.doc}
    return {"name": spec.param, "schema": {"type": "string", "enum": list(spec.value_labels)}, "description": spec.doc}


PARAMETERS = [
    {"name": "q", "schema": {"type": "string", "maxLength": MAX_QUERY}, "description": (
        'Query: words (all must match), "exact phrase", OR, -exclude, title:word. '
        "Unparseable input is retried as plain words (query_retried_as_words: true).")},
    *(_facet_parameter(spec) for spec in VALUE_FILTERS),
    {"name": "from", "schema": {"type": "string", "format": "date"},
     "description": "Published on or after (YYYY-MM-DD)."},
    {"name": "to", "schema": {"type": "string", "format": "date"},
     "description": "Published on or before (YYYY-MM-DD)."},
    *(_facet_parameter(spec) for spec in CHOICE_FILTERS),
    {"name": "literal", "schema": {"type": "string", "enum": ["1"]},
     "description": "1: search the words as typed, without the editors' synonyms (同义词)."},
    {"name": "empty", "schema": {"type": "string", "enum": ["1"]}, "description": (
        "1: include articles without body text in browsing, facets and exports too. Without it "
        "they are found by their title only, listed after the others (has_body: false) and not counted in facets.")},
    {"name": "sort", "schema": {"type": "string", "enum": list(SORTS)},
     "description": ("Default: relevance with a query, newest without. source and title order the whole "
                     f"result set when it has at most {SERVICE_SORT_LIMIT} results, else newest first.")},
    {"name": "page", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
     "description": "Page of per_page results."},
    {"name": "per_page", "schema": {"type": "integer", "enum": list(PER_PAGE_CHOICES),
                                    "default": DEFAULT_PER_PAGE}, "description": "Results per page."},
    {"name": "facet_sort", "schema": {"type": "string", "enum": list(FACET_SORTS), "default": "count"},
     "description": "Order of the facet values on the page: by count (default) or by name."},
]
PAGE_ONLY = ("page", "per_page", "facet_sort")
MARKED_IDS = {"name": "id", "in": "query", "required": False, "style": "form", "explode": True,
              "schema": {"type": "array", "items": {"type": "integer"}, "maxItems": MAX_MARKED},
              "description": "Marked articles to cite; without id, the whole result set of the other parameters."}


EXPORT_PARAMETERS = [
    {"name": "body", "schema": {"type": "string", "enum": ["0", "1"]},
     "description": f"1: each row also carries the article's full text ({BODY_COLUMN!r}, paragraphs separated by a "
                    "blank line)."},
]


def _parameters() -> list[dict[str, Any]]:
    return [{"in": "query", "required": False, **param} for param in PARAMETERS]


FACET = {"type": "array", "items": {"type": "object", "required": ["value", "count"], "properties": {
    "value": {"type": "string"}, "count": {"type": "integer"}}}}
RESULT = {"type": "object", "properties": {
    "id": {"type": "integer"},
    "title": {"type": "string"},
    "source": {"type": "string"},
    "published": {"type": "string", "format": "date"},
    "url": {"type": "string", "description": "The original address (may be empty)."},
    "permalink": {"type": "string", "description": "This archive's stable address of the article."},
    "topics": {"type": "array", "items": {"type": "string"}},
    "regions": {"type": "array", "items": {"type": "string"}},
    "kind": {"type": "string"},
    "doc_number": {"type": "string", "description": "The article's own document number, if any."},
    "issuing_bodies": {"type": "array", "items": {"type": "string"}},
    "cited_numbers": {"type": "array", "items": {"type": "string"}},
    "deadline": {"type": ["string", "null"], "format": "date", "description": "Application deadline."},
    "snippet": {"type": "string", "description": "HTML: matches in <mark>, everything else escaped."},
    "has_body": {"type": "boolean", "description": "False: the body is empty or only boilerplate (found by title)."},
}}
SEARCH_RESPONSE = {"type": "object", "required": ["count", "page", "results", "facets"], "properties": {
    "count": {"type": "integer", "description": "Results in the whole result set."},
    "page": {"type": "integer"},
    "num_pages": {"type": "integer"},
    "query_retried_as_words": {"type": "boolean"},
    "results": {"type": "array", "items": RESULT},
    "facets": {"type": "object", "description": (
        "Counts per value. Each facet is counted with every filter except its own, so values "
        "in one facet combine with OR; selected values are listed even at 0. month counts "
        "ignore from/to; deadline gives open and any."),
        "properties": {spec.param: FACET if spec.parameter else {**FACET, "description": spec.doc}
                       for spec in FACETS}},
}}
ERROR = {"type": "object", "properties": {"error": {"type": "string"}, "fields": {
    "type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}


def openapi(server_url: str = "/") -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of /api/search, the exports and the feeds."""
    params = _parameters()
    bad = {"description": "Invalid parameters", "content": {"application/json": {"schema": ERROR}}}
    filters_only = [p for p in params if p["name"] not in PAGE_ONLY]
    export_params = filters_only + [{"in": "query", "required": False, **p} for p in EXPORT_PARAMETERS]
    return {
        "openapi": "3.1.0",
        "info": {"title": "Yangtze Delta Sci-Tech Policy Archive API", "version": "1.0",
                 "description": "Every endpoint takes the search page's parameters; the URL is the whole state."},
        "servers": [{"url": server_url}],
        "paths": {
            "/api/search": {"get": {
                "summary": "One page of results with counts for every facet",
                "parameters": params,
                "responses": {"200": {"description": "Results", "content": {
                    "application/json": {"schema": SEARCH_RESPONSE}}}, "400": bad}}},
            "/export.csv": {"get": {
                "summary": f"The whole result set as CSV (UTF-8 with BOM), at most {EXPORT_LIMIT} rows",
                "description": (f"Columns: {', '.join(COLUMNS)}. Lists are joined with '; '. Headers "
                                "X-Result-Count, X-Export-Limit and X-Export-Truncated; a capped export "
                                "ends with a row starting '# truncated'. body=1 adds a last column, body."),
                "parameters": export_params,
                "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}}, "400": bad}}},
            "/export.json": {"get": {
                "summary": f"The whole result set as JSON, at most {EXPORT_LIMIT} rows",
                "description": "{count, limit, truncated, query, results: [...], exported}; body=1 adds body "
                               "(the full text) to each result.",
                "parameters": export_params,
                "responses": {"200": {"description": "JSON", "content": {"application/json": {}}},
                              "400": bad}}},
            **{f"/cite.{ext}": {"get": {
                "summary": f"{label} of the marked articles or of the whole result set (at most {CITE_LIMIT})",
                "parameters": [*filters_only, MARKED_IDS],
                "responses": {"200": {"description": label, "content": {media: {}}}, "400": bad}}}
               for ext, label, media in (("bib", "BibTeX", "application/x-bibtex"),
                                         ("ris", "RIS", "application/x-research-info-systems"),
                                         ("txt", "GB/T 7714-2015 reference list", "text/plain"))},
            "/feed.atom": {"get": {
                "summary": "Atom feed of the newest matching articles",
                "parameters": filters_only,
                "responses": {"200": {"description": "Atom", "content": {"application/atom+xml": {}}},
                              "400": bad}}},
            "/calendar.ics": {"get": {
                "summary": "iCalendar of the application deadlines in the result set",
                "parameters": filters_only,
                "responses": {"200": {"description": "iCalendar", "content": {"text/calendar": {}}},
                              "400": bad}}},
            "/api/trends": {"get": {
                "summary": "Articles per month for the top 5 sources, as counts and shares, and top terms",
                "parameters": filters_only,
                "responses": {"200": {"description": "Trends", "content": {"application/json": {}}},
                              "400": bad}}},
        },
    }


def openapi_text(server_url: str = "/") -> str:
    """Return the OpenAPI document as indented JSON text, for reading on the help page."""
    return json.dumps(openapi(server_url), ensure_ascii=False, indent=2)
