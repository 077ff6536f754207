"""import_articles on dates in the text, roundup pages, exporters' formats, and inputs that are not readable files."""
from tests.import_helpers import *  # noqa: F403


# ---------------------------------------------------------------- issue 16: dates in the text, roundups, new formats

INPUTS = Path(__file__).resolve().parent / "data" / "inputs"
NO_DATE = "no date in the text; pass --date YYYY-MM-DD"
DATELINE_PAGE = ("长三角科创共同体建设推进会在沪举行\n\n"
                 "10月26日，在上海普陀区举行的长三角科技创新共同体建设推进会上，三省一市科技部门发布协同创新行动方案。\n\n"
                 "方案提出，到2027年基本建成具有全球影响力的科技创新高地。\n")


def test_page_dated_only_by_its_dateline_imports_with_year(tmp_path):
    """No header line: the dateline of the first paragraph dates the page, with --year for the year."""
    path = write_text(tmp_path, "page.txt", DATELINE_PAGE)
    assert run(path, "--source", "澎湃新闻") == (
        1, line(path, rejected=1), f"{path}:1: date '10月26日' has no year; pass --year\n", REJECTED.format(1))
    assert run(path, "--source", "澎湃新闻", "--year", "2025") == (0, line(path, created=1), "", "")
    assert Article.objects.get(title="长三角科创共同体建设推进会在沪举行").published == datetime.date(2025, 10, 26)


def test_date_option_and_manifest_date_set_the_page_date(tmp_path):
    """--date (or a manifest's date) dates a page outright; a page with no date names --date."""
    text = DATELINE_PAGE.replace("10月26日，", "近日，")
    path = write_text(tmp_path, "a/page.txt", text)
    assert run(path, "--source", "澎湃新闻") == (1, line(path, rejected=1), f"{path}:1: {NO_DATE}\n",
                                                 REJECTED.format(1))
    assert run(path, "--source", "澎湃新闻", "--date", "2025-10-27") == (0, line(path, created=1), "", "")
    assert Article.objects.get(title="长三角科创共同体建设推进会在沪举行").published == datetime.date(2025, 10, 27)
    other = write_text(tmp_path, "b/page.txt", text.replace("长三角科创", "长三角科技").replace("三省一市", "沪苏浙皖"))
    write_json(tmp_path, "b/manifest.json", {"files": {"page.txt": {"date": "2025-10-28", "source": "澎湃新闻"}}})
    assert run(other) == (0, line(other, created=1), "", "")
    assert Article.objects.get(title="长三角科技共同体建设推进会在沪举行").published == datetime.date(2025, 10, 28)


@pytest.mark.parametrize(("value", "message"), [
    ("2025/10/27", "--date '2025/10/27' is not a date (YYYY-MM-DD)"),
    ("2999-01-01", "--date 2999-01-01 is out of range (1990 to today)"),
])
def test_bad_date_option_exits_2(tmp_path, value, message):
    path = write_text(tmp_path, "page.txt", DATELINE_PAGE)
    assert run(path, "--date", value) == (2, "", "", message)


def test_roundup_page_imports_one_article_per_brief(tmp_path):
    """The team's roundup page: the essay and five briefs, each with its date and region."""
    folder = tmp_path / "pages"
    path = Path(shutil.copy(INPUTS / "team_roundup_page.txt", folder.mkdir() or folder))
    assert run(path, "--year", "2025", "--source", "澎湃新闻") == (0, line(path, created=6), "", "")
    brief = Article.objects.get(title="苏州海关支持集成电路企业通关便利化")
    assert (brief.published, brief.region_list) == (datetime.date(2025, 10, 26), ["江苏"])
    assert brief.body.startswith("苏州海关近日出台")


def test_dry_run_verbose_shows_each_story_of_a_digest(tmp_path):
    """--dry-run -v 2 on seed 000: one line per story (outcome, date, source, regions, title) and its body start."""
    path = Path(shutil.copy(PAGES, tmp_path))
    clear_articles()
    result = run(path, *PAGES_OPTIONS, "--dry-run", "-v", "2")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == line(path, created=5).strip()
    assert lines[1] == f"  {path}:1: created | 2026-03-15 | 解放日报 | 上海 | 上海向全球投资者推出21项新质要素"
    assert lines[2].startswith("      星环聚能创始人兼CEO陈锐在2026上海全球投资促进大会现场讲述与上海缘分。")
    assert lines[3] == f"  {path}:2: created | 2026-03-15 | 新华日报 | 江苏 | 江苏发布脑机接口 产业创新发展行动方案"
    assert lines[9] == (f"  {path}:5: created | 2026-03-12 | 长三角报摘 | 上海 江苏 浙江 安徽 | "
                        "“上海(长三角)国际科创中心”——一个括号的变化 这意味着什么")
    assert lines[-1] == "dry run: nothing was written"
    assert Article.objects.count() == 0


NEW_FORMATS = [
    ("gne_wechat_2.html", (), 1),
    ("gne_people_1.html", (), 1),
    ("fuyao_brain_interface.md", (), 1),
    ("wechat_list_ruanyifeng.csv", ("--source", "阮一峰的网络日志"), 30),
    ("wechat_list_zhongshanqingfeng.xlsx", (), 60),
    ("team_roundup_page.txt", ("--year", "2025", "--source", "澎湃新闻"), 6),
]


