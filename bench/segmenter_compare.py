"""Compare the compiled segmenter (rjieba) with jieba, document by document, and time both.

    .venv-rj/bin/python bench/segmenter_compare.py --docs 3000

Documents: every article of fixtures/ through the real readers, then --docs articles of
bench/corpus.py's generated corpus. For each document the text the index is given is
normalized as tokenize() does, then compared:
- cut: jieba's cut(norm, HMM=True) against rjieba's cut(norm) three ways: with the domain
  words only ("rjieba bare"), with jieba's dictionary total as well ("rjieba + total"),
  and the archive's segmenter (search/segmenter.py: jieba's blocks and HMM splits too);
- terms: tokenize()'s (term, position, start, end) with each.
Every differing stretch is listed once with its cause. Then tokenize() throughput
(articles/s, one process) and each segmenter's start-up time and memory.
"""
import argparse
import collections
import datetime
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = datetime.date(2026, 11, 1)  # as bench/corpus.py
_HAN = re.compile(r"[\u4e00-\u9fd5]")
_EXTENSION_HAN = re.compile(r"[\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


def setup_django():
    os.environ.setdefault("ARCHIVE_VAR_DIR", tempfile.mkdtemp(prefix="seg-compare-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()


def indexed_text(draft):
    """Return the text the index's document field gets for a draft (search_indexes.prepare_text)."""
    return "\n".join([draft.title, draft.source_name, draft.original_outlet, draft.doc_number,
                      "\n".join(draft.paragraphs)])


def fixture_texts():
    """Return (name, text) for every article of fixtures/ the import would accept."""
    from archive.ingest.drafts import draft_from_record
    from archive.ingest.errors import RecordRejected
    from archive.ingest.readers import read_records

    fixtures = ROOT / "fixtures"
    manifest = json.loads((fixtures / "manifest.json").read_text(encoding="utf-8"))["files"]
    out = []
    for path in sorted(fixtures.glob("*.txt")):
        options = manifest.get(path.name, {})
        _, records = read_records(path, **options)
        for i, record in enumerate(records):
            try:
                draft = draft_from_record(record.value, today=TODAY, **options)
            except RecordRejected:
                continue
            out.append((f"{path.name}#{i}", indexed_text(draft)))
    return out


def bench_texts(n):
    """Return (name, text) for the first n articles of the benchmark corpus."""
    from archive.ingest.drafts import draft_from_record
    from bench.corpus import generate

    return [(record["aid"], indexed_text(draft_from_record(record, today=TODAY)))
            for record in generate(n)]


def words(stretch):
    """Return the words of a stretch of cut words or of tokenize() tuples."""
    return [item if isinstance(item, str) else item[0] for item in stretch]


def cause(left, right):
    """Name why two differing stretches of words differ."""
    text = "".join(words(left)) + "".join(words(right))
    if _EXTENSION_HAN.search(text):
        return "CJK character outside jieba's block range (U+4E00-U+9FD5)"
    if not _HAN.search(text):
        return "non-Chinese run: jieba-rs's HMM step keeps it whole, jieba splits it"
    return "Chinese words cut differently (dictionary frequencies or total)"


def differences(reference, other):
    """Yield (jieba side, other side) for each stretch where two word lists differ."""
    matcher = difflib.SequenceMatcher(None, reference, other, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            yield tuple(reference[i1:i2]), tuple(other[j1:j2])


def compare(docs, reference, others):
    """Return {name: (documents that differ, differing stretches by cause)} against reference."""
    out = {}
    for name, fn in others.items():
        docs_differ, stretches = 0, collections.defaultdict(collections.Counter)
        for _, text in docs:
            ref, got = reference(text), fn(text)
            if ref != got:  # terms: positions and offsets too
                docs_differ += 1
                for left, right in differences(words(ref), words(got)):
                    stretches[cause(left, right)][(left, right)] += 1
        out[name] = (docs_differ, stretches)
    return out


def print_comparison(title, docs, result, *, examples=8):
    print(f"\n## {title}: {len(docs)} documents")
    for name, (docs_differ, stretches) in result.items():
        total = sum(sum(c.values()) for c in stretches.values())
        print(f"- {name}: {len(docs) - docs_differ} of {len(docs)} identical, {total} differing stretches")
        for why, counter in stretches.items():
            print(f"  - {why}: {sum(counter.values())} ({len(counter)} distinct), e.g.")
            for (left, right), count in counter.most_common(examples):
                print(f"    jieba {'|'.join(left)[:70]!r} vs {'|'.join(right)[:70]!r} x{count}")


def segmenters():
    """Return {name: cut function returning a list} for jieba and the rjieba variants."""
    import rjieba

    from search import analysis
    from search.segmenter import load_segmenter, user_words

    tok = analysis.get_jieba()
    bare = rjieba.Jieba()
    for word, tag in user_words(analysis.DICT_PATH):
        bare.add_word(word, tok.FREQ[word], tag)
    archive = load_segmenter(tok, analysis.DICT_PATH, "rjieba")  # also loads rjieba's module instance
    jieba_cut = load_segmenter(tok, analysis.DICT_PATH, "jieba").cut
    return {
        "jieba": lambda text: list(jieba_cut(text)),
        "rjieba bare": bare.cut,
        "rjieba + total": rjieba.cut,
        "archive segmenter (rjieba)": lambda text: list(archive.cut(text)),
    }


def term_functions(cuts):
    """Return {name: text -> tokenize() tuples} with tokenize() cutting with each segmenter."""
    from search import analysis
    from search.segmenter import Segmenter

    def with_cut(name, cut):
        def terms(text):
            analysis._segmenter = Segmenter(name, cut)
            return analysis.tokenize(text)
        return terms

    return {name: with_cut(name, cut) for name, cut in cuts.items()}


def throughput(docs, choice, rounds):
    """Return tokenize()'s articles/s per round with the named segmenter."""
    from search import analysis

    analysis.use_segmenter(choice)
    texts = [text for _, text in docs]
    analysis.tokenize(texts[0])
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            analysis.tokenize(text)
        rates.append(round(len(texts) / (time.perf_counter() - start), 1))
    return rates


STARTUP = """
import os, sys, time
sys.path.insert(0, {root!r})
def rss():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
before, start = rss(), time.perf_counter()
from search import analysis
analysis.get_jieba()
print(analysis.get_segmenter().name, round(time.perf_counter() - start, 2), round(rss() - before))
"""


def startup(choice):
    """Return (segmenter, seconds, MB) to import search.analysis and load the dictionaries."""
    env = dict(os.environ, ARCHIVE_SEGMENTER=choice)
    out = subprocess.run([sys.executable, "-c", STARTUP.format(root=str(ROOT))], env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    return out[0], float(out[1]), float(out[2])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000, help="benchmark corpus articles (default 3000)")
    parser.add_argument("--rounds", type=int, default=3, help="throughput rounds per segmenter")
    args = parser.parse_args()
    setup_django()
    from search.analysis import normalize

    sets = {"fixtures/": fixture_texts(), f"benchmark corpus ({args.docs})": bench_texts(args.docs)}
    cuts = segmenters()
    terms = term_functions(cuts)
    for title, docs in sets.items():
        normalized = [(name, normalize(text)) for name, text in docs]
        reference = cuts.pop("jieba")
        print_comparison(f"cut, {title}", docs, compare(normalized, reference, cuts))
        cuts["jieba"] = reference
        ref_terms = terms.pop("jieba")
        print_comparison(f"tokenize() terms, {title}", docs, compare(docs, ref_terms, terms))
        terms["jieba"] = ref_terms
    bench = sets[f"benchmark corpus ({args.docs})"]
    print(f"\n## tokenize() throughput, {len(bench)} benchmark articles, one process (articles/s per round)")
    for choice in ("jieba", "rjieba"):
        print(f"- {choice}: {throughput(bench, choice, args.rounds)}")
    print("\n## start-up: import search.analysis + get_jieba() in a fresh process")
    for choice in ("jieba", "rjieba"):
        name, seconds, mb = startup(choice)
        print(f"- {name}: {seconds} s, +{mb:.0f} MB RSS")


if __name__ == "__main__":
    main()
