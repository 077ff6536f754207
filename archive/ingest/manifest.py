"""Per-folder import options: a manifest.json beside the files it describes."""
import json
from pathlib import Path

from archive.ingest.errors import FileRejected

MANIFEST_NAME = "manifest.json"
ALLOWED_KEYS = {"year", "source"}


def manifest_options(path):
    """Return the options the manifest beside path gives for it ({} if none)."""
    path = Path(path)
    manifest = path.parent / MANIFEST_NAME
    if not manifest.is_file():
        return {}
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileRejected(f"{manifest}: invalid manifest: {exc}") from None
    entry = data.get("files", {}).get(path.name, {}) if isinstance(data, dict) else {}
    if not isinstance(entry, dict) or set(entry) - ALLOWED_KEYS:
        raise FileRejected(f"{manifest}: entry for {path.name} must be an object with keys "
                           f"{', '.join(sorted(ALLOWED_KEYS))}")
    return entry


def expand_paths(paths):
    """Return the files to import: files as given, folders walked in name order."""
    files = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file()
                                and p.name != MANIFEST_NAME and not p.name.startswith(".")))
        else:
            files.append(path)
    return files
