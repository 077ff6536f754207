"""Judged queries and the figures of the relevance benchmark (bench/relevance.py).

The queries and their graded judgments live in bench/relevance/ as JSON Lines
(see bench/relevance/README.md). An article is identified by its canonical
URL, or by source and title when it has no URL: both survive a re-import,
database ids do not.
"""
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "relevance"
CUTOFF = 10
METRICS = ("ndcg", "recall", "mrr")
METRIC_LABELS = {"ndcg": "nDCG@10", "recall": "R@10", "mrr": "MRR"}
KIND_LABELS = {
    "topic": "topic", "phrase": "exact phrase", "organisation": "organisation", "person": "person",
    "place": "place", "english": "English / abbreviation", "words": "several words",
    "char": "one character", "docno": "document number", "account": "account name",
}


@dataclass
class Query:
    """One judged query: what a researcher types and the grades of the articles it should find."""

    id: str
    kind: str
    q: str
    note: str
    grades: dict = field(default_factory=dict)  # article key -> 1 or 2


def article_key(url: str, source: str, title: str) -> tuple:
    """Return the stable key of an article: its canonical URL, else its source and title."""
    if url:
        return ("url", url)
    return ("source+title", source, title)


def _read_lines(path: Path) -> list:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name}:{number}: {exc}") from exc
    return rows


def load_queries(data_dir: Path = DATA_DIR) -> list:
    """Return the judged queries in file order, each with its grades; raise ValueError on a bad file."""
    queries = {}
    for row in _read_lines(data_dir / "queries.jsonl"):
        if row["kind"] not in KIND_LABELS:
            raise ValueError(f"query {row['id']}: unknown kind {row['kind']!r}")
        if row["id"] in queries:
            raise ValueError(f"query {row['id']} is listed twice")
        queries[row["id"]] = Query(row["id"], row["kind"], row["q"], row["note"])
    for row in _read_lines(data_dir / "judgments.jsonl"):
        query = queries.get(row["query"])
        if query is None:
            raise ValueError(f"judgment for unknown query {row['query']}")
        if row["grade"] not in (1, 2):
            raise ValueError(f"query {row['query']}: grade {row['grade']!r} is not 1 or 2")
        key = article_key(row["url"], row["source"], row["title"])
        if key in query.grades:
            raise ValueError(f"query {row['query']}: {row['title']} is judged twice")
        query.grades[key] = row["grade"]
    for query in queries.values():
        if not query.grades:
            raise ValueError(f"query {query.id} has no judgments")
    return list(queries.values())


def ndcg(ranked: list, grades: dict, k: int = CUTOFF) -> float:
    """Return nDCG@k with the grade as the gain and log2(rank + 1) as the discount."""
    def dcg(gains):
        return sum(g / math.log2(i + 2) for i, g in enumerate(gains))

    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    return dcg([grades.get(key, 0) for key in ranked[:k]]) / ideal if ideal else 0.0


def recall(ranked: list, grades: dict, k: int = CUTOFF) -> float:
    """Return the judged articles found in the first k over min(k, judged): 1.0 is reachable."""
    found = sum(1 for key in ranked[:k] if key in grades)
    return found / min(k, len(grades)) if grades else 0.0


def reciprocal_rank(ranked: list, grades: dict, k: int = CUTOFF) -> float:
    """Return 1 / the rank of the first judged article in the first k, or 0."""
    for rank, key in enumerate(ranked[:k], 1):
        if key in grades:
            return 1.0 / rank
    return 0.0


def score(ranked: list, grades: dict) -> dict:
    """Return every metric of one ranking against one query's grades."""
    return {"ndcg": ndcg(ranked, grades), "recall": recall(ranked, grades),
            "mrr": reciprocal_rank(ranked, grades)}


def summarize(rows: list, rankers: list) -> dict:
    """Return {ranker: {kind or "all": {metric: mean, "n": count}}} from per-query rows."""
    out = {}
    for name in rankers:
        groups = {}
        for row in rows:
            for group in (row["kind"], "all"):
                groups.setdefault(group, []).append(row["scores"][name])
        out[name] = {group: {**{m: sum(s[m] for s in scores) / len(scores) for m in METRICS},
                             "n": len(scores)}
                     for group, scores in groups.items()}
    return out
