"""Cold phrase checks on an archive built by bench/run.py: ours against Whoosh's Phrase.

    python bench/phrases.py --var bench/out/var-100000

Each phrase is checked once by each path on a fresh snapshot (nothing
cached), and the two answers must be equal.
"""
import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHRASES = (("人工智能", "产业"), ("长三角", "一体化", "发展"), ("科技", "成果", "转化"), ("集成电路", "产业"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var", required=True, help="an archive's var directory (database and index)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["ARCHIVE_VAR_DIR"] = str(Path(args.var).resolve())
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    import numpy as np
    from haystack import connections
    from whoosh import query as wq

    snapshot = connections["default"].get_backend().snapshot()
    print(f"{snapshot.doc_count} documents, {len(snapshot.segments)} segments")
    print("| phrase | hits | ours (ms) | Whoosh (ms) |\n|---|---|---|---|")
    for words in PHRASES:
        q = wq.Phrase("text", list(words))
        start = time.perf_counter()
        ours = snapshot.phrase_mask(q)
        middle = time.perf_counter()
        whoosh = snapshot.whoosh_mask(q)
        end = time.perf_counter()
        if not np.array_equal(ours, whoosh):
            sys.exit(f"different answers for {' '.join(words)}")
        print(f"| \"{' '.join(words)}\" | {int(ours.sum()):,} | {1000 * (middle - start):,.0f} "
              f"| {1000 * (end - middle):,.0f} |")


if __name__ == "__main__":
    main()
