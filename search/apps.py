from django.apps import AppConfig
from django.db.models import signals


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "检索"

    def ready(self) -> None:
        from archive import index_port
        from archive.models import SynonymGroup
        from search.index_queue import DurableIndexQueue

        index_port.plug_in(DurableIndexQueue())
        # A saved synonym group applies from the next query (other workers: within RELOAD_SECONDS).
        for signal in (signals.post_save, signals.post_delete):
            signal.connect(_forget_synonyms, sender=SynonymGroup, dispatch_uid=f"synonyms-{signal}")


def _forget_synonyms(**kwargs: object) -> None:
    from search import synonyms

    synonyms.forget()
