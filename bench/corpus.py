"""Deterministic benchmark corpus built from the real seed articles in fixtures/.

Records are in the import format (plain English keys, JSON Lines): titles,
paragraphs, sources and topics come from the seeds, recombined; dates spread
over 2021-2026; about 40 sources across 沪苏浙皖.
"""
import datetime
import hashlib
import json
import random
from pathlib import Path

from archive.ingest.drafts import draft_from_record
from archive.ingest.errors import RecordRejected
from archive.ingest.readers import read_records

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
TARGET_CHARS = 2000
START, END = datetime.date(2021, 1, 1), datetime.date(2026, 10, 31)

SOURCES = (
    ["上海科技", "科创长宁", "科创浦东", "科创徐汇", "科创杨浦", "科创闵行", "科创嘉定", "科创静安",
     "科创普陀", "科创虹口", "科创宝山", "科创松江", "科创青浦", "科创奉贤", "科创金山", "科创崇明",
     "科创黄浦", "解放日报", "文汇报", "上海发布"]
    + ["江苏科技", "南京科技", "苏州科技", "无锡科技", "常州科技", "南通科技", "新华日报"]
    + ["浙江科技", "杭州科技", "宁波科技", "嘉兴科技", "温州科技", "浙江日报"]
    + ["安徽科技", "合肥科技", "芜湖科技", "安徽日报", "长三角科创", "长三角一体化", "百度新闻"]
)


def seed_material():
    """Return (titles, paragraphs) taken from the seed files through the real readers."""
    titles, paragraphs = [], []
    today = datetime.date(2026, 11, 1)
    manifest = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))["files"]
    for path in sorted(FIXTURES.glob("*.txt")):
        options = manifest.get(path.name, {})
        _, records = read_records(path, **options)
        for record in records:
            try:
                draft = draft_from_record(record.value, today=today, **options)
            except RecordRejected:
                continue
            if draft.is_empty:
                continue
            titles.append(draft.title)
            paragraphs.extend(p for p in draft.paragraphs if len(p) >= 30)
    return titles, paragraphs


def generate(n, *, seed=2026, first=0):
    """Yield n article records numbered from first, the same ones for the same arguments."""
    rng = random.Random(seed)
    titles, paragraphs = seed_material()
    span = (END - START).days
    for i in range(first, first + n):
        source = SOURCES[i % len(SOURCES)]
        biz = hashlib.md5(source.encode()).hexdigest()[:16]
        body, size = [], 0
        while size < TARGET_CHARS:
            p = rng.choice(paragraphs)
            body.append(p)
            size += len(p)
        title = rng.choice(titles)
        if rng.random() < 0.5:  # recombine: kicker of one title, subject of another
            title = f"{title[:12]}｜{rng.choice(titles)[-14:]}"
        day = START + datetime.timedelta(days=rng.randrange(span))
        yield {
            "aid": f"bench{i}",
            "title": title,
            "url": f"https://mp.weixin.qq.com/s?__biz={biz}&mid={2650000000 + i}&idx=1&sn={i:x}",
            "time": day.isoformat(),
            "account": source,
            "content": "\r".join(body),
        }


def write(n, folder, *, per_file=10_000, seed=2026, first=0):
    """Write the corpus as JSON Lines files of per_file records; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths, handle = [], None
    for i, record in enumerate(generate(n, seed=seed, first=first)):
        if i % per_file == 0:
            if handle:
                handle.close()
            paths.append(folder / f"corpus-{i // per_file:03d}.jsonl")
            handle = paths[-1].open("w", encoding="utf-8")
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    if handle:
        handle.close()
    return paths
