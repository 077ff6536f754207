"""import_articles: files that cannot be read and records that are rejected, with their messages and exit codes."""
from tests.import_helpers import *  # noqa: F403


# ---------------------------------------------------------------- files that cannot be read

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
BROKEN_JSON = '[\n  {"title": "量子计算", "time": "2025-01-01",\n   "account": "测试号" "url": "x"}\n]\n'


def _seed_with_stray_bytes():
    data = WECHAT.read_bytes()[:3000]
    data = data[:1500] + b"\xff\xfe\xfd" + data[1500:]
    return data if len(data) % 2 else data + b"\xff"


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("broken.json", BROKEN_JSON.encode(), "invalid JSON at line 3, column 21: Expecting ',' delimiter"),
    ("trailing-comma.json", b'[{"title": "x"},]', "invalid JSON at line 1, column 17: Expecting value"),
    ("truncated.json", WECHAT.read_text(encoding="utf-8")[:20].encode(),  # '[{"文章标识符aid": "2650'
     "invalid JSON at line 1, column 15: Unterminated string starting at"),
    ("photo.json", PNG, UNDECODABLE),
    ("stray-bytes.json", _seed_with_stray_bytes(), UNDECODABLE),
    ("empty.json", b"", "file is empty"),
    ("blank.txt", " \r\n\n\u3000\n".encode(), "file is empty"),
    ("bom-only.json", codecs.BOM_UTF8, "file is empty"),
], ids=["invalid-json", "trailing-comma", "truncated", "png", "stray-bytes", "empty", "blank", "bom-only"])
def test_unreadable_file_exits_2_and_keeps_nothing(tmp_path, name, data, reason):
    """A file that cannot be read: exit 2, `PATH: reason` on stderr, no count line, no rows."""
    path = tmp_path / name
    path.write_bytes(data)
    before = db_counts()
    assert run(path) == (2, "", f"{path}: {reason}\n", UNREADABLE.format(1))
    assert db_counts() == before


def test_missing_path_exits_2(tmp_path):
    """A path that does not exist is reported like an unreadable file."""
    path = tmp_path / "no-such-export.json"
    before = db_counts()
    assert run(path) == (2, "", f"{path}: no such file or directory\n", UNREADABLE.format(1))
    assert db_counts() == before


def test_broken_json_lines_line_is_rejected_and_the_others_kept(tmp_path):
    """JSON Lines with line 3 broken: line 3 is rejected by number, lines 1-2 are imported (exit 1)."""
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(article(i), ensure_ascii=False) for i in (1, 2))
                    + '\n{"title": "第三条", "time": "2025-06-01",}\n', encoding="utf-8")
    before = Article.objects.count()
    result = run(path)
    assert result.code == 1
    assert result.out == line(path, created=2, rejected=1)
    assert result.err == f"{path}:3: invalid JSON at column 39: Expecting property name enclosed in double quotes\n"
    assert Article.objects.count() == before + 2


def test_over_long_title_is_rejected_not_crashing_the_file(tmp_path):
    """A title longer than its column is a rejected record on every database, not a crash."""
    path = write_json(tmp_path, "long.json", [article(1, title="长" * 501), article(2)])
    result = run(path)
    assert result.code == 1
    assert result.err == f"{path}:1: title is 501 characters; the limit is 500\n"
    assert result.out == line(path, created=1, rejected=1)


def test_invalid_manifest_rejects_the_files_it_describes(tmp_path):
    """A manifest.json entry with an unknown key makes the file it names unreadable (exit 2)."""
    page = write_text(tmp_path, "page.txt", "标题\n2024-05-20 09:30\n" + BODY)
    manifest = write_json(tmp_path, "manifest.json", {"files": {"page.txt": {"year": 2024, "author": "x"}}})
    before = db_counts()
    assert run(tmp_path) == (2, "", f"{page}: {manifest}: entry for page.txt must be an object with keys "
                                    "date, source, year\n", UNREADABLE.format(1))
    assert db_counts() == before


@pytest.mark.parametrize("unreadable_first", [True, False])
def test_one_unreadable_file_does_not_stop_the_others(tmp_path, unreadable_first):
    """Two files, one unreadable: the other's good records are imported; exit 1, since a file was read."""
    bad = write_text(tmp_path, "bad.json", BROKEN_JSON)
    good = write_json(tmp_path, "good.json", [article(1), article(2), article(3, title="")])
    articles, sources, batches = db_counts()
    paths = (bad, good) if unreadable_first else (good, bad)
    result = run(*paths)
    assert result == (1, line(good, created=2, rejected=1),
                      (f"{bad}: invalid JSON at line 3, column 21: Expecting ',' delimiter\n"
                       f"{good}:3: missing or empty title\n") if unreadable_first else
                      (f"{good}:3: missing or empty title\n"
                       f"{bad}: invalid JSON at line 3, column 21: Expecting ',' delimiter\n"),
                      UNREADABLE.format(1) + "; 1 record(s) rejected")
    assert db_counts() == (articles + 2, sources + 1, batches + 1)
    assert Article.objects.filter(url__in=[article(1)["url"], article(2)["url"]]).count() == 2
    assert ImportBatch.objects.order_by("-pk").values_list("created", "rejected").first() == (2, 1)


