"""python manage.py rebuild_index: build a new index beside the live one, then swap it in."""
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone
from haystack import connections

from search.backends.whoosh.backend import ChineseWhooshSearchBackend
from search.backends.whoosh.index_dirs import new_build_dir, swap_in
from search.indexing import article_index, reindex_articles


class Command(BaseCommand):
    help = ("Rebuild the search index from the database into a new directory and swap it in "
            "atomically; searches keep answering from the old index meanwhile.")

    def add_arguments(self, parser):
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="Accepted for compatibility with haystack; nothing is asked.")
        parser.add_argument("--workers", type=int, default=2,
                            help="Analysis processes (default 2; jieba is the cost).")
        parser.add_argument("--using", default="default", help="Haystack connection.")

    def handle(self, *args, **options):
        backend = connections[options["using"]].get_backend()
        if not isinstance(backend, ChineseWhooshSearchBackend) or not backend.use_file_storage:
            # Other engines (Elasticsearch): haystack's own clear + update.
            call_command("clear_index", interactive=False, using=[options["using"]],
                         verbosity=options["verbosity"])
            call_command("update_index", using=[options["using"]], verbosity=options["verbosity"])
            return
        if not backend.setup_complete:
            backend.setup()
        index = article_index()
        started_at, clock = timezone.now(), time.monotonic()
        queryset = index.index_queryset().iterator(chunk_size=1000)
        build = new_build_dir(backend.path)
        verbose = options["verbosity"] >= 1

        def progress(n):
            if verbose:
                self.stdout.write(f"  {n} articles analysed", ending="\r")
                self.stdout.flush()

        count = backend.build(index, queryset, build_dir=build, procs=options["workers"],
                              on_batch=progress)
        swap_in(backend.path, build)
        # Edits saved while the build ran went to the old index: replay them on the new one.
        changed = list(index.get_model().objects.filter(updated_at__gte=started_at)
                       .values_list("pk", flat=True))
        if changed:
            reindex_articles(changed)
        if verbose:
            seconds = time.monotonic() - clock
            self.stdout.write(f"Indexed {count} articles in {seconds:.1f}s "
                              f"({count / max(seconds, 1e-9):.0f}/s) into {build.name}"
                              + (f"; replayed {len(changed)} edits" if changed else ""))
