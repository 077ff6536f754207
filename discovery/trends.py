"""Attention over time: articles per month for the top sources, as counts and as shares.

The share is the matching articles of a source in a month divided by all
that source published that month, so a researcher sees attention, not volume.
"""
from dataclasses import dataclass, field

from django.utils.translation import gettext as _, ngettext

from discovery import charts
from search.keywords import RESULT_SAMPLE, characteristic_terms
from discovery.service import iter_articles, parse_terms, totals
from discovery.state import SearchState

TOP_SOURCES = 5
TOP_TERMS = 30


@dataclass
class Series:
    name: str
    total: int
    counts: list  # per month
    shares: list  # per month, None when the source published nothing that month
    url: str = ""
    count_chart: object = None
    share_chart: object = None


@dataclass
class Report:
    state: object
    count: int
    months: list
    series: list
    overall: Series
    terms: list = field(default_factory=list)
    sampled: int = 0

    @property
    def rows(self):
        """Return the data table: per month, each series' count and share (as text)."""
        columns = [*self.series, self.overall]
        return [{"month": month, "cells": [
            {"count": s.counts[i], "share": None if s.shares[i] is None else f"{s.shares[i]:.1%}"}
            for s in columns]} for i, month in enumerate(self.months)]


def _month_counts(state, today):
    return dict(totals(state, params=("month",), today=today)[1]["month"])


def _series(name, state, baseline, months, today, url):
    matched = _month_counts(state, today)
    everything = _month_counts(baseline, today)
    counts = [matched.get(m, 0) for m in months]
    shares = [matched.get(m, 0) / everything[m] if everything.get(m) else None for m in months]
    return Series(name, sum(counts), counts, shares, url)


def _share_label(name):
    def label(month, value):
        return _("%(name)s，%(month)s：%(share)s") % {
            "name": name, "month": charts.month_name(month), "share": f"{value:.1%}"}
    return label


def _count_label(name):
    def label(month, value):
        return ngettext("%(name)s，%(month)s：%(n)s 篇", "%(name)s，%(month)s：%(n)s 篇", value) % {
            "name": name, "month": charts.month_name(month), "n": value}
    return label


def _draw(series, months, state, *, max_count, max_share):
    narrowed = state.replace(source=(series.name,)) if series.url else state
    series.count_chart = charts.bar_chart(
        list(zip(months, series.counts)), max_value=max_count, label=_count_label(series.name),
        url=lambda month, _v: narrowed.month_query(month))
    series.share_chart = charts.bar_chart(
        [(m, s or 0) for m, s in zip(months, series.shares)], max_value=max_share,
        label=_share_label(series.name))


def attention(state, *, today=None, top=TOP_SOURCES):
    """Return the Report of monthly counts and shares for the top sources of state's results."""
    count, counts = totals(state, params=("source", "month"), today=today)
    ranked = [(name, n) for name, n in counts["source"] if n and (not state.source or name in state.source)]
    month_keys = sorted(m for m, n in counts["month"] if n)
    months = charts.month_span(month_keys[0], month_keys[-1]) if month_keys else []
    dates = {"date_from": state.date_from, "date_to": state.date_to}
    series = [
        _series(name, state.replace(source=(name,)), SearchState(source=(name,), **dates), months, today,
                url=state.query_string(source=(name,)))
        for name, _n in ranked[:top]
    ]
    overall = _series(_("全部来源"), state, SearchState(**dates), months, today, url="")
    max_count = max([n for s in series for n in s.counts] + [0])
    max_share = max([x or 0 for s in [*series, overall] for x in s.shares] + [0])
    for s in series:
        _draw(s, months, state, max_count=max_count, max_share=max_share)
    _draw(overall, months, state, max_count=max(overall.counts + [0]), max_share=max_share)
    return Report(state=state, count=count, months=months, series=series, overall=overall)


def report(state, *, today=None):
    """Return the trends Report of state with its top terms (from a sample of the results)."""
    result = attention(state, today=today)
    sample = list(iter_articles(state, limit=RESULT_SAMPLE, today=today))
    result.sampled = len(sample)
    result.terms = characteristic_terms(sample, exclude=set(parse_terms(state.q)), limit=TOP_TERMS)
    for term in result.terms:
        term.url = state.query_string(q=f"{state.q} {term.word}".strip())
    return result


def as_json(report):
    """Return the Report as plain JSON values."""
    def series(s):
        return {"source": s.name, "total": s.total, "counts": s.counts,
                "shares": [None if x is None else round(x, 4) for x in s.shares]}

    return {
        "count": report.count,
        "months": report.months,
        "series": [series(s) for s in report.series],
        "overall": series(report.overall) | {"source": None},
        "terms": [{"term": t.word, "docs": t.docs, "score": round(t.score, 4)} for t in report.terms],
        "terms_sample": report.sampled,
    }
