"""import_articles on every input shape the seeds show, run twice, and its dry run (contract: tests/import_helpers.py)."""
from tests.import_helpers import *  # noqa: F403


# ---------------------------------------------------------------- input shapes

def test_seed_wechat_json_imports_every_record():
    """Seed 001 as exported (mixed Chinese/English keys) gives 54 articles with parsed fields."""
    clear_articles()
    result = run(WECHAT)
    assert result == (0, line(WECHAT, created=54), "", "")
    assert Article.objects.count() == 54
    first = Article.objects.get(title="AI的下一个前沿阵地是什么？AAAI 2026大会上，周伯文谈AI精专通才之路")
    assert first.published == datetime.date(2026, 2, 5)  # "2026/2/5"
    assert first.source.name == "上海科技"
    assert first.source.biz == "MzA3Mzg1NzkxMQ=="
    assert first.url == ("https://mp.weixin.qq.com/s?__biz=MzA3Mzg1NzkxMQ==&mid=2650224682&idx=1"
                         "&sn=264a60b37ad08befbfb7f83612765b3f")  # chksm and #rd dropped
    assert first.external_id == "2650224682_1"
    assert first.body.startswith("如果说ChatGPT让大模型成了“通才”")
    assert "\r" not in first.body and "\n\n近日，第四十届人工智能协会年会" in first.body
    assert first.raw == seed_records()[0]  # the record is kept verbatim


def test_seed_wechat_json_already_imported_is_unchanged():
    """A copy of seed 001 against the archive that imported it: 54 unchanged, no new batch."""
    before = db_counts()
    assert run(WECHAT) == (0, line(WECHAT, unchanged=54), "", "")
    assert db_counts() == before


def _snapshot_then_clear(records):
    urls = [canonical_wechat_url(r["链接url"]) for r in records]
    snapshot = {a.url: fields(a) for a in Article.objects.filter(url__in=urls).select_related("source")}
    assert len(snapshot) == len(records)
    clear_articles()
    return snapshot


@pytest.mark.parametrize("shape", ["json", "jsonl"])
def test_plain_english_keys_import_like_the_seed_keys(tmp_path, shape):
    """Records keyed aid/title/url/time/account/content (JSON array or JSON Lines) give the
    same articles as the seed's mixed keys did."""
    records = seed_records()
    snapshot = _snapshot_then_clear(records)
    writer = write_json if shape == "json" else write_jsonl
    path = writer(tmp_path, f"plain.{shape}", [plain(r) for r in records])
    assert run(path) == (0, line(path, created=54), "", "")
    stored = {a.url: fields(a) for a in Article.objects.select_related("source")}
    assert stored == snapshot


def test_json_lines_numbers_records_by_line(tmp_path):
    """JSON Lines: blank lines are skipped, and a rejected record is named by its line number."""
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join([json.dumps(article(1), ensure_ascii=False), "",
                               json.dumps(article(2), ensure_ascii=False),
                               json.dumps(article(3, time=None), ensure_ascii=False), ""]),
                    encoding="utf-8")
    result = run(path)
    assert result == (1, line(path, created=2, rejected=1), f"{path}:4: missing date\n", REJECTED.format(1))
    assert Article.objects.filter(url__in=[article(1)["url"], article(2)["url"]]).count() == 2


def test_single_json_object_is_one_record(tmp_path):
    """A file holding one JSON object (not an array) imports that one article."""
    record = article(1)
    path = write_json(tmp_path, "one.json", record)
    assert run(path) == (0, line(path, created=1), "", "")
    stored = Article.objects.get(url=record["url"])
    assert (stored.title, stored.published, stored.source.name) == (
        record["title"], datetime.date(2025, 6, 1), "导入测试号")
    assert stored.body == f"第1号测试稿。{BODY}\n\n{BODY}第1段结束。"