@pytest.mark.parametrize(("name", "options", "n"), NEW_FORMATS, ids=[c[0] for c in NEW_FORMATS])
def test_each_new_format_imported_twice_is_unchanged(tmp_path, name, options, n):
    """A real sample of each new format: created, then unchanged; the raw original kept verbatim."""
    path = Path(shutil.copy(INPUTS / name, tmp_path))
    assert run(path, *options) == (0, line(path, created=n), "", "")
    rows = {a.pk: (a.record_hash, a.updated_at) for a in Article.objects.all()}
    assert run(path, *options) == (0, line(path, unchanged=n), "", "")
    assert {a.pk: (a.record_hash, a.updated_at) for a in Article.objects.all()} == rows
    if n == 1:
        assert Article.objects.order_by("-pk").first().raw == path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_lists_imported_twice_are_unchanged_and_link_only_rows_flagged(tmp_path, suffix):
    """A list with title/link/time/account columns and no content: link-only records, flagged empty."""
    rows = [["标题", "链接", "发布时间", "公众号"],
            ["钙钛矿叠层电池效率创纪录", "https://example.org/list/1", "2025-06-01", "列表测试号"],
            ["量子计算原型机发布", "https://example.org/list/2", "2025-06-02", "列表测试号"]]
    path = tmp_path / f"list.{suffix}"
    if suffix == "csv":
        path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8-sig")
    else:
        import openpyxl

        book = openpyxl.Workbook()
        for r in rows:
            book.active.append(r)
        book.save(path)
    assert run(path) == (0, line(path, created=2), "", "")
    assert run(path) == (0, line(path, unchanged=2), "", "")
    stored = Article.objects.get(url="https://example.org/list/1")
    assert (stored.is_empty, stored.body, stored.raw["公众号"]) == (True, "", "列表测试号")


def test_real_excel_list_gives_link_only_records_with_each_row_kept(tmp_path):
    """The crawler's real workbook: account from its 公众号名称 column, the link's &amp; unescaped, every cell kept."""
    path = Path(shutil.copy(INPUTS / "wechat_list_zhongshanqingfeng.xlsx", tmp_path))
    assert run(path) == (0, line(path, created=60), "", "")
    stored = Article.objects.get(title="亚洲监察专员协会会议在南京召开")
    assert (stored.published, stored.source.name, stored.is_empty, stored.body) == (
        datetime.date(2025, 9, 10), "钟山清风", True, "")
    assert stored.url == ("https://mp.weixin.qq.com/s?__biz=Mzg3MzcwMjI5NQ==&mid=2247521650&idx=1"
                          "&sn=02cfd0bf670a31971d59cb4bb2d0b08b")
    assert (stored.raw["单位名称"], stored.raw["阅读量"], stored.raw["抓取时间"]) == (
        "市纪委监委机关", 3870, "2025-09-24 14:24:50")


def test_a_folder_may_mix_formats(tmp_path):
    folder = tmp_path / "mixed"
    for name in ("gne_wechat_1.html", "gne_xinhuanet_1.html", "fuyao_6g_white_paper.md"):
        shutil.copy(INPUTS / name, (folder.mkdir(exist_ok=True) or folder) / name)
    write_json(folder, "manifest.json", {"files": {"gne_xinhuanet_1.html": {"source": "新华网"}}})
    write_json(folder, "feed.json", [article(1)])
    result = run(folder)
    assert result.code == 0 and result.err == ""
    assert result.out.count("created 1,") == 4


# ---------------------------------------------------------------- issue 14 item 5: input that is not a readable file

def test_json_nested_100000_deep_is_an_unreadable_file_not_a_traceback(tmp_path):
    bad = write_text(tmp_path, "deep.json", "[" * 100_000)
    good = write_json(tmp_path, "good.json", [article(1)])
    assert run(bad) == (2, "", f"{bad}: JSON nested more than 100 levels deep\n", UNREADABLE.format(1))
    result = run(bad, good)  # the good file after it is still imported; exit 1 as one file was read
    assert result == (1, line(good, created=1), f"{bad}: JSON nested more than 100 levels deep\n",
                      UNREADABLE.format(1))


def test_record_nested_too_deep_is_rejected_alone(tmp_path):
    deep = {"title": "x", "nested": json.loads("[" * 150 + "]" * 150)}
    path = write_json(tmp_path, "records.json", [article(1), deep])
    assert run(path) == (1, line(path, created=1, rejected=1),
                         f"{path}:2: record nested more than 100 levels deep\n", REJECTED.format(1))


def test_fifo_and_device_are_reported_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert run(fifo) == (2, "", f"{fifo}: is a FIFO, not a regular file\n", UNREADABLE.format(1))
    assert run("/dev/null") == (2, "", "/dev/null: is a character device, not a regular file\n",
                                UNREADABLE.format(1))
    good = write_json(tmp_path, "good.json", [article(1)])
    assert run(tmp_path) == (1, line(good, created=1), f"{fifo}: is a FIFO, not a regular file\n",
                             UNREADABLE.format(1))


def test_empty_folder_is_reported(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert run(folder) == (2, "", f"{folder}: the folder holds no files to import\n", UNREADABLE.format(1))


def test_unreadable_folder_is_reported_and_the_others_imported(tmp_path, monkeypatch):
    """Tests run as root, for whom chmod 000 changes nothing: the folder's listing fails as it would."""
    locked = tmp_path / "locked"
    write_json(locked, "inside.json", [article(2)])
    good = write_json(tmp_path, "good.json", [article(1)])
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert run(tmp_path) == (1, line(good, created=1),
                             f"{locked}: cannot read the folder: permission denied\n", UNREADABLE.format(1))


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    path = write_json(tmp_path, "secret.json", [article(1)])
    real_open = os.open

    def deny(file, flags, *args, **kwargs):
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    assert run(path) == (2, "", f"{path}: permission denied\n", UNREADABLE.format(1))
