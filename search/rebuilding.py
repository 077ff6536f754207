"""Rebuild the index from the database without leaving searchers without one.

Build a new index beside the live one, replay every change queued while it
was built (saves, deletes, renames, topic deletions: the index queue holds
them all), swap it in, then apply what was queued during the swap.
"""
from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from search import index_queue
from search.indexing import article_index, backend, reindex_articles
from search.models import IndexBuild


@dataclass
class RebuildReport:
    count: int
    seconds: float
    build: str
    replayed: int
    removed_builds: list[str]


def rebuild(*, procs: int = 2, on_batch: Callable[[int], None] | None = None) -> RebuildReport:
    """Build a whole new index from the database and swap it in; return what was done."""
    engine = backend()
    removed = engine.remove_stale_builds()
    index = article_index()
    clock = time.monotonic()
    build = engine.start_build()
    record = IndexBuild.objects.create(queue_mark=index_queue.high_water(), pid=os.getpid(),
                                       host=socket.gethostname(), build=build.name)
    try:
        queryset = index.index_queryset().iterator(chunk_size=1000)
        count = engine.build(index, queryset, build=build, procs=procs, on_batch=on_batch)
        changed, mark = index_queue.changed_since(record.queue_mark)
        if changed:
            reindex_articles(changed, build=build)
        engine.swap_in(build)
    except BaseException:
        engine.discard_build(build)
        raise
    finally:
        record.delete()
    # Changes queued between the replay and the swap went to the old index: apply them again.
    late, _ = index_queue.changed_since(mark)
    if late:
        reindex_articles(late)
    index_queue.flush()
    index_queue.forget_applied()
    return RebuildReport(count=count, seconds=time.monotonic() - clock, build=os.path.basename(build.name),
                         replayed=len(changed) + len(late), removed_builds=removed)
