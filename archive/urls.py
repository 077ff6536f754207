from django.urls import path

from archive import views

app_name = "archive"
urlpatterns = [
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/cite.bib", views.article_bibtex, name="bibtex"),
    path("articles/<int:pk>/cite.ris", views.article_ris, name="ris"),
]
