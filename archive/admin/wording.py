"""The editors' site in the interface language: history reasons, changed values and import messages.

The stored history reasons and the importer's messages are codes and English text shared with the
command line; the admin shows them in words here, leaving what is stored unchanged.
"""
import re
from datetime import datetime
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy as _
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

REASONS = {
    "publish": _("发布"), "hide": _("隐藏"), "merge": _("合并重复条目"), "unmerge": _("取消合并"),
    "editor": _("编辑修改"), "auto": _("自动标注"), "baseline": _("初始版本"), "import": _("导入"),
}
_RESTORE_RE = re.compile(r"^restore version (\d+)$")
# Importer messages (archive/ingest) -> the interface language; unknown ones are shown as they are.
_MESSAGES = [
    (re.compile(r"^invalid JSON at line (?P<line>\d+), column (?P<col>\d+): (?P<msg>.*)$"),
     _("JSON 格式错误：第 %(line)s 行第 %(col)s 列（%(msg)s）")),
    (re.compile(r"^invalid JSON at column (?P<col>\d+): (?P<msg>.*)$"), _("JSON 格式错误：第 %(col)s 列（%(msg)s）")),
    (re.compile(r"^cannot decode: .*$"), _("无法识别文件编码：不是 UTF-8（含 BOM）、UTF-16 或 GB18030")),
    (re.compile(r"^file is empty$"), _("文件为空")),
    (re.compile(r"^missing date$"), _("缺少日期")),
    (re.compile(r"^missing or empty title$"), _("缺少标题")),
    (re.compile(r"^missing source; pass --source$"), _("缺少来源：请指定来源")),
    (re.compile(r"^date '(?P<text>.*)' has no year; pass --year$"), _("日期“%(text)s”没有年份：请指定年份")),
    (re.compile(r"^unparseable date (?P<text>.*)$"), _("无法识别的日期 %(text)s")),
    (re.compile(r"^date (?P<day>\S+) is in the future$"), _("日期 %(day)s 晚于今天")),
]


def reason_label(code: str | None) -> str:
    """Return a stored history reason in words ("hide" -> 隐藏); "—" when there is none."""
    if not code:
        return "—"
    if match := _RESTORE_RE.match(code):
        return gettext("恢复到版本 %(version)s") % {"version": match[1]}
    return str(REASONS.get(code, code))


def readable_message(text: str) -> str:
    """Return an importer message in the interface language when it is a known one."""
    for regex, template in _MESSAGES:
        if match := regex.match(text or ""):
            return str(template) % match.groupdict() if match.groupdict() else str(template)
    return text


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """Show a changed choice field by its label (已发布 → 已隐藏), not its stored value."""

    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        field = self.model._meta.get_field(change.field)
        if field.choices and value not in (None, ""):
            return dict(field.flatchoices).get(value, value)
        if value in (None, ""):
            return "—"
        return super().prepare_delta_change_value(change, value)


class ReadableHistoryMixin:
    """History pages with Chinese headers, reasons in words and choice labels in the changes."""

    object_history_list_template = "admin/archive/history_list.html"
    model: Any  # the ModelAdmin it is mixed into sets it

    def get_historical_record_context_helper(self, request: HttpRequest,
                                             historical_record: Any) -> ReadableHistoryHelper:
        return ReadableHistoryHelper(self.model, historical_record)

    def set_history_delta_changes(self, request: HttpRequest, historical_records: Any,
                                  foreign_keys_are_objs: bool = True) -> None:
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)  # type: ignore[misc]
        for record in historical_records:
            record.reason_label = reason_label(record.history_change_reason)

    @admin.display(description=_("创建时间"))
    def created_time(self, obj: Any) -> datetime:
        return obj.created_at

    @admin.display(description=_("更新时间"))
    def updated_time(self, obj: Any) -> datetime:
        return obj.updated_at


def readable_results(results: list[dict]) -> list[dict]:
    """Return import results with their messages in the interface language (for display only)."""
    return [{**r, "error": readable_message(r.get("error", "")),
             "rejected": [(n, readable_message(reason)) for n, reason in r.get("rejected", [])]} for r in results]
