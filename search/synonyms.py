"""Synonyms that editors manage, applied to a parsed query in both directions."""
from whoosh import query as wq


class SynonymOr(wq.Or):
    """A query word OR'ed with its synonyms: the first subquery is the word as typed."""
