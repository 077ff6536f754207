"""python manage.py import_articles PATH [PATH ...]"""
import contextlib
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from archive.curation import write_lock
from archive.ingest.errors import FileRejected
from archive.ingest.manifest import YEARS, manifest_options, parse_day, walk_inputs
from archive.ingest.upsert import FileReport, ImportRun
from archive.index_port import FlushResult, flush_index, unindexed
from archive.models import ImportBatch

PROGRESS_FROM = 300
PREVIEW_CHARS = 60


class Command(BaseCommand):
    help = ("Import articles from WeChat JSON / JSON Lines exports, plain-text pages, saved HTML pages, "
            "Markdown exports and CSV / Excel lists. Exit 0 when all records were imported, 1 when some "
            "were rejected or some files could not be read, 2 when no file could be read.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders to import.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Read and check everything, report the counts, write nothing. "
                                 "With -v 2, show every story each file gives.")
        parser.add_argument("--source", help="Source name for files that name none (plain text, HTML).")
        parser.add_argument("--year", type=int, help="Year for dates written without one (3月15日).")
        parser.add_argument("--date", metavar="YYYY-MM-DD",
                            help="Date of a page whose text gives none (and of records without one).")
        parser.add_argument("--no-index", action="store_true",
                            help="Leave the search index alone (a bulk load): run `manage.py rebuild_index` "
                                 "afterwards; until then the new articles are not searchable.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths, dry_run = options["paths"], options["dry_run"]
        source, year, verbosity = options["source"], options["year"], options["verbosity"]
        if year is not None and not YEARS[0] <= year <= YEARS[1]:
            raise CommandError(f"--year {year} is out of range ({YEARS[0]}-{YEARS[1]})", returncode=2)
        date = self._date(options["date"])
        if not dry_run:
            flush_index()  # what an earlier crash left in the index queue goes first
        batch = None if dry_run else ImportBatch.objects.create(paths="\n".join(paths))
        try:
            with unindexed() if options["no_index"] else contextlib.nullcontext():
                outcome = self._import(paths, batch=batch, dry_run=dry_run, verbosity=verbosity,
                                       given=_given(year=year, source=source, date=date))
        finally:
            if batch is not None and not (batch.created or batch.updated):
                batch.delete()  # nothing to attribute to it
        read, unreadable, rejected = outcome
        if dry_run and verbosity >= 1:
            self.stdout.write("dry run: nothing was written")
        if options["no_index"] and not dry_run:
            if verbosity >= 1:
                self.stdout.write("search index not updated (--no-index): run `manage.py rebuild_index`")
        elif not dry_run:
            self._report_index(flush_index())
        if unreadable:
            also = f"; {rejected} record(s) rejected" if rejected else ""
            raise CommandError(f"{unreadable} file(s) could not be read; nothing from them was kept{also}",
                               returncode=1 if read else 2)
        if rejected:
            raise CommandError(f"{rejected} record(s) rejected; the others were imported", returncode=1)

    def _report_index(self, result: FlushResult) -> None:
        """Say so when the search index could not follow: the rows are kept, the changes wait."""
        if not result.ok:
            self.stderr.write(f"search index not updated ({result.error}); {result.waiting} article(s) wait "
                              "in the index queue and are applied by the next import or "
                              "`manage.py check_index`")

    def _date(self, value: str | None) -> date | None:
        if value is None:
            return None
        try:
            day = parse_day(value)
        except ValueError as error:
            raise CommandError(f"--date {error}", returncode=2) from None
        if not YEARS[0] <= day.year or day > timezone.localdate():
            raise CommandError(f"--date {day} is out of range ({YEARS[0]} to today)", returncode=2)
        return day

    def _import(self, paths: Iterable[str], *, batch: ImportBatch | None, dry_run: bool, verbosity: int,
                given: dict[str, Any]) -> tuple[int, int, int]:
        """Import every file; return (files read, files unreadable, records rejected)."""
        run = ImportRun(batch=batch, lock=write_lock)
        read = unreadable = rejected = 0
        totals: dict[str, int] = {}
        for item in walk_inputs(paths):
            path = item.path
            try:
                if item.error:
                    raise FileRejected(item.error)
                file_options = {**manifest_options(path), **given}
                prepared = run.prepare_file(path, **file_options)
            except FileRejected as exc:
                unreadable += 1
                self.stderr.write(f"{path}: {exc}")
                continue
            report = run.write_file(prepared, dry_run=dry_run, progress=self._progress(path))
            read += 1
            for name, n in report.counts.items():
                totals[name] = totals.get(name, 0) + n
            if verbosity >= 1:
                self.stdout.write(report.line())
            if verbosity >= 2:
                self._show_stories(path, report)
            for number, reason in report.rejected:
                self.stderr.write(f"{path}:{number}: {reason}")
            rejected += len(report.rejected)
        if batch is not None and (totals.get("created") or totals.get("updated")):
            for name, n in totals.items():
                setattr(batch, name, n)
            batch.save()
        return read, unreadable, rejected

    def _show_stories(self, path: Path, report: FileReport) -> None:
        """Print what each record gave: outcome, date, source, regions, title, start of the body."""
        for number, draft, outcome in report.stories:
            if draft is None:
                continue
            body = " ".join(draft.body.split())
            preview = body[:PREVIEW_CHARS] + ("…" if len(body) > PREVIEW_CHARS else "")
            self.stdout.write(f"  {path}:{number}: {outcome} | {draft.published} | {draft.source_name} | "
                              f"{' '.join(draft.regions) or '-'} | {draft.title}")
            self.stdout.write(f"      {preview or '(no body)'}")

    def _progress(self, path: Path) -> Callable[[int, int], None] | None:
        """Return a running-count printer for a terminal, or None when not on one."""
        if not sys.stdout.isatty():
            return None

        def show(done: int, total: int) -> None:
            if total >= PROGRESS_FROM and (done % 100 == 0 or done == total):
                end = "\n" if done == total else "\r"
                self.stdout.write(f"{path}: {done}/{total}", ending=end)
                self.stdout.flush()

        return show


def _given(**options: Any) -> dict[str, Any]:
    return {k: v for k, v in options.items() if v is not None}