def test_folder_is_walked_recursively_without_manifest_or_hidden_files(tmp_path):
    """A folder: every file below it in name order; manifest.json gives options, is not data;
    hidden files are skipped."""
    folder = tmp_path / "batch"
    a = write_json(folder, "a.json", [article(1), article(2)])
    page = write_text(folder, "page.txt", "长三角科技创新券实现通用通兑\n"
                      "记者从上海市科委获悉，长三角科技创新券已在三省一市实现通用通兑，企业可跨区域购买检验检测服务。\n"
                      "「来源:5月20日《测试晚报》」\n")
    b = write_jsonl(folder, "sub/deeper/b.jsonl", [article(3)])
    write_json(folder, "manifest.json", {"about": "import options", "files": {"page.txt": {"year": 2024}}})
    (folder / "sub" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1\x00\x00\x10\x00")
    result = run(folder)
    assert result == (0, line(a, created=2) + line(page, created=1) + line(b, created=1), "", "")
    story = Article.objects.get(title="长三角科技创新券实现通用通兑")
    assert (story.published, story.source.name) == (datetime.date(2024, 5, 20), "测试晚报")
    assert Article.objects.filter(url=article(3)["url"]).exists()


TEXT_PARAGRAPHS = ["5月20日，上海市科委发布量子科技产业发展行动方案，提出到2027年建成若干量子计算研发平台。",
                   "方案明确，支持高校、科研院所与企业联合攻关，加快量子通信网络建设。"]


@pytest.mark.parametrize(("header", "options", "source"), [
    ("2024-05-20 09:30:00", ("--source", "上海市科委网站"), "上海市科委网站"),
    ("2024年5月20日 09:30", ("--source", "上海市科委网站"), "上海市科委网站"),
    ("2024-05-20 09:30 来源:东方网", (), "东方网"),
], ids=["iso-header+source", "chinese-header+source", "header-names-source"])
def test_plain_text_article_with_date_header(tmp_path, header, options, source):
    """Plain text: first line is the title, the header line gives the date (and maybe source)."""
    title = "上海发布量子科技产业发展行动方案"
    path = write_text(tmp_path, "article.txt", "\n\n".join([title, header, *TEXT_PARAGRAPHS]) + "\n")
    assert run(path, *options) == (0, line(path, created=1), "", "")
    stored = Article.objects.get(title=title)
    assert stored.published == datetime.date(2024, 5, 20)
    assert stored.source.name == source
    assert stored.body == "\n\n".join(TEXT_PARAGRAPHS)


def test_plain_text_article_without_any_source_is_rejected(tmp_path):
    """Plain text naming no source and no --source: the story is rejected, asking for --source."""
    path = write_text(tmp_path, "article.txt",
                      "\n".join(["上海发布量子科技产业发展行动方案", "2024-05-20 09:30:00", *TEXT_PARAGRAPHS]))
    before = db_counts()
    assert run(path) == (1, line(path, rejected=1), f"{path}:1: missing source; pass --source\n",
                         REJECTED.format(1))
    assert db_counts() == before


PAGE_STORIES = [  # (source, date, title or None when the story has no headline of its own)
    ("解放日报", datetime.date(2026, 3, 15), "上海向全球投资者推出21项新质要素"),
    ("新华日报", datetime.date(2026, 3, 15), "江苏发布脑机接口 产业创新发展行动方案"),
    ("浙江日报", datetime.date(2026, 3, 14), "嘉兴加码培育未来产业 推出43条经济新政"),
    ("安徽日报", datetime.date(2026, 3, 12), None),
    # The tail after the last source line: its 编后 note went to the story before it.
    ("长三角报摘", datetime.date(2026, 3, 12), "“上海(长三角)国际科创中心”——一个括号的变化 这意味着什么"),
]
REPEATED = "“随着上海(长三角)国际科技创新中心启动建设,长三角科技创新和产业创新的跨区域协同也将迈入新阶段"


@pytest.mark.parametrize("how", ["options", "manifest"])
def test_multi_story_page_with_year_and_source(tmp_path, how):
    """Seed 000: five stories, each dated by its closing 「来源:3月15日《解放日报》」 line plus
    the year from --year or from a manifest.json beside the page; the repeated paragraph
    (11 copies in the page) is kept once."""
    clear_articles()
    folder = tmp_path / "pages"
    folder.mkdir()
    path = Path(shutil.copy(PAGES, folder))
    if how == "manifest":
        shutil.copy(FIXTURES / "manifest.json", folder)
        result = run(path)
    else:
        result = run(path, *PAGES_OPTIONS)
    assert result == (0, line(path, created=5), "", "")
    stored = list(Article.objects.order_by("pk").select_related("source"))
    assert [(a.source.name, a.published) for a in stored] == [(s, d) for s, d, _ in PAGE_STORIES]
    assert [a.title for a, (_, _, title) in zip(stored, PAGE_STORIES) if title] == [
        title for _, _, title in PAGE_STORIES if title]
    assert stored[3].body.count(REPEATED) == 1
    assert all("「来源" not in a.body for a in stored)


SIDEBAR = ["iPhone 15相机大升级:媲美全画幅单反", "河北初中信息科技考试方案发布:满分10分,计入中考总分",
           "南通主城区一宗优质地块成功出让", "2023-05-29", "2023-05-30"]


def test_scraped_page_drops_sidebar_and_placeholders(tmp_path):
    """Seed 002: header line gives date and source; the sidebar tail of headline/date pairs
    and the 【资料图】 placeholder are not in the stored body."""
    clear_articles()
    path = Path(shutil.copy(SCRAPED, tmp_path))
    assert run(path) == (0, line(path, created=1), "", "")
    stored = Article.objects.get()
    assert stored.title == "环球微头条丨扎实推进长三角一体化高质量发展 | 长三角合力构建科创共同体"
    assert (stored.published, stored.source.name) == (datetime.date(2023, 6, 1), "百度新闻")
    assert stored.body.startswith("长三角是全国创新能力最强的区域之一。")
    assert stored.body.endswith("新华日报·交汇点记者 蔡姝雯 张宣\n\n上观号作者:交汇点")
    assert "资料图" not in stored.body
    assert "突破核心技术“命门”" in stored.body.split("\n\n")
    for headline in SIDEBAR:
        assert headline not in stored.body
    assert stored.title not in stored.body  # the sidebar repeats the page's own headline too


def test_scraped_page_keeps_a_paragraph_scraped_many_times_once(tmp_path):
    """Seed 002 with one paragraph scraped three times over: stored once."""
    text = SCRAPED.read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n") if p.startswith("扎根长三角,面向全世界。"))
    path = write_text(tmp_path, "002_repeated.txt", text.replace(paragraph, "\n\n".join([paragraph] * 3)))
    clear_articles()
    assert run(path) == (0, line(path, created=1), "", "")
    body = Article.objects.get().body
    assert body.split("\n\n").count(paragraph) == 1


def _titles_after_import(path, *options):
    clear_articles()
    result = run(path, *options)
    assert (result.code, result.err) == (0, "")
    return sorted(Article.objects.values_list("title", flat=True))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gb18030"])
@pytest.mark.parametrize("seed", ["json", "page"])
def test_other_encodings_import_the_same_titles_as_utf8(tmp_path, seed, encoding):
    """UTF-8 with BOM, UTF-16 with BOM and GB18030 files give exactly the UTF-8 titles."""
    source, options, count = (WECHAT, (), 54) if seed == "json" else (PAGES, PAGES_OPTIONS, 5)
    text = source.read_text(encoding="utf-8")
    encoded = write_text(tmp_path, f"{seed}.{encoding}.txt", text, encoding=encoding)
    if encoding != "gb18030":
        assert encoded.read_bytes().startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    utf8_titles = _titles_after_import(source, *options)
    assert len(utf8_titles) == count
    if seed == "json":
        assert utf8_titles == sorted(" ".join(r["标题title"].split()) for r in seed_records())  # spaces collapsed
    assert _titles_after_import(encoded, *options) == utf8_titles


# ---------------------------------------------------------------- idempotence

@pytest.mark.parametrize("shape", ["json", "jsonl", "text"])
def test_importing_the_same_file_twice_changes_nothing(tmp_path, shape):
    """Second import of a file: everything unchanged, no rows, no batch, same row values."""
    if shape == "text":
        path = write_text(tmp_path, "a.txt", "\n".join(["上海发布量子科技产业发展行动方案",
                                                        "2024-05-20 09:30 来源:东方网", *TEXT_PARAGRAPHS]))
        n = 1
    else:
        writer = write_json if shape == "json" else write_jsonl
        path = writer(tmp_path, f"a.{shape}", [article(i) for i in range(1, 4)])
        n = 3
    articles, sources, batches = db_counts()
    assert run(path) == (0, line(path, created=n), "", "")
    assert db_counts() == (articles + n, sources + 1, batches + 1)
    rows = {a.pk: (a.record_hash, a.updated_at) for a in Article.objects.all()}
    assert run(path) == (0, line(path, unchanged=n), "", "")
    assert db_counts() == (articles + n, sources + 1, batches + 1)
    assert {a.pk: (a.record_hash, a.updated_at) for a in Article.objects.all()} == rows


def test_changed_title_under_same_url_updates_one_row(tmp_path):
    """Re-importing seed 001 with one record's title edited: 1 updated, 53 unchanged."""
    records = seed_records()
    records[3] = {**records[3], "标题title": "【更正】" + records[3]["标题title"]}
    path = write_json(tmp_path, "001_edited.json", records)
    articles, sources, batches = db_counts()
    assert run(path) == (0, line(path, updated=1, unchanged=53), "", "")
    assert db_counts() == (articles, sources, batches + 1)
    stored = Article.objects.get(url=canonical_wechat_url(records[3]["链接url"]))
    assert stored.title == records[3]["标题title"]
    assert stored.raw == records[3]
    assert ImportBatch.objects.order_by("-pk").values_list("created", "updated", "unchanged").first() == (
        0, 1, 53)


URL = "http://mp.weixin.qq.com/s?__biz=MzA3Mzg1NzkxMQ==&mid=2659990001&idx=1&sn=0123456789abcdef"
CANONICAL = "https://mp.weixin.qq.com/s?__biz=MzA3Mzg1NzkxMQ==&mid=2659990001&idx=1&sn=0123456789abcdef"


@pytest.mark.parametrize("variant", [
    URL + "&chksm=870b3632b07cbf24c56155fb6dd612c3#rd",
    URL + "#rd",
    URL + "&scene=21#wechat_redirect",
    URL.replace("&", "&amp;").replace("http:", "https:") + "&amp;chksm=1234abcd",
], ids=["chksm", "rd", "scene", "escaped-https"])
def test_same_article_under_volatile_url_variants_is_one_row(tmp_path, variant):
    """Two URLs that differ only in chksm / #rd / scene are one article: the second is a duplicate."""
    first = article(1, url=URL)
    second = article(1, url=variant)
    path = write_json(tmp_path, "twice.json", [first, second])
    articles = Article.objects.count()
    assert run(path) == (0, line(path, created=1, duplicate=1), "", "")
    assert Article.objects.count() == articles + 1
    assert Article.objects.filter(url=CANONICAL).count() == 1


def test_seed_record_under_volatile_url_variants_in_two_files_is_one_row(tmp_path):
    """A seed record already imported, met again in two files of one run with other chksm/scene."""
    record = seed_records()[0]
    url = record["链接url"]
    a = write_json(tmp_path, "a.json", [record])
    b = write_json(tmp_path, "b.json", [{**record, "链接url": url.replace("chksm=870b", "chksm=999b")},
                                        {**record, "链接url": url.replace("#rd", "&scene=21#wechat_redirect")}])
    before = db_counts()
    assert run(a, b) == (0, line(a, unchanged=1) + line(b, duplicate=2), "", "")
    assert db_counts() == before
    assert Article.objects.filter(url=canonical_wechat_url(url)).count() == 1


def test_same_content_under_another_url_is_a_duplicate(tmp_path):
    """Seed content republished under another article URL (against the archive, and twice within
    one file): reported as duplicate, nothing inserted."""
    records = seed_records()
    repost = moved(records[1], 2659990099)
    fresh, fresh_again = article(7), article(7, url="https://example.org/elsewhere/7", aid="other-7")
    path = write_json(tmp_path, "reposts.json", [repost, fresh, fresh_again])
    articles = Article.objects.count()
    assert run(path) == (0, line(path, created=1, duplicate=2), "", "")
    assert Article.objects.count() == articles + 1
    assert not Article.objects.filter(url=canonical_wechat_url(repost["链接url"])).exists()
    assert not Article.objects.filter(url=fresh_again["url"]).exists()


def test_dry_run_reports_counts_and_writes_nothing(tmp_path):
    """--dry-run: the same count lines as a real run, then a notice; no rows, sources or batches."""
    path = write_json(tmp_path, "new.json", [article(1), article(2, account="干运行新来源"), article(3, time="")])
    before = db_counts()
    expected_err = f"{path}:3: missing date\n"
    dry = run("--dry-run", path)
    assert dry == (1, line(path, created=2, rejected=1) + "dry run: nothing was written\n", expected_err,
                   REJECTED.format(1))
    assert db_counts() == before
    assert not Source.objects.filter(name="干运行新来源").exists()
    assert run(path) == (1, line(path, created=2, rejected=1), expected_err, REJECTED.format(1))
    assert Article.objects.count() == before[0] + 2


def test_dry_run_counts_match_a_real_run_across_files(tmp_path):
    """The same record in two files: a real run says created 1 / duplicate 1; so should --dry-run."""
    a = write_json(tmp_path, "a.json", [article(1)])
    b = write_json(tmp_path, "b.json", [article(1)])
    dry = run("--dry-run", a, b)
    assert dry.out == line(a, created=1) + line(b, duplicate=1) + "dry run: nothing was written\n"


# ---------------------------------------------------------------- empty content and the index

@pytest.mark.parametrize(("index", "content", "query"), [
    (5, BOILERPLATE, "回望"),  # seed 001 record 6 as exported
    (32, "", "超导"),  # seed 001 record 33 as exported
    (47, None, "纤维芯片"),  # seed 001 record 48, its "" content made null
], ids=["boilerplate", "empty", "null"])
def test_empty_content_is_imported_and_found_by_its_title_only(tmp_path, temp_index,
                                                                django_capture_on_commit_callbacks,
                                                                index, content, query):
    """Empty or share-boilerplate-only content: stored with is_empty=True, found by its title
    after a real article with the same title word, and never by its body."""
    seed = seed_records()[index]
    assert query in seed["标题title"] and seed["finalContent"] in (BOILERPLATE, "")
    empty = moved({**seed, "finalContent": content}, 2659990077)
    full = article(1, title=f"{query}研究取得新突破")
    path = write_json(tmp_path, "mixed.json", [plain(empty), full])
    with django_capture_on_commit_callbacks(execute=True):
        assert run(path) == (0, line(path, created=2), "", "")
    stored = Article.objects.get(url=canonical_wechat_url(empty["链接url"]))
    assert (stored.title, stored.body, stored.is_empty) == (seed["标题title"], "", True)
    assert Article.objects.get(url=full["url"]).is_empty is False
    assert found_titles(query) == [full["title"], seed["标题title"]]  # the one with a body first
    assert found_titles("点赞") == []  # boilerplate is not searched


def test_real_import_after_dry_run_in_same_process_is_indexed(tmp_path, temp_index,
                                                              django_capture_on_commit_callbacks):
    """--dry-run then a real import in one process: the imported article is searchable.

    Regression: the dry run's rolled-back transaction used to leave search.signals' pending
    set filled, so the on-commit index flush was never registered again in that thread."""
    first = write_json(tmp_path, "first.json", [article(2, title="钙钛矿材料稳定性研究")])
    with django_capture_on_commit_callbacks(execute=True):
        assert run(first) == (0, line(first, created=1), "", "")
    assert found_titles("钙钛矿") == ["钙钛矿材料稳定性研究"]  # indexing on commit works
    path = write_json(tmp_path, "new.json", [article(1, title="钙钛矿叠层电池效率创纪录")])
    assert run("--dry-run", path).out == line(path, created=1) + "dry run: nothing was written\n"
    with django_capture_on_commit_callbacks(execute=True):
        assert run(path) == (0, line(path, created=1), "", "")
    assert sorted(found_titles("钙钛矿")) == ["钙钛矿叠层电池效率创纪录", "钙钛矿材料稳定性研究"]
