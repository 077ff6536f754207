from django.urls import path

from discovery import article_views, views

app_name = "discovery"
urlpatterns = [
    path("", views.search_page, name="home"),
    path("search/", views.search_page, name="search"),
    path("search/advanced/", views.advanced_search, name="advanced"),
    path("api/search", views.search_api, name="api"),
    path("api/trends", views.trends_api, name="trends_api"),
    path("api/openapi.json", views.openapi_json, name="openapi"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.json", views.export_json, name="export_json"),
    path("cite.bib", views.cite_export, {"fmt": "bib"}, name="cite_bib"),
    path("cite.ris", views.cite_export, {"fmt": "ris"}, name="cite_ris"),
    path("cite.txt", views.cite_export, {"fmt": "gbt"}, name="cite_gbt"),
    path("feed.atom", views.feed_atom, name="feed"),
    path("calendar.ics", views.calendar_ics, name="calendar"),
    path("trends/", views.trends_page, name="trends"),
    path("help/", views.help_page, name="help"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("sources/", views.sources_page, name="sources"),
    path("topics/", views.topics_page, name="topics"),
    path("documents/", views.documents_page, name="documents"),
    path("articles/<int:pk>/", article_views.article_detail, name="article"),
    path("articles/<int:pk>/cite.bib", article_views.article_bibtex, name="bibtex"),
    path("articles/<int:pk>/cite.ris", article_views.article_ris, name="ris"),
]
