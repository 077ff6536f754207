"""python manage.py check_index [--repair]"""
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search import index_queue
from search.consistency import Report, compare, repair
from search.indexing import backend
from search.rebuilding import rebuild

SHOWN = 20  # ids listed per kind of difference at verbosity 1; all at 2


class Command(BaseCommand):
    help = ("Apply the index queue, then compare the search index with the database: documents "
            "missing, stale (article gone or no longer searchable) and out of date, and index files "
            "that cannot be read. Exit 0 when they agree, 1 when they differ. --repair rewrites only "
            "the differing documents, or rebuilds from the database when the index is damaged.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repair", action="store_true",
                            help="Index the missing and out-of-date articles and remove the stale "
                                 "documents, then check again.")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        flushed = index_queue.flush()
        if verbosity >= 1 and flushed.applied:
            self.stdout.write(f"applied {flushed.applied} queued index change(s)")
        damage = backend().damage()
        if damage:
            self._repair_damage(damage, options["repair"], verbosity)
            return
        if not flushed.ok:
            raise CommandError(f"the index queue could not be applied ({flushed.error}); "
                               f"{flushed.waiting} change(s) wait", returncode=1)
        report = compare()
        self._show(report, verbosity)
        if report.ok:
            return
        if not options["repair"]:
            raise CommandError(f"index and database differ in {len(report.ids)} article(s); "
                               "run check_index --repair", returncode=1)
        fixed = repair(report)
        after = compare()
        if verbosity >= 1:
            self.stdout.write(f"repaired {fixed} article(s)")
        if not after.ok:
            self._show(after, verbosity)
            raise CommandError(f"index and database still differ in {len(after.ids)} article(s) "
                               "(changed during the repair?); run check_index again", returncode=1)

    def _repair_damage(self, damage: list[str], repair_it: bool, verbosity: int) -> None:
        for problem in damage:
            self.stderr.write(f"index damaged: {problem}")
        if not repair_it:
            raise CommandError("the search index cannot be read; run check_index --repair to rebuild "
                               "it from the database", returncode=1)
        report = rebuild()
        if verbosity >= 1:
            self.stdout.write(f"rebuilt the index from the database: {report.count} articles")
        if backend().damage() or not compare().ok:
            raise CommandError("the rebuilt index still differs from the database; "
                               "run check_index again", returncode=1)
        if verbosity >= 1:
            self.stdout.write("index and database agree")

    def _show(self, report: Report, verbosity: int) -> None:
        if verbosity < 1:
            return
        self.stdout.write(f"index: {report.indexed} documents; database: {report.expected} searchable "
                          f"articles; compared fields: {', '.join(report.fields) or '-'}")
        limit = None if verbosity >= 2 else SHOWN
        for label, ids in (("missing from index", report.missing), ("stale in index", report.stale)):
            if ids:
                self.stdout.write(f"{label} ({len(ids)}): {_ids(ids, limit)}")
        if report.outdated:
            items = sorted(report.outdated.items())
            shown = ", ".join(f"{pk} ({' '.join(fields)})" for pk, fields in items[:limit])
            more = f" … and {len(items) - limit} more" if limit and len(items) > limit else ""
            self.stdout.write(f"out of date ({len(items)}): {shown}{more}")
        if report.ok:
            self.stdout.write("index and database agree")


def _ids(ids: Sequence[int], limit: int | None) -> str:
    shown = ", ".join(str(pk) for pk in ids[:limit])
    if limit and len(ids) > limit:
        shown += f" … and {len(ids) - limit} more"
    return shown
