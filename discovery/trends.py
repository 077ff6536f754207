"""Attention over time: articles per month for the top sources, as counts and as shares.

The share is the matching articles of a source in a month divided by all
that source published that month, so a researcher sees attention, not volume.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _, ngettext

from discovery import charts
from discovery.charts import Chart
from search.keywords import RESULT_SAMPLE, Term, characteristic_terms
from discovery.service import iter_articles, parse_terms, totals
from discovery.state import SearchState

TOP_SOURCES = 5
TOP_TERMS = 30
# Words of policy prose that say nothing about a topic (verbs, adverbs, connectives): over the whole
# archive they are the most "characteristic" by share x idf, so they are never shown as terms.
GENERIC_WORDS = frozenset("""
场景 形成 有关 布局 进一步 强化 促进 协同 持续 加强 成为 任务 支撑 主要 赋能 高质量 通知 推进 提升 构建
具有 聚焦 打造 深度 落地 加快 实现 探索 产品 通用 初步 顶尖 发起 迭代 开展 推动 发展 建设 工作 相关 方面
积极 全面 不断 重点 围绕 深入 有效 显著 重要 以及 其中 通过 进行 目前 已经 今年 去年 同时 此外 根据 按照
组织 举办 召开 启动 发布 印发 要求 提出 表示 指出 介绍 活动 期间 方式 情况 能力 水平 体系 机制 领域 方向
服务 支持 引导 鼓励 完善 优化 创新 实施 落实 参与 合作 共同 一批 一系列 多个 各类 全市 全国 我国 我市
一个 关于 问题 价值 取得 目标 年度 完成 作为 提供 时间 引领 强劲 万人 新一轮 总产值
""".split())


@dataclass
class Series:
    name: str
    total: int
    counts: list[int]  # per month
    shares: list[float | None]  # per month, None when the source published nothing that month
    url: str = ""
    count_chart: Chart | None = None
    share_chart: Chart | None = None


@dataclass
class Report:
    state: SearchState
    count: int
    months: list[str]
    series: list[Series]
    overall: Series
    terms: list[Term] = field(default_factory=list)
    sampled: int = 0

    @property
    def rows(self) -> list[dict]:
        """Return the data table: per month, each series' count and share (as text)."""
        columns = [*self.series, self.overall]
        return [{"month": month, "cells": [
            {"count": s.counts[i], "share": None if s.shares[i] is None else f"{s.shares[i]:.1%}"}
            for s in columns]} for i, month in enumerate(self.months)]


def _month_counts(state: SearchState, today: date | None) -> dict[str, int]:
    return dict(totals(state, params=("month",), today=today)[1]["month"])


def _series(name: str, state: SearchState, baseline: SearchState, months: list[str], today: date | None,
            url: str) -> Series:
    matched = _month_counts(state, today)
    everything = _month_counts(baseline, today)
    counts = [matched.get(m, 0) for m in months]
    shares = [matched.get(m, 0) / everything[m] if everything.get(m) else None for m in months]
    return Series(name, sum(counts), counts, shares, url)


def _share_label(name: str) -> Callable[[str, float], str]:
    def label(month: str, value: float) -> str:
        return _("%(name)s，%(month)s：%(share)s") % {
            "name": name, "month": charts.month_name(month), "share": f"{value:.1%}"}
    return label


def _count_label(name: str) -> Callable[[str, float], str]:
    def label(month: str, value: float) -> str:
        return ngettext("%(name)s，%(month)s：%(n)s 篇", "%(name)s，%(month)s：%(n)s 篇", value) % {
            "name": name, "month": charts.month_name(month), "n": value}
    return label


def _draw(series: Series, months: list[str], state: SearchState, *, max_count: float, max_share: float) -> None:
    narrowed = state.replace(source=(series.name,)) if series.url else state
    series.count_chart = charts.bar_chart(  # a bar opens those articles on the search page
        list(zip(months, series.counts)), max_value=max_count, label=_count_label(series.name),
        url=lambda month, _v: reverse("discovery:search") + narrowed.month_query(month))
    series.share_chart = charts.bar_chart(
        [(m, s or 0) for m, s in zip(months, series.shares)], max_value=max_share,
        label=_share_label(series.name))
    series.share_chart.max_text = f"{max_share:.1%}".replace(".0%", "%")


def attention(state: SearchState, *, today: date | None = None, top: int = TOP_SOURCES) -> Report:
    """Return the Report of monthly counts and shares for the top sources of state's results."""
    count, counts = totals(state, params=("source", "month"), today=today)
    ranked = [(name, n) for name, n in counts["source"] if n and (not state.source or name in state.source)]
    month_keys = sorted(m for m, n in counts["month"] if n)
    months = charts.month_span(month_keys[0], month_keys[-1]) if month_keys else []
    dates: dict[str, Any] = {"date_from": state.date_from, "date_to": state.date_to}
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


def report(state: SearchState, *, today: date | None = None) -> Report:
    """Return the trends Report of state with its top terms (from a sample of the results)."""
    result = attention(state, today=today)
    sample = list(iter_articles(state, limit=RESULT_SAMPLE, today=today))
    result.sampled = len(sample)
    exclude = set(parse_terms(state.q)) | GENERIC_WORDS
    result.terms = characteristic_terms(sample, exclude=exclude, limit=TOP_TERMS)
    for term in result.terms:
        term.url = state.query_string(q=f"{state.q} {term.word}".strip())
    return result


def as_json(report: Report) -> dict:
    """Return the Report as plain JSON values."""
    def series(s: Series) -> dict:
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
