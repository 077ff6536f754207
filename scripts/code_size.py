"""List modules over 400 lines and functions over 60 lines (migrations excepted); exit 1 if any."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("archive", "search", "discovery", "config", "bench", "tests", "scripts")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def python_files() -> list[Path]:
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")
             if "migrations" not in p.parts]
    return sorted(files + [ROOT / "manage.py", ROOT / "gunicorn.conf.py"])


def oversized(path: Path) -> list[str]:
    """Return a line for the module if it is too long and for each function that is."""
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(ROOT)
    found = []
    lines = text.count("\n") + 1
    if lines > MAX_MODULE_LINES:
        found.append(f"{name}: {lines} lines (max {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{name}:{node.lineno}: {node.name}() {length} lines (max {MAX_FUNCTION_LINES})")
    return found


def main() -> int:
    problems = [line for path in python_files() for line in oversized(path)]
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
