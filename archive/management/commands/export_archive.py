"""python manage.py export_archive PATH"""
import os
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from archive.ingest.archive_export import export_records, to_line
from archive.models import Article


class Command(BaseCommand):
    help = ("Write the whole archive (every article, hidden and duplicate ones too, with status, topics set or "
            "removed by editors, merge links and the original record) as JSON Lines that import_articles reads "
            "back. The format is described in archive/ingest/archive_export.py.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help='File to write ("-" for standard output).')

    def handle(self, *args: Any, **options: Any) -> None:
        path, verbosity = options["path"], options["verbosity"]
        # One read transaction: a consistent snapshot while editors keep working (PostgreSQL, SQLite WAL).
        with transaction.atomic():
            if path == "-":
                counts = self._write(self.stdout._out)
            else:
                counts = self._write_file(Path(path))
        if verbosity >= 1 and path != "-":
            self.stdout.write(f"{path}: " + ", ".join(f"{name} {n}" for name, n in counts.items()))

    def _write_file(self, path: Path) -> dict[str, int]:
        """Write to a temporary file beside path and rename it: a failed export never leaves half a file."""
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with open(temp, "w", encoding="utf-8", newline="\n") as out:
                counts = self._write(out)
            os.replace(temp, path)
        except OSError as error:
            temp.unlink(missing_ok=True)
            raise CommandError(f"{path}: {(error.strerror or str(error)).lower()}", returncode=2) from None
        return counts

    def _write(self, out: IO[str]) -> dict[str, int]:
        counts = {"topics": 0, "sources": 0, "articles": 0}
        for record in export_records(Article.objects.all()):
            counts[record["type"] + "s"] += 1
            out.write(to_line(record))
        return counts
