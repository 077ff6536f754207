from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    """The researchers' pages: search, facets, article pages, exports, feeds, trends."""

    name = "discovery"
    verbose_name = "Discovery"
