"""The index directory layout: PATH is a symlink to the live build, swapped atomically.

    var/whoosh_index -> whoosh_index.builds/20261123T101500-ab12

A rebuild writes a new build directory while searches keep reading the old
one, then replaces the symlink with one rename. Readers notice the new target
on their next query. A build being written holds a `.building` file with its
writer's pid; a finished one a `.complete` file. Pruning keeps the live build
and the newest other complete one (the last good index), and removes builds
whose writer has died (a killed rebuild), never one still being written.
"""
from __future__ import annotations

import os
import shutil
import socket
import uuid
from datetime import datetime
from pathlib import Path

BUILDING = ".building"
COMPLETE = ".complete"


def builds_dir(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".builds")


def new_build_dir(path: str | Path) -> Path:
    """Create and return an empty build directory beside PATH, marked as being built by us."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    build = builds_dir(path) / f"{stamp}-{uuid.uuid4().hex[:6]}"
    build.mkdir(parents=True)
    (build / BUILDING).write_text(f"{socket.gethostname()} {os.getpid()}\n")
    return build


def mark_complete(build: str | Path) -> None:
    """Record that build holds a whole index."""
    build = Path(build)
    (build / COMPLETE).write_text("")
    (build / BUILDING).unlink(missing_ok=True)


def ensure_symlinked(path: str | Path) -> None:
    """Make PATH a symlink to a build directory, creating or adopting one as needed."""
    path = Path(path)
    if path.is_symlink() and path.resolve().is_dir():
        return
    if path.is_dir():  # an index from before builds: adopt it as a build
        build = builds_dir(path) / "adopted"
        build.parent.mkdir(parents=True, exist_ok=True)
        os.rename(path, build)
    else:
        build = new_build_dir(path)
    mark_complete(build)
    swap_in(path, build, prune=False)


def swap_in(path: str | Path, build: str | Path, *, prune: bool = True) -> None:
    """Point PATH at build in one atomic rename, then prune old and abandoned builds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mark_complete(build)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    os.symlink(os.path.relpath(build, path.parent), tmp)
    os.replace(tmp, path)
    if prune:
        prune_builds(path)


def prune_builds(path: str | Path) -> list[str]:
    """Remove abandoned builds and complete ones older than the last good; return their names."""
    path = Path(path)
    root = builds_dir(path)
    if not root.is_dir():
        return []
    live = path.resolve() if path.is_symlink() else None
    others = sorted((p for p in root.iterdir() if p.is_dir() and p.resolve() != live),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    complete = [p for p in others if (p / COMPLETE).exists()]
    doomed = complete[1:] + [p for p in others if is_abandoned(p)]
    for stale in doomed:
        shutil.rmtree(stale, ignore_errors=True)
    return sorted(p.name for p in doomed)


def is_abandoned(build: Path) -> bool:
    """Return True for a build that is neither complete nor being written by a live process here."""
    if (build / COMPLETE).exists():
        return False
    try:
        host, pid = (build / BUILDING).read_text().split()
    except (OSError, ValueError):
        return True  # no writer recorded: a build from before markers, or a killed one
    if host != socket.gethostname():
        return False  # another machine's process: not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError):
        return False
    return False


def last_good_build(path: str | Path) -> Path | None:
    """Return the newest complete build other than the live one, if any."""
    path = Path(path)
    root = builds_dir(path)
    live = path.resolve() if path.is_symlink() else None
    if not root.is_dir():
        return None
    complete = sorted((p for p in root.iterdir() if (p / COMPLETE).exists() and p.resolve() != live),
                      key=lambda p: p.stat().st_mtime, reverse=True)
    return complete[0] if complete else None
