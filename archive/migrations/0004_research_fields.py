"""Issuing bodies and application deadlines, read from notices at import.

Existing rows are filled from their stored title and body with the same pure
extractors the importer uses (rebuild the index afterwards to facet on them).
"""
from django.db import migrations, models

BATCH = 500


def fill_from_text(apps, schema_editor):
    from archive.ingest.extract import application_deadline, issuing_bodies

    Article = apps.get_model("archive", "Article")
    changed = []
    for article in Article.objects.only("pk", "title", "body", "doc_number", "published").iterator(BATCH):
        paragraphs = [p for p in article.body.split("\n\n") if p.strip()]
        article.issuing_bodies = issuing_bodies(article.title, paragraphs, doc_number=article.doc_number)
        article.deadline = application_deadline(paragraphs, published=article.published)
        if article.issuing_bodies or article.deadline:
            changed.append(article)
    Article.objects.bulk_update(changed, ["issuing_bodies", "deadline"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("archive", "0002_starting_topics")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="issuing_bodies",
            field=models.JSONField(blank=True, default=list, verbose_name="发文机关"),
        ),
        migrations.AddField(
            model_name="article",
            name="deadline",
            field=models.DateField(blank=True, db_index=True, null=True, verbose_name="申报截止日期"),
        ),
        migrations.RunPython(fill_from_text, migrations.RunPython.noop),
    ]
