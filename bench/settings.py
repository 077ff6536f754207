"""Benchmark settings: the product's settings plus a stock haystack Whoosh connection."""
from config.settings import *  # noqa: F401,F403
from config.settings import HAYSTACK_CONNECTIONS, VAR_DIR

HAYSTACK_CONNECTIONS["stock"] = {
    "ENGINE": "haystack.backends.whoosh_backend.WhooshEngine",
    "PATH": str(VAR_DIR / "stock_index"),
    "EXCLUDED_INDEXES": ["search.search_indexes.ArticleIndex"],
}
