"""python manage.py rebuild_index: build a new index beside the live one, then swap it in."""
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search.backends.base import BuildFailed
from search.rebuilding import rebuild


class Command(BaseCommand):
    help = ("Rebuild the search index from the database into a new index and swap it in "
            "atomically; searches keep answering from the old index meanwhile.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="Accepted for compatibility with haystack; nothing is asked.")
        parser.add_argument("--workers", type=int, default=2,
                            help="Analysis processes (default 2; jieba is the cost).")

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] >= 1

        def progress(n: int) -> None:
            if verbose:
                self.stdout.write(f"  {n} articles analysed", ending="\r")
                self.stdout.flush()

        try:
            report = rebuild(procs=options["workers"], on_batch=progress)
        except (OSError, BuildFailed) as exc:
            raise CommandError(f"rebuild failed, the live index is untouched: {exc}", returncode=2) from exc
        if verbose:
            rate = report.count / max(report.seconds, 1e-9)
            self.stdout.write(f"Indexed {report.count} articles in {report.seconds:.1f}s ({rate:.0f}/s) "
                              f"into {report.build}"
                              + (f"; replayed {report.replayed} changes" if report.replayed else "")
                              + (f"; removed {len(report.removed_builds)} abandoned builds"
                                 if report.removed_builds else ""))
