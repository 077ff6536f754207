"""The index directory layout: PATH is a symlink to the live build, swapped atomically.

    var/whoosh_index -> whoosh_index.builds/20261123T101500-ab12

A rebuild writes a new build directory while searches keep reading the old
one, then replaces the symlink with one rename. Readers notice the new target
on their next query; the build before the previous one is removed.
"""
import os
import shutil
import uuid
from datetime import datetime
from pathlib import Path

KEEP_BUILDS = 2


def builds_dir(path):
    path = Path(path)
    return path.with_name(path.name + ".builds")


def new_build_dir(path):
    """Create and return an empty build directory beside PATH."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    build = builds_dir(path) / f"{stamp}-{uuid.uuid4().hex[:6]}"
    build.mkdir(parents=True)
    return build


def ensure_symlinked(path):
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
    swap_in(path, build, prune=False)


def swap_in(path, build, *, prune=True):
    """Point PATH at build in one atomic rename; remove builds older than the previous one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    os.symlink(os.path.relpath(build, path.parent), tmp)
    os.replace(tmp, path)
    if prune:
        live = Path(build).resolve()
        old = sorted((p for p in builds_dir(path).iterdir() if p.resolve() != live),
                     key=lambda p: p.stat().st_mtime)
        for stale in old[:-(KEEP_BUILDS - 1) or None]:
            shutil.rmtree(stale, ignore_errors=True)
