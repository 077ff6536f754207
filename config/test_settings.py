"""Test overrides: a throwaway index directory and fast password hashing."""
import tempfile
from pathlib import Path

from config.settings import *  # noqa: F401,F403
from config.settings import HAYSTACK_CONNECTIONS

TEST_TMP_DIR = Path(tempfile.mkdtemp(prefix="archive-test-"))
HAYSTACK_CONNECTIONS["default"]["PATH"] = str(TEST_TMP_DIR / "whoosh_index")
SEARCH_INDEX_PATH = TEST_TMP_DIR / "whoosh_index"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
