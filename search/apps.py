from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "检索"

    def ready(self) -> None:
        from archive import index_port
        from search.index_queue import DurableIndexQueue

        index_port.plug_in(DurableIndexQueue())
