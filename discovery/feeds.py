"""Feeds for any search: Atom (newest matching articles first) and iCalendar (deadlines)."""
import datetime
import re
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import get_language, gettext as _

from archive.models import Article
from archive.text_safety import xml_value
from discovery import snippets
from discovery.facet_table import BY_PARAM
from discovery.service import iter_articles
from discovery.state import SearchState

FEED_ENTRIES = 50
CALENDAR_EVENTS = 1000
SUMMARY_CHARS = 200
_ICS_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ICS_LINE_OCTETS = 75


def _permalink(base_url: str, article: Article) -> str:
    return base_url.rstrip("/") + reverse("discovery:article", args=[article.pk])


def feed_title(state: SearchState) -> str:
    site = _("长三角科技政策资讯库")
    return f"{site}：{state.q}" if state.q else site


class XmlSafeAtom1Feed(Atom1Feed):
    """An Atom feed that leaves out the characters XML cannot carry, whatever the database holds."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*xml_value(args), **xml_value(kwargs))

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(*xml_value(args), **xml_value(kwargs))


def atom_feed(state: SearchState, *, base_url: str, feed_url: str,
              today: datetime.date | None = None) -> XmlSafeAtom1Feed:
    """Return an Atom feed of the newest FEED_ENTRIES articles matching state."""
    newest = state.replace(sort="newest")
    query = newest.query_string()
    feed = XmlSafeAtom1Feed(
        title=feed_title(state),
        link=base_url.rstrip("/") + reverse("discovery:search") + ("" if query == "?" else query),
        description=_("沪苏浙皖科技创新政策与新闻的可检索档案"),
        feed_url=feed_url, feed_guid=feed_url, language=get_language(),
    )
    zone = timezone.get_current_timezone()
    for article in iter_articles(newest, limit=FEED_ENTRIES, today=today):
        link = _permalink(base_url, article)
        day = datetime.datetime.combine(article.published, datetime.time.min, tzinfo=zone)
        text = snippets.plain_summary(article.body or article.title, width=SUMMARY_CHARS)
        feed.add_item(
            title=article.title, link=link, unique_id=link, pubdate=day, updateddate=day,
            # The summary is type="html": escape the text so readers show it, never run it.
            description=escape(text),
            author_name=article.source.name,
            categories=sorted(t.name for t in article.topics.all()),
        )
    return feed


def ics_text(value: object) -> str:
    """Return value escaped as an iCalendar TEXT (RFC 5545, 3.3.11)."""
    value = _ICS_CONTROL_RE.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def fold(line: str) -> str:
    """Return line folded to 75-octet lines (RFC 5545, 3.1), never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > _ICS_LINE_OCTETS:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def calendar(state: SearchState, *, base_url: str, host: str, now: datetime.datetime | None = None,
             today: datetime.date | None = None) -> str:
    """Return an iCalendar document with one all-day event per application deadline in state."""
    now = now or timezone.now()
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    calls = state.replace(deadline=state.deadline or "any", sort="newest")
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Yangtze Delta Sci-Tech Policy Archive//Deadlines//ZH",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
        "X-WR-CALNAME:" + ics_text(_("申报截止日期") + " · " + feed_title(state)),
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for article in iter_articles(calls, limit=CALENDAR_EVENTS, today=today):
        if not article.deadline:
            continue
        link = _permalink(base_url, article)
        details = [article.title, f"{BY_PARAM['source'].label}：{article.source.name}"]
        if article.issuing_bodies:
            details.append(f"{BY_PARAM['issuer'].label}：{'、'.join(article.issuing_bodies)}")
        if article.doc_number:
            details.append(f"{_('发文字号')}：{article.doc_number}")
        details.append(link)
        lines += [
            "BEGIN:VEVENT",
            f"UID:deadline-{article.pk}@{ics_text(host)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{article.deadline:%Y%m%d}",
            f"DTEND;VALUE=DATE:{article.deadline + datetime.timedelta(days=1):%Y%m%d}",
            "SUMMARY:" + ics_text(_("申报截止：%(title)s") % {"title": article.title}),
            "DESCRIPTION:" + ics_text("\n".join(details)),
            "URL:" + link,
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
