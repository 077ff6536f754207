"""The index queue (a transactional outbox) and the record of running rebuilds."""
from django.db import models


class IndexQueueEntry(models.Model):
    """An article whose index document must be rewritten or removed.

    Written in the same transaction as the change; applied and removed after
    commit. Entries a crash leaves behind are applied by the next flush.
    No foreign key: the entry of a deleted article must outlive it.
    """

    article_id = models.BigIntegerField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Applied to the live index, kept only while a rebuild may still need to replay it.
    applied = models.BooleanField(default=False, db_index=True)

    class Meta:
        verbose_name = "index queue entry"

    def __str__(self) -> str:
        return f"article {self.article_id}" + (" (applied)" if self.applied else "")


class IndexBuild(models.Model):
    """A rebuild in progress: queue entries after `queue_mark` are replayed into its build."""

    started_at = models.DateTimeField(auto_now_add=True)
    queue_mark = models.BigIntegerField(default=0)
    pid = models.IntegerField()
    host = models.CharField(max_length=255)
    build = models.CharField(max_length=500, help_text="The engine's name for the new index.")

    def __str__(self) -> str:
        return f"build {self.build} by {self.host}:{self.pid}"
