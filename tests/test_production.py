"""Production settings: the documented environment passes `check --deploy`, the dev key is refused,
every page satisfies the Content-Security-Policy, and admin logins are rate limited."""
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env
from tests.conftest import EDITOR_PASSWORD, ROOT


def documented_environment():
    """Return the production environment of the README (its "Production" env block), with a real key."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- production-env -->\s*```[a-z]*\n(.*?)```", readme, re.S).group(1)
    values = dict(re.findall(r"^([A-Z_]+)=(.*)$", block, re.M))
    assert values["DEBUG"] == "0" and "SECRET_KEY" in values
    values["SECRET_KEY"] = secrets.token_urlsafe(50)  # the README says how to make one
    return values


def manage(*args, extra, tmp_path):
    environ = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    environ.update(extra, ARCHIVE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=120)


def test_the_documented_production_environment_passes_check_deploy(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", extra=documented_environment(),
                    tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_without_debug_the_built_in_development_key_is_refused(tmp_path):
    result = manage("check", extra={"DEBUG": "0", "SECRET_KEY": env.DEV_SECRET_KEY}, tmp_path=tmp_path)
    assert result.returncode == 1
    assert "ImproperlyConfigured: SECRET_KEY is the built-in development key" in result.stderr


def test_without_a_secret_key_each_installation_generates_and_keeps_its_own(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = env.secret_key(tmp_path, debug=False)
    assert len(first) >= 50 and first != env.DEV_SECRET_KEY
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert env.secret_key(tmp_path, debug=False) == first
    (tmp_path / "other").mkdir()
    assert env.secret_key(tmp_path / "other", debug=False) != first
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert env.secret_key(tmp_path, debug=False) == "from-the-environment"


def test_security_settings_are_read_under_djangos_names(monkeypatch):
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO, https")
    assert env.env_proxy_header() == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    with pytest.raises(ImproperlyConfigured):
        env.env_proxy_header()
    monkeypatch.setenv("SECURE_HSTS_SECONDS", "a year")
    with pytest.raises(ImproperlyConfigured):
        env.env_int("SECURE_HSTS_SECONDS")
    monkeypatch.setenv("CSRF_TRUSTED_ORIGINS", "https://a.example.org, https://b.example.org,")
    assert env.env_list("CSRF_TRUSTED_ORIGINS") == ["https://a.example.org", "https://b.example.org"]


# ---------------------------------------------------------------- Content-Security-Policy

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline script"),
    (re.compile(r"<style\b", re.I), "style element"),
    (re.compile(r"\sstyle=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def inline_code(html):
    return [what for pattern, what in INLINE if pattern.search(html)]


@pytest.mark.django_db
def test_the_researchers_pages_carry_a_strict_policy_and_nothing_inline(client):
    from archive.models import Article

    article = Article.objects.searchable().first()
    for url in ("/", "/search/?q=人工智能", "/search/?q=人工智能&topic=人工智能", f"/articles/{article.pk}/",
                "/sources/", "/topics/", "/documents/", "/trends/", "/trends/?q=集成电路", "/help/"):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        # Directives in any order: compare each one's sources exactly.
        directives = dict((part.split(None, 1) + [""])[:2] for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'", policy
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'", policy
        assert inline_code(response.content.decode()) == [], url


@pytest.mark.django_db
def test_admin_pages_run_no_inline_script(editor_client):
    from archive.models import Article

    pk = Article.objects.first().pk
    for url in ("/admin/", "/admin/archive/article/", f"/admin/archive/article/{pk}/change/",
                "/admin/archive/article/duplicates/", "/admin/archive/topic/", "/admin/archive/importbatch/add/"):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self' 'unsafe-inline'" in policy
        html = response.content.decode()
        assert not INLINE[0][0].search(html) and not INLINE[3][0].search(html), url


# ---------------------------------------------------------------- admin login rate limit

def login(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


@pytest.mark.django_db
def test_wrong_admin_passwords_lock_that_user_from_that_address(client, editor, settings):
    from django.contrib.auth.models import User

    User.objects.create_user("other", password=EDITOR_PASSWORD, is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "editor", "wrong").status_code == 200  # the form again, with its message
    locked = login(client, "editor", "wrong")
    assert locked.status_code == 429
    assert "登录已暂时锁定" in locked.content.decode() and "15 分钟" in locked.content.decode()
    assert login(client, "editor", EDITOR_PASSWORD).status_code == 429  # even the right password, for now
    assert login(client, "other", EDITOR_PASSWORD).status_code == 302  # another editor is not locked out
    elsewhere = client.post("/admin/login/?next=/admin/", {"username": "editor", "password": EDITOR_PASSWORD},
                            REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 302  # nor is the same editor from another address


@pytest.mark.django_db
def test_a_correct_login_resets_the_count(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "editor", "wrong")
    assert login(client, "editor", EDITOR_PASSWORD).status_code == 302
    client.logout()
    assert login(client, "editor", "wrong").status_code == 200
