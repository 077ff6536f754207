"""python manage.py import_articles PATH [PATH ...]"""
import sys

from django.core.management.base import BaseCommand, CommandError

from archive.ingest.errors import FileRejected
from archive.ingest.manifest import expand_paths, manifest_options
from archive.ingest.upsert import ImportRun
from archive.models import ImportBatch

PROGRESS_FROM = 300


class Command(BaseCommand):
    help = ("Import articles from WeChat JSON / JSON Lines exports and plain-text pages. "
            "Exit 0 when all records were imported, 1 when some were rejected, "
            "2 when a file could not be read.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files or folders to import.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Read and check everything, report the counts, write nothing.")
        parser.add_argument("--source", help="Source name for plain text that names none.")
        parser.add_argument("--year", type=int, help="Year for dates written without one (3月15日).")

    def handle(self, *args, **options):
        paths, dry_run = options["paths"], options["dry_run"]
        source, year, verbosity = options["source"], options["year"], options["verbosity"]
        if year is not None and not 1990 <= year <= 2100:
            raise CommandError(f"--year {year} is out of range (1990-2100)", returncode=2)
        batch = None if dry_run else ImportBatch.objects.create(paths="\n".join(paths))
        run = ImportRun(batch=batch)
        unreadable = rejected = 0
        totals = {}
        for path in expand_paths(paths):
            try:
                file_options = {**manifest_options(path), **_given(year=year, source=source)}
                report = run.import_file(path, dry_run=dry_run, progress=self._progress(path),
                                         **file_options)
            except FileRejected as exc:
                unreadable += 1
                self.stderr.write(f"{path}: {exc}")
                continue
            for name, n in report.counts.items():
                totals[name] = totals.get(name, 0) + n
            if verbosity >= 1:
                self.stdout.write(report.line())
            for number, reason in report.rejected:
                self.stderr.write(f"{path}:{number}: {reason}")
            rejected += len(report.rejected)
        if batch is not None and not (totals.get("created") or totals.get("updated")):
            batch.delete()  # nothing to attribute to it
        elif batch is not None:
            for name, n in totals.items():
                setattr(batch, name, n)
            batch.save()
        if dry_run and verbosity >= 1:
            self.stdout.write("dry run: nothing was written")
        if unreadable:
            raise CommandError(f"{unreadable} file(s) could not be read; nothing from them was kept",
                               returncode=2)
        if rejected:
            raise CommandError(f"{rejected} record(s) rejected; the others were imported", returncode=1)

    def _progress(self, path):
        """Return a running-count printer for a terminal, or None when not on one."""
        if not sys.stdout.isatty():
            return None

        def show(done, total):
            if total >= PROGRESS_FROM and (done % 100 == 0 or done == total):
                end = "\n" if done == total else "\r"
                self.stdout.write(f"{path}: {done}/{total}", ending=end)
                self.stdout.flush()

        return show


def _given(**options):
    return {k: v for k, v in options.items() if v is not None}
