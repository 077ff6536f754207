"""Shared fixtures: the seed corpus imported once, throwaway indexes, a gunicorn server."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from tests import engines

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Import fixtures/ with the real command and build the index, once per run.

    On Elasticsearch the run's index is an alias of its own, deleted at the end (tests/engines.py).
    """
    with engines.session_index():
        with django_db_blocker.unblock():
            call_command("import_articles", str(FIXTURES), verbosity=0)
            call_command("rebuild_index", interactive=False, verbosity=0)
        yield


@pytest.fixture
def temp_index(tmp_path):
    """Point the search connection at an empty index of its own for one test.

    Whoosh: a directory in the test's temp dir. Elasticsearch: an alias of its own, deleted after.
    """
    with engines.own_index(tmp_path) as backend:
        yield backend


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_LIVE = {}


@pytest.fixture(scope="session")
def live_archive_env(live_archive):
    """Return the environment (var dir, database) of the served copy, for commands run beside it."""
    return dict(_LIVE["env"])


@pytest.fixture(scope="session")
def live_archive():
    """Serve a freshly set-up archive (own database and index) with gunicorn; yield its URL."""
    with serve_archive("archive-live", editors=()) as live:
        _LIVE["env"] = live.env
        yield live.url


class _PostgresDatabase:
    """A database of its own on the PostgreSQL server of DATABASE_URL, for the served copy."""

    def __init__(self, url, name):
        import dj_database_url

        self.params = dj_database_url.parse(url)
        self.name = f"{name.replace('-', '_')}_{os.getpid()}"
        self.url = url.rsplit("/", 1)[0] + "/" + self.name
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}"', f'CREATE DATABASE "{self.name}"')

    def _execute(self, *statements):
        import psycopg

        p = self.params
        with psycopg.connect(dbname=p["NAME"], user=p["USER"], host=p["HOST"], port=p["PORT"] or None,
                             password=p["PASSWORD"] or None, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def drop(self):
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}"')


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's chromium: Playwright cannot download its own browser here."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--no-first-run", "--disable-sync"]}


# ---------------------------------------------------------------- editors (archive/admin)
import contextlib  # noqa: E402

EDITOR_PASSWORD = "editor-pass-1"


@pytest.fixture
def editor(db):
    """A staff user in the "editors" group the migration creates."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("editor", password=EDITOR_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def admin_form_data():
    """Return a function giving the POST data an admin form page would submit unchanged."""
    from django import forms

    def data_of(response, **changes):
        form = response.context["adminform"].form
        data = {}
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field, forms.ModelMultipleChoiceField):
                data[name] = [str(v) for v in value or []]
            elif isinstance(field, forms.BooleanField):
                if value:
                    data[name] = "on"
            else:
                prepared = field.prepare_value(value)
                data[name] = "" if prepared is None else str(prepared)
        data.update(changes)
        return data

    return data_of


class LiveArchive:
    """A served copy of the archive: its URL, environment (for manage.py beside it) and editors."""

    def __init__(self, url, env, var):
        self.url, self.env, self.var = url, env, var

    def manage(self, *args, check=True, **kwargs):
        """Run manage.py against this copy's database and index; return the CompletedProcess."""
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=check,
                              capture_output=True, text=True, **kwargs)


def _own_database(env, name):
    """Give a served copy its own database: SQLite under its var dir, or a PostgreSQL db named name."""
    url = env.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        env.pop("DATABASE_URL", None)
        return None
    db = _PostgresDatabase(url, name)
    env["DATABASE_URL"] = db.url
    return db


@contextlib.contextmanager
def prepared_archive(name, *, editors=()):
    """Set up a fresh copy of the archive (seeds imported, index built, editors created); yield it."""
    var = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    env = {**os.environ, "ARCHIVE_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "config.settings",
           "PYTHONUNBUFFERED": "1"}
    db = _own_database(env, name)
    alias = engines.served_copy_index(env, name)
    live = LiveArchive(None, env, var)
    try:
        for args in (["migrate", "--noinput"], ["import_articles", str(FIXTURES)],
                     ["rebuild_index", "--noinput"], ["collectstatic", "--noinput"]):
            live.manage(*args, "--verbosity", "0")
        if editors:
            live.manage("shell", "--verbosity", "0", "-c", (
                "from django.contrib.auth.models import Group, User\n"
                "group = Group.objects.get(name='editors')\n"
                f"for name in {list(editors)!r}:\n"
                f"    User.objects.create_user(name, password={EDITOR_PASSWORD!r}, is_staff=True)"
                ".groups.add(group)\n"))
        yield live
    finally:
        shutil.rmtree(var, ignore_errors=True)
        if db:
            db.drop()
        engines.drop_index(alias)


@contextlib.contextmanager
def serve_archive(name, *, editors=("editor",), workers=2):
    """Serve a prepared copy of the archive with gunicorn; yield it with its URL set."""
    with prepared_archive(name, editors=editors) as live:
        port = _free_port()
        proc = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--bind",
                                 f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "120"],
                                cwd=ROOT, env=live.env, stdout=subprocess.DEVNULL,
                                stderr=open(live.var / "gunicorn.log", "w"))
        live.url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_serving(live, proc)
            yield live
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _wait_until_serving(live, proc, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(live.url + "/api/search", timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("gunicorn did not start: " + (live.var / "gunicorn.log").read_text()) from None
            time.sleep(0.2)


@pytest.fixture(scope="session")
def live_admin_archive():
    """A served archive of its own for the editors' browser tests, with the editor "editor"."""
    with serve_archive("archive-admin-live") as live:
        yield live
