"""What to import: files and folders walked into input files, and the manifest.json beside them."""
import datetime
import json
import os
import stat
from dataclasses import dataclass
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from archive.ingest.errors import FileRejected

MANIFEST_NAME = "manifest.json"
ALLOWED_KEYS = {"year", "source", "date"}
YEARS = (1990, 2100)
_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


@dataclass(frozen=True)
class InputFile:
    """A path to import; error says why it cannot be (then it is reported and never opened)."""

    path: Path
    error: str = ""


def parse_day(value: object) -> datetime.date:
    """Return the date of a "YYYY-MM-DD" text; ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _checked(entry: dict, manifest: Path, name: str) -> dict:
    options = dict(entry)
    if "year" in options and (type(options["year"]) is not int or not YEARS[0] <= options["year"] <= YEARS[1]):
        raise FileRejected(f"{manifest}: year for {name} must be a number from {YEARS[0]} to {YEARS[1]}")
    if "source" in options and not isinstance(options["source"], str):
        raise FileRejected(f"{manifest}: source for {name} must be text")
    if "date" in options:
        try:
            options["date"] = parse_day(options["date"])
        except ValueError as error:
            raise FileRejected(f"{manifest}: date for {name}: {error}") from None
    return options


def manifest_options(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Return the options the manifest beside path gives for it ({} if none); date as a datetime.date."""
    path = Path(path)
    manifest = path.parent / MANIFEST_NAME
    if not manifest.is_file():
        return {}
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise FileRejected(f"{manifest}: invalid manifest: {exc}") from None
    entry = data.get("files", {}).get(path.name, {}) if isinstance(data, dict) else {}
    if not isinstance(entry, dict) or set(entry) - ALLOWED_KEYS:
        raise FileRejected(f"{manifest}: entry for {path.name} must be an object with keys "
                           f"{', '.join(sorted(ALLOWED_KEYS))}")
    return _checked(entry, manifest, path.name)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _walk(folder: Path, found: list, seen: set) -> None:
    """Add the importable files below folder to found; unreadable folders and odd files as errors."""
    try:
        info = os.stat(folder)
        if (info.st_dev, info.st_ino) in seen:
            return  # a symbolic link back up the tree
        seen.add((info.st_dev, info.st_ino))
        with os.scandir(folder) as scan:
            entries = list(scan)
    except OSError as error:
        found.append(InputFile(folder, f"cannot read the folder: {(error.strerror or str(error)).lower()}"))
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name == MANIFEST_NAME:
            continue
        path = Path(entry.path)
        try:
            mode = entry.stat().st_mode
        except OSError as error:
            found.append(InputFile(path, (error.strerror or str(error)).lower()))
            continue
        if stat.S_ISDIR(mode):
            _walk(path, found, seen)
        elif stat.S_ISREG(mode):
            found.append(InputFile(path))
        else:
            found.append(InputFile(path, f"is {_kind(mode)}, not a regular file"))


def walk_inputs(paths: Iterable[str | os.PathLike[str]]) -> list[InputFile]:
    """Return the files to import: files as given, folders walked in name order.

    A folder that cannot be read, a FIFO or device inside one, and a folder
    holding nothing to import come back with an error naming the problem.
    """
    files = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            files.append(InputFile(path))  # the reader says what is wrong with it, if anything
            continue
        found = []
        _walk(path, found, set())
        if not found:
            found.append(InputFile(path, "the folder holds no files to import"))
        files.extend(sorted(found, key=lambda f: f.path))
    return files


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Return the readable files walk_inputs finds (for callers that only want those)."""
    return [f.path for f in walk_inputs(paths) if not f.error]
