"""Golden files: every real input in tests/data/inputs/ and every seed in fixtures/, read and
normalised as the import does (reader, then draft), must give the stories beside it.

The inputs are pages nobody on the team wrote (origins and licences in
tests/data/inputs/SOURCES.md), plus one roundup page of the issue's shape that the
team wrote; options a file's text does not give come from the manifest.json beside it.
Set GOLDEN_UPDATE=1 to rewrite the expected files after a deliberate change, then
read the diff.
"""
import datetime
import json
import os
from pathlib import Path

import pytest

from archive.ingest.drafts import draft_from_record
from archive.ingest.errors import RecordRejected
from archive.ingest.manifest import manifest_options
from archive.ingest.readers import read_records

ROOT = Path(__file__).resolve().parent
INPUTS = ROOT / "data" / "inputs"
SEEDS = ROOT.parent / "fixtures"
SEED_STORIES = ROOT / "data" / "seeds"
TODAY = datetime.date(2026, 11, 1)
SUFFIX = ".stories.json"
PREVIEW = 100


def _inputs():
    real = sorted(p for p in INPUTS.iterdir() if p.is_file() and not p.name.endswith(SUFFIX)
                  and p.name not in ("manifest.json", "SOURCES.md"))
    return [(p, INPUTS / (p.name + SUFFIX)) for p in real] + [
        (p, SEED_STORIES / (p.name + SUFFIX)) for p in sorted(SEEDS.glob("*.txt"))]


def stories_of(path):
    """Return what the import would make of each record of the file: the story, or why it is rejected."""
    options = manifest_options(path)
    fmt, records = read_records(path, **options)
    stories = []
    for record in records:
        try:
            if record.error:
                raise RecordRejected(record.error)
            draft = draft_from_record(record.value, today=TODAY, **options)
        except RecordRejected as exc:
            stories.append({"record": record.number, "rejected": str(exc)})
            continue
        body = draft.body
        stories.append({
            "record": record.number, "title": draft.title, "published": draft.published.isoformat(),
            "source": draft.source_name, "regions": draft.regions, "url": draft.url, "kind": draft.kind,
            "outlet": draft.original_outlet, "is_empty": draft.is_empty, "paragraphs": len(draft.paragraphs),
            "body_start": body[:PREVIEW], "body_end": body[-PREVIEW // 2:],
        })
    return {"format": fmt, "stories": stories}


def test_there_are_at_least_twenty_real_inputs():
    real = [p for p, _ in _inputs() if p.parent == INPUTS and not p.name.startswith("team_")]
    assert len(real) >= 20
    sources = (INPUTS / "SOURCES.md").read_text(encoding="utf-8")
    assert all(p.name in sources for p in real)


@pytest.mark.parametrize(("path", "expected"), _inputs(), ids=[p.name for p, _ in _inputs()])
def test_input_gives_its_golden_stories(path, expected):
    """The reader and the normaliser give exactly the stories recorded beside the input."""
    got = stories_of(path)
    if os.environ.get("GOLDEN_UPDATE") or not expected.exists():
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(expected.read_text(encoding="utf-8"))
