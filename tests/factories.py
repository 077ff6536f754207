"""Small builders for articles in tests that need a hand-made corpus."""
import datetime
import hashlib

from archive.models import Article, Source


def make_article(title, body="", *, source="测试来源", published="2026-01-15", **fields):
    src, _ = Source.objects.get_or_create(name=source)
    digest = hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()
    return Article.objects.create(
        source=src, title=title, body=body,
        published=datetime.date.fromisoformat(published),
        content_hash=fields.pop("content_hash", digest), record_hash=digest, **fields)
