"""Import batches in the editors' site, and importing uploaded files through the command's pipeline."""
import tempfile
from collections.abc import Iterable
from datetime import date as Date
from pathlib import Path
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy as _

from archive import curation
from archive.admin.forms import ImportForm
from archive.admin.wording import readable_results
from archive.ingest.errors import FileRejected
from archive.ingest.manifest import MANIFEST_NAME, manifest_options, walk_inputs
from archive.ingest.upsert import OUTCOMES, ImportRun
from archive.models import ImportBatch


def import_uploads(files: Iterable[UploadedFile], *, user: AbstractBaseUser | None = None, source: str | None = None,
                   year: int | None = None, date: Date | None = None,
                   ) -> tuple[ImportBatch | None, list[dict[str, Any]]]:
    """Import uploaded files as the import_articles command does; return (batch or None, results).

    Each file is read and normalised first, then written in one transaction (a
    file that cannot be read leaves nothing, and never stops the files after
    it); a manifest.json among the files gives per-file options as beside
    files on disk; source, year and date, when given, win over it. results is
    one dict per file: name, format, counts, rejected [(record, reason)],
    error. No batch row is left when nothing was created or updated.
    """
    given = {k: v for k, v in {"source": source, "year": year, "date": date}.items() if v not in (None, "")}
    with tempfile.TemporaryDirectory(prefix="archive-upload-") as tmp:
        names = _save(files, Path(tmp))
        batch = ImportBatch.objects.create(paths="\n".join(n for n in names if n != MANIFEST_NAME),
                                           imported_by=user)
        results: list[dict[str, Any]] = []
        totals = dict.fromkeys(OUTCOMES, 0)
        try:
            run = ImportRun(batch=batch, lock=curation.write_lock)  # wait for other writers, never fail midway
            for item in walk_inputs([tmp]):
                result: dict[str, Any] = {"name": item.path.name, "format": "", "counts": {}, "rejected": [],
                                          "error": ""}
                try:
                    if item.error:
                        raise FileRejected(item.error)
                    prepared = run.prepare_file(item.path, **{**manifest_options(item.path), **given})
                except FileRejected as exc:
                    result["error"] = str(exc).replace(tmp + "/", "")
                else:
                    report = run.write_file(prepared)
                    result.update(format=report.format, counts={k: report.counts[k] for k in OUTCOMES},
                                  rejected=[(number, reason) for number, reason in report.rejected])
                    for name in OUTCOMES:
                        totals[name] += report.counts[name]
                results.append(result)
        finally:
            if not (totals["created"] or totals["updated"]):
                batch.delete()  # nothing to attribute to it, as with the command
    if not (totals["created"] or totals["updated"]):
        return None, results
    for name, n in totals.items():
        setattr(batch, name, n)
    batch.report = results
    batch.save()
    return batch, results


def _save(files: Iterable[UploadedFile], folder: Path) -> list[str]:
    """Write uploads into folder under their own (unique) names; return the names."""
    names = []
    for upload in files:
        name = Path(upload.name).name or "upload"
        stem, suffix, n = Path(name).stem, Path(name).suffix, 1
        while name in names:
            n += 1
            name = f"{stem}-{n}{suffix}"
        with open(folder / name, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        names.append(name)
    return names


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "imported_by", "file_names", "created", "updated", "unchanged", "duplicate",
                    "rejected", "article_link"]
    list_select_related = ["imported_by"]
    list_per_page = 50
    fields = ["started_at", "imported_by", "paths", "created", "updated", "unchanged", "duplicate", "rejected",
              "article_link", "report_table"]
    readonly_fields = fields

    def has_change_permission(self, request: HttpRequest, obj: ImportBatch | None = None) -> bool:
        return False  # provenance: batches are a record, not editable

    def has_delete_permission(self, request: HttpRequest, obj: ImportBatch | None = None) -> bool:
        return False

    @admin.display(description=_("文件名"))
    def file_names(self, obj: ImportBatch) -> str:
        names = [Path(p).name for p in obj.paths.splitlines() if p.strip()]
        return "、".join(names[:3]) + (f" (+{len(names) - 3})" if len(names) > 3 else "")

    @admin.display(description=_("文章"))
    def article_link(self, obj: ImportBatch) -> str:
        url = reverse("admin:archive_article_changelist") + "?" + urlencode({"batch__id__exact": obj.pk})
        return format_html('<a href="{}">{}</a>', url, gettext("查看本批次的文章"))

    @admin.display(description=_("导入报告"))
    def report_table(self, obj: ImportBatch) -> str:
        if not obj.report:
            return "—"
        lines = []
        for result in readable_results(obj.report):
            if result.get("error"):
                lines.append((result["name"], gettext("无法读取：") + result["error"]))
                continue
            counts = result.get("counts", {})
            lines.append((result["name"], ", ".join(f"{k} {counts.get(k, 0)}" for k in OUTCOMES)))
            lines += [(f"{result['name']}:{number}", reason) for number, reason in result.get("rejected", [])]
        return format_html('<table class="import-report">{}</table>',
                           format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", lines))

    def add_view(self, request: HttpRequest, form_url: str = "",
                 extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Upload files and import them; show the per-file counts and every rejected record."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("导入文章")}
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            batch, results = import_uploads(form.cleaned_data["files"], user=request.user,
                                            source=form.cleaned_data["source"], year=form.cleaned_data["year"])
            totals = {k: sum(r["counts"].get(k, 0) for r in results) for k in OUTCOMES}
            return TemplateResponse(request, "admin/archive/importbatch/import_result.html", {
                **context, "title": _("导入结果"), "batch": batch, "results": readable_results(results),
                "totals": totals,
                "outcomes": OUTCOMES, "unreadable": sum(1 for r in results if r["error"]),
            })
        return TemplateResponse(request, "admin/archive/importbatch/import_form.html",
                                {**context, "form": form, "media": self.media + form.media})