@pytest.mark.parametrize("year", [1989, 2101, 0])
def test_year_out_of_range_exits_2_before_reading(tmp_path, year):
    """--year outside 1990-2100: exit 2 with its message; nothing read, nothing written."""
    path = write_json(tmp_path, "a.json", [article(1)])
    before = db_counts()
    assert run(path, "--year", year) == (2, "", "", f"--year {year} is out of range (1990-2100)")
    assert db_counts() == before


# ---------------------------------------------------------------- records that are rejected

def _tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


BAD_RECORDS = [
    ("int", 42, "record is not an object (got int)"),
    ("string", "上海科技", "record is not an object (got str)"),
    ("null", None, "record is not an object (got null)"),
    ("array", [article(9)], "record is not an object (got list)"),
    ("missing-title", article(9, title=MISSING), "missing or empty title"),
    ("empty-title", article(9, title=""), "missing or empty title"),
    ("blank-title", article(9, title=" \u3000\r\n"), "missing or empty title"),
    ("tags-only-title", article(9, title="<p><br/></p>"), "missing or empty title"),
    ("number-title", article(9, title=2026), "title is not text (got int)"),
    ("missing-date", article(9, time=MISSING), "missing date"),
    ("null-date", article(9, time=None), "missing date"),
    ("blank-date", article(9, time="  "), "missing date"),
    ("words-date", article(9, time="昨天"), "unparseable date '昨天'"),
    ("impossible-date", article(9, time="2025-02-30"), "unparseable date '2025-02-30'"),
    ("bool-date", article(9, time=True), "unparseable date True"),
    ("pre-1990", article(9, time="1989-12-31"), "date 1989-12-31 is before 1990"),
    ("pre-1990-timestamp", article(9, time=0), "date 1970-01-01 is before 1990"),
    ("missing-source", article(9, account=MISSING), "missing source; pass --source"),
    ("list-content", article(9, content=["第一段", "第二段"]), "content is not text (got list)"),
    ("over-limit", article(9, content="科" * 1_000_001),
     "content is 1,000,001 characters; the limit is 1,000,000"),
]


@pytest.mark.parametrize(("bad", "reason"), [case[1:] for case in BAD_RECORDS], ids=[c[0] for c in BAD_RECORDS])
def test_bad_record_is_rejected_and_the_good_ones_kept(tmp_path, bad, reason):
    """One bad record between two good ones: exit 1, `PATH:2: reason`, the good two imported."""
    path = write_json(tmp_path, "mixed.json", [article(1), bad, article(2)])
    articles = Article.objects.count()
    assert run(path) == (1, line(path, created=2, rejected=1), f"{path}:2: {reason}\n", REJECTED.format(1))
    assert Article.objects.count() == articles + 2
    assert Article.objects.filter(url__in=[article(1)["url"], article(2)["url"]]).count() == 2
    assert not Article.objects.filter(url=article(9)["url"]).exists()


def test_future_date_is_rejected(tmp_path):
    """A date after today (China time) is rejected, naming the date; today itself is fine."""
    tomorrow, today = _tomorrow(), timezone.localdate()
    path = write_json(tmp_path, "dates.json", [article(1, time=today.isoformat()),
                                               article(2, time=tomorrow.strftime("%Y/%m/%d"))])
    assert run(path) == (1, line(path, created=1, rejected=1),
                         f"{path}:2: date {tomorrow.isoformat()} is in the future\n", REJECTED.format(1))
    assert Article.objects.get(url=article(1)["url"]).published == today
    assert not Article.objects.filter(url=article(2)["url"]).exists()


def test_yearless_date_needs_year(tmp_path):
    """A JSON date like 3月15日: rejected without --year, dated in that year with it."""
    path = write_json(tmp_path, "yearless.json", [article(1, time="3月15日")])
    before = db_counts()
    assert run(path) == (1, line(path, rejected=1), f"{path}:1: date '3月15日' has no year; pass --year\n",
                         REJECTED.format(1))
    assert db_counts() == before
    assert run(path, "--year", "2025") == (0, line(path, created=1), "", "")
    assert Article.objects.get(url=article(1)["url"]).published == datetime.date(2025, 3, 15)


