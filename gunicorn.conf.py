"""gunicorn settings, read from the project root by every `gunicorn` started here.

Each worker opens the search index and loads its columns before it accepts
requests, so no researcher's first search pays for it (~2 s at 100,000
articles).
"""
import logging


def post_worker_init(worker):
    from haystack import connections

    backend = connections["default"].get_backend()
    if hasattr(backend, "warm"):
        try:
            backend.warm()
        except Exception:  # a missing or empty index is found again by the first search
            logging.getLogger("search").exception("could not warm the search index")
