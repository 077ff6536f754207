"""Facet, histogram, relaxed and set-aside counts as Elasticsearch aggregations, read back as Whoosh gives them."""
from collections.abc import Iterable, Mapping
from typing import Any

FACET_SIZE = 10_000


def facet_aggregations(filters: Mapping[str, Any], facets: Iterable[str], date_free_facets: Iterable[str],
                       set_aside: list[dict[str, Any]] | tuple[()] = ()) -> dict[str, Any]:
    """Return the aggregations for what the Whoosh backend's search() counts.

    They count the hits before post_filter, each under the filters it needs: a facet
    every filter but its own; a date-free facet (the month histogram) also not the
    date range; a relaxed count every filter but one ("*": none).
    """
    def others(*left_out: str, counted: bool = False) -> dict[str, Any]:
        kept: dict[str, list[Any]] = {"filter": [f for key, f in filters.items() if key not in left_out]}
        if counted and set_aside:  # documents set aside (no body text) are not counted in facets
            kept["must_not"] = list(set_aside)
        return {"bool": kept}

    aggs = {name: {"meta": {"_type": "archive_terms", "field": name}, "filter": others(name, counted=True),
                   "aggs": {"values": {"terms": {"field": name, "size": FACET_SIZE}}}}
            for name in facets}
    for name in date_free_facets:
        aggs[f"without_dates:{name}"] = {
            "meta": {"_type": "archive_without_dates", "field": name},
            "filter": others(name, "published", counted=True),
            "aggs": {"values": {"terms": {"field": name, "size": FACET_SIZE}}}}
    if set_aside:
        aggs["aside"] = {"meta": {"_type": "archive_aside", "field": "count"},
                         "filter": {"bool": {"filter": [*filters.values(), {"bool": {"should": set_aside}}]}}}
    for name in [*filters, "*"]:
        aggs[f"relaxed:{name}"] = {"meta": {"_type": "archive_relaxed", "field": name},
                                   "filter": others(*(filters if name == "*" else [name]), counted=True)}
    return aggs


def facet_counts(aggregations: Mapping[str, Any]) -> dict[str, Any]:
    """Return haystack's facets dict plus "without_dates" and "relaxed", as the Whoosh backend does."""
    counts: dict[str, Any] = {"fields": {}, "dates": {}, "queries": {}, "without_dates": {}, "relaxed": {}}
    for agg in aggregations.values():
        kind, field = agg["meta"]["_type"].removeprefix("archive_"), agg["meta"]["field"]
        counts.setdefault("fields" if kind == "terms" else kind, {})[field] = (
            [(b["key"], b["doc_count"]) for b in agg["values"]["buckets"]] if "values" in agg else agg["doc_count"])
    return counts