def test_yearless_page_without_year_rejects_every_story(tmp_path):
    """Seed 000 with --source but no --year and no manifest: every story is rejected, naming the
    date that has no year; nothing is written (exit 1: the file itself was readable)."""
    path = Path(shutil.copy(PAGES, tmp_path))
    before = db_counts()
    dates = ["3月15日", "3月15日", "3月14日", "3月12日", "3月12日"]
    assert run(path, "--source", "长三角报摘") == (
        1, line(path, rejected=5),
        "".join(f"{path}:{n}: date '{d}' has no year; pass --year\n" for n, d in enumerate(dates, 1)),
        REJECTED.format(5))
    assert db_counts() == before


def test_ten_megabyte_record_is_rejected_and_the_rest_kept(tmp_path):
    """A record with ~3.4 million characters of content (a ~10 MB file) is rejected by size."""
    huge = article(9, content="长三角科创" * 680_000)
    path = write_json(tmp_path, "huge.json", [article(1), huge])
    assert path.stat().st_size > 10_000_000
    assert run(path) == (1, line(path, created=1, rejected=1),
                         f"{path}:2: content is 3,400,000 characters; the limit is 1,000,000\n",
                         REJECTED.format(1))
    assert Article.objects.filter(url=article(1)["url"]).exists()
    assert not Article.objects.filter(url=huge["url"]).exists()


def test_content_at_the_limit_is_imported(tmp_path):
    """Exactly 1,000,000 characters of content is accepted and stored."""
    paragraphs = "\r".join(f"第{i:06d}段：上海推进科技创新中心建设，长三角协同攻关。" for i in range(40_000))
    content = paragraphs[:1_000_000]
    assert len(content) == 1_000_000
    path = write_json(tmp_path, "long.json", [article(1, content=content)])
    assert run(path) == (0, line(path, created=1), "", "")
    body = Article.objects.get(url=article(1)["url"]).body
    assert body.startswith("第000000段：") and len(body) > 990_000


HTML = ("<section><p>第一段：上海发布集成电路产业新政，支持企业加大研发投入。</p>"
        "<script type=\"text/javascript\">document.write('窃取信息');alert(1)</script>"
        "<style>p { color: red }</style>"
        "<p>第二段：政策覆盖设计、制造&amp;封装测试全链条&nbsp;环节。</p><br/>"
        "<!-- 注释 --><div>第三段：<a href=\"https://example.org\">申报指南</a>另行发布。</div></section>")


def test_html_in_content_is_reduced_to_plain_text(tmp_path):
    """HTML content: tags gone, <script>/<style> content gone, entities decoded, blocks as paragraphs."""
    path = write_json(tmp_path, "html.json", [article(1, title="<b>集成电路</b>产业新政&amp;解读", content=HTML)])
    assert run(path) == (0, line(path, created=1), "", "")
    stored = Article.objects.get(url=article(1)["url"])
    assert stored.title == "集成电路产业新政&解读"
    assert stored.body == ("第一段：上海发布集成电路产业新政，支持企业加大研发投入。\n\n"
                           "第二段：政策覆盖设计、制造&封装测试全链条 环节。\n\n"
                           "第三段：申报指南另行发布。")
    for gone in ("<", ">", "窃取信息", "alert", "color", "注释"):
        assert gone not in stored.body


@pytest.mark.parametrize("shape", ["json", "text"])
def test_control_characters_are_stripped(tmp_path, shape):
    """Control and zero-width characters are removed from the stored title and body."""
    title = "量子\x00计算\x07新\u200b进展\x1b"
    paragraphs = ["第一段\x01：上海量子\u200d计算研发平台\x7f建成，算力规模全国领先。",
                  "第二段\x08：\ufeff平台向长三角企业开放\x1f，首批用户已签约入驻。"]
    if shape == "json":
        path = write_json(tmp_path, "ctl.json", [article(1, title=title, content="\r".join(paragraphs))])
        options = ()
    else:
        title, paragraphs = title.replace("\x00", ""), [p.replace("\x00", "") for p in paragraphs]
        path = write_text(tmp_path, "ctl.txt", "\n".join([title, "2024-05-20 09:30", *paragraphs]))
        options = ("--source", "上海市科委网站")
    assert run(path, *options) == (0, line(path, created=1), "", "")
    stored = Article.objects.get(title="量子计算新进展")
    assert stored.body == ("第一段：上海量子计算研发平台建成，算力规模全国领先。\n\n"
                           "第二段：平台向长三角企业开放，首批用户已签约入驻。")
