"""gunicorn settings, read from the project root by every `gunicorn` started here.

Each worker opens the search index and loads its columns before it accepts
requests, so no researcher's first search pays for it (~2 s at 100,000
articles), and first applies whatever a crash left in the index queue.
"""
import logging

# A query of 500 Chinese characters is about 4,500 bytes percent-encoded: more than gunicorn's
# default request line (4,094), so it would get a bare "414" before the form could explain the limit.
limit_request_line = 8190


def post_worker_init(worker):
    from search import index_queue
    from search.indexing import backend

    index_queue.flush()  # what a crash left in the queue reaches the index before any search
    try:
        backend().warm()
    except Exception:  # a missing or damaged index is reported by the first search, as a 503
        logging.getLogger("search").exception("could not warm the search index")
