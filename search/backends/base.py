"""What the archive needs of a search engine, beyond haystack's BaseSearchBackend.

Every engine's backend lists `ArchiveSearchBackend` first among its bases and
implements all of it; the service, the index queue and the commands call only
these methods (never probing with hasattr). The contract tests in
tests/backend_contract.py run the same checks on every engine.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from search.querysyntax import ParsedQuery


class IndexUnavailable(Exception):
    """The index cannot be read (damaged, missing, or its server unreachable)."""


class IndexBusy(Exception):
    """Another writer held the index for longer than the caller was willing to wait; nothing was written."""


class BuildFailed(Exception):
    """A new index could not be built; the live index is untouched."""


@dataclass(frozen=True)
class Build:
    """A new index being built beside the live one: a directory, or an engine-side index name."""

    name: str


class ArchiveSearchBackend:
    """The archive's engine contract; each method raises NotImplementedError until implemented."""

    # -- writes -------------------------------------------------------------
    def update_and_remove(self, index: Any, objs: Iterable[Any], remove_ids: list[str], *,
                          build: Build | None = None, wait: float | None = None) -> None:
        """Write objs and delete the documents remove_ids in one batch (into build, else live).

        wait: seconds to wait for another writer (None: the engine's own limit);
        raises IndexBusy, having written nothing, when the index is still taken.
        """
        raise NotImplementedError

    # -- rebuilds -----------------------------------------------------------
    def start_build(self) -> Build:
        """Create an empty new index beside the live one; searches keep the live one."""
        raise NotImplementedError

    def build(self, index: Any, objs: Iterable[Any], *, build: Build, procs: int = 2,
              on_batch: Callable[[int], None] | None = None) -> int:
        """Write every obj into build; return how many documents it holds."""
        raise NotImplementedError

    def swap_in(self, build: Build) -> None:
        """Make build the live index at once (searches move to it); keep the last good one."""
        raise NotImplementedError

    def discard_build(self, build: Build) -> None:
        """Remove an unfinished build."""
        raise NotImplementedError

    def remove_stale_builds(self) -> list[str]:
        """Remove builds left by killed rebuilds (never the live or the last good index)."""
        raise NotImplementedError

    # -- reads --------------------------------------------------------------
    def parse_query(self, query_string: str, *, synonyms: bool = True) -> ParsedQuery:
        """Parse what a researcher typed (search/querysyntax.py), once per query string.

        synonyms: OR each word with the editors' synonyms (search/synonyms.py);
        search() takes literal=True for the words as typed, and aside={field:
        values} for documents ranked after all others and left out of facets.
        """
        raise NotImplementedError

    def document_frequencies(self, field: str, words: Iterable[str]) -> tuple[int, dict[str, int]]:
        """Return (documents in the index, {word: documents whose field holds it})."""
        raise NotImplementedError

    def stored_field_names(self) -> list[str]:
        """Return the index fields whose values come back with each result."""
        raise NotImplementedError

    def warm(self) -> None:
        """Load what every search needs before the first request (called at worker start).

        That includes did-you-mean's vocabulary (search.spelling.warm), so that
        the first query with few or no hits is not the one that loads it.
        """
        raise NotImplementedError

    def damage(self) -> list[str]:
        """Return what cannot be read in the live index (empty when it is sound)."""
        raise NotImplementedError
