"""Reading settings from the environment: booleans, numbers, lists, the proxy header, the secret key."""
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# The key this project shipped with before keys were generated; never acceptable without DEBUG.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me"
KEY_FILE_NAME = "secret_key"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list:
    """Return the comma-separated values of name, stripped, empty ones dropped."""
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def env_proxy_header(name: str = "SECURE_PROXY_SSL_HEADER") -> tuple[str, str] | None:
    """Return Django's SECURE_PROXY_SSL_HEADER from "HTTP_X_FORWARDED_PROTO,https", or None when unset."""
    parts = env_list(name)
    if not parts:
        return None
    if len(parts) != 2 or not parts[0].startswith("HTTP_"):
        raise ImproperlyConfigured(f'{name} must be "HTTP_<HEADER>,<value>", e.g. "HTTP_X_FORWARDED_PROTO,https"')
    return parts[0], parts[1]


def secret_key(var_dir: Path, *, debug: bool) -> str:
    """Return SECRET_KEY from the environment, else this installation's own key kept in var_dir.

    A fresh clone thus runs without configuration and never on a key anyone
    else knows. The key shipped by earlier versions is refused unless DEBUG is on.
    """
    key = os.environ.get("SECRET_KEY", "").strip()
    if not key:
        key = _persisted_key(var_dir / KEY_FILE_NAME)
    if key == DEV_SECRET_KEY and not debug:
        raise ImproperlyConfigured(
            "SECRET_KEY is the built-in development key; with DEBUG off the site refuses to start. "
            "Set SECRET_KEY to a long random value (or unset it to use a key generated under ARCHIVE_VAR_DIR).")
    return key


def _persisted_key(path: Path) -> str:
    """Return the key stored at path, creating it (mode 0600) when missing; safe when workers race."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_urlsafe(50) + "\n")
    try:
        os.link(temp, path)  # fails if another process stored its key first: then that one is used
    except FileExistsError:
        pass
    finally:
        temp.unlink()
    return path.read_text(encoding="ascii").strip()
