"""Forms of the editors' site: the article form that merges concurrent edits, action and import forms."""
import hashlib
import json
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.sites import AdminSite
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field
from django.utils.translation import gettext_lazy as _

from archive.models import Article, Topic
from archive.text_safety import clean_value

SNAPSHOT_SALT = "archive.admin.article-edit-base"


class ControlCharactersMixin:
    """Strip control characters from every text a form accepts: XML (the Atom feed) cannot carry them."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        for name, value in cleaned.items():
            if isinstance(value, (str, list, tuple)):
                cleaned[name] = clean_value(value)
        return cleaned


class TextSafeModelForm(ControlCharactersMixin, forms.ModelForm):
    """A model form whose text values never hold control characters."""


class LinesField(forms.CharField):
    """A list of strings edited as one per line."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 60})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, (list, tuple)):
            return [str(v).strip() for v in value if str(v).strip()]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial: Any, data: Any) -> bool:
        return self.to_python(initial) != self.to_python(data)


class EditBaseField(forms.CharField):
    """The signed record of what the form was opened with; never a change in itself."""

    def has_changed(self, initial: Any, data: Any) -> bool:
        return False


def digest(value: Any) -> str:
    """Return a short fingerprint of a model field value, for telling edits apart."""
    if isinstance(value, str):
        value = value.strip().replace("\r\n", "\n")
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class ArticleAdminForm(ControlCharactersMixin, forms.ModelForm):
    """The article form. Saving applies only what this editor changed since opening it.

    The form carries (signed) fingerprints of the values it was opened with. On
    save, a field this editor left alone keeps whatever is in the database now,
    so two editors changing different fields both keep their change; a field
    both changed differently is reported as a conflict instead of overwritten.
    Topics are applied as this editor's additions and removals.
    """

    topic_list = forms.ModelMultipleChoiceField(
        label=_("主题"), queryset=Topic.objects.all(), required=False,
        help_text=_("手动添加或移除的主题不会被自动标注覆盖。"))
    edit_base = EditBaseField(widget=forms.HiddenInput, required=False)
    cited_numbers = LinesField(label=_("引用文号"), required=False, help_text=_("每行一个"))

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args: Any, admin_site: AdminSite | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _use_widget(self.fields["topic_list"],
                    AutocompleteSelectMultiple(Article._meta.get_field("topics"), admin_site or admin.site))
        if "issuing_bodies" in self.fields:
            self.fields["issuing_bodies"] = LinesField(label=_("发文机关"), required=False,
                                                       help_text=_("每行一个"))
        current = self._current()
        self.current_topics = sorted(current.topics.values_list("pk", flat=True)) if current else []
        self.initial.setdefault("topic_list", self.current_topics)
        if not self.is_bound:
            if current is not None:
                self.initial["edit_base"] = self.snapshot(current, self.current_topics)

    def _current(self) -> Article | None:
        """Return the article as stored now (the form's instance may be a historical version)."""
        if self.instance.pk is None:
            return None
        if hasattr(self.instance, "history_object"):  # simple-history's "revert to this version"
            return Article.objects.filter(pk=self.instance.pk).first()
        return self.instance

    def tracked(self) -> list[str]:
        """Return the model fields this form edits."""
        names = []
        for name in self.fields:
            try:
                model_field = Article._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if model_field.concrete and not model_field.many_to_many:
                names.append(name)
        return names

    def snapshot(self, article: Article, topics: list[int]) -> str:
        values = {name: digest(getattr(article, Article._meta.get_field(name).attname)) for name in self.tracked()}
        return signing.dumps({"fields": values, "topics": list(topics)}, salt=SNAPSHOT_SALT)

    def base(self) -> dict[str, Any] | None:
        """Return what the form was opened with ({"fields", "topics"}), or None if unknown."""
        token = self.data.get(self.add_prefix("edit_base")) if self.is_bound else None
        if not token:
            return None
        try:
            return signing.loads(token, salt=SNAPSHOT_SALT)
        except signing.BadSignature:
            return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):  # browsers send textarea lines with CRLF; paragraphs are "\n\n"
                cleaned[name] = value.replace("\r\n", "\n").replace("\r", "\n")
        status, duplicate_of = cleaned.get("status"), cleaned.get("duplicate_of")
        if status == Article.Status.DUPLICATE and duplicate_of is None:
            self.add_error("duplicate_of", _("标记为重复时须选择保留的文章"))
        if duplicate_of is not None and self.instance.pk and duplicate_of.pk == self.instance.pk:
            self.add_error("duplicate_of", _("文章不能是自己的重复"))
        if duplicate_of is not None and duplicate_of.status == Article.Status.DUPLICATE:
            self.add_error("duplicate_of", _("所选文章本身是重复条目；请选择它所合并到的文章"))
        if status != Article.Status.DUPLICATE and "duplicate_of" in cleaned:
            cleaned["duplicate_of"] = None
        self._merge_concurrent_edits(cleaned)
        return cleaned

    def _merge_concurrent_edits(self, cleaned: dict[str, Any]) -> None:
        base = self.base()
        current = self._current()
        if base is None or current is None:
            return
        conflicts = []
        for name in self.tracked():
            if name not in cleaned or name not in base["fields"]:
                continue
            model_field = Article._meta.get_field(name)
            theirs_value = getattr(current, model_field.attname)
            mine, original, theirs = digest(_model_value(model_field, cleaned[name])), base["fields"][name], \
                digest(theirs_value)
            if mine == original:
                # untouched here: keep what is stored now, whoever changed it meanwhile
                cleaned[name] = getattr(current, name) if model_field.is_relation else theirs_value
            elif theirs not in (original, mine):
                conflicts.append(name)
                self.add_error(name, _("其他编辑在您打开此页后修改了本字段，当前值为：%(value)s。"
                                       "请核对后重新保存。") % {"value": _display(current, model_field)})
        if conflicts:
            # The editor has now seen the other change: saving again applies this form.
            data = self.data.copy()  # type: ignore[has-type]
            data[self.add_prefix("edit_base")] = self.snapshot(current, self.current_topics)
            self.data = data

    def topic_changes(self) -> tuple[set[int], set[int]]:
        """Return (added, removed) topic ids: this editor's changes since opening the form."""
        if "topic_list" not in self.cleaned_data:
            return set(), set()
        mine = {t.pk for t in self.cleaned_data["topic_list"]}
        base = self.base()
        original = set(base["topics"]) if base is not None else set(self.current_topics)
        return mine - original, original - mine


def _use_widget(field: forms.ChoiceField, widget: forms.Widget) -> None:
    """Give a choice field a widget that needs the admin site (built per form)."""
    widget.choices = field.choices
    widget.is_required = field.required
    field.widget = widget


def _model_value(model_field: Field, value: Any) -> Any:
    if model_field.is_relation:
        return value.pk if value is not None else None
    return value


def _display(article: Article, model_field: Field) -> str:
    value = getattr(article, model_field.name)
    if isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value)
    text = str(value) if value not in (None, "") else "—"
    return text if len(text) <= 120 else text[:120] + "…"


class ActionForm(ControlCharactersMixin, forms.Form):
    """The second step of a bulk action: pick its argument, keep the selection."""

    def __init__(self, *args: Any, admin_site: AdminSite | None = None, **kwargs: Any) -> None:
        self.admin_site = admin_site or admin.site
        super().__init__(*args, **kwargs)


class TopicChoiceForm(ActionForm):
    topic = forms.ModelChoiceField(label=_("主题"), queryset=Topic.objects.all())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _use_widget(self.fields["topic"], AutocompleteSelect(Article._meta.get_field("topics"), self.admin_site))


class KeepArticleForm(ActionForm):
    keep = forms.ModelChoiceField(label=_("保留的文章"), queryset=Article.objects.exclude(
        status=Article.Status.DUPLICATE), help_text=_("所选的其他文章将标记为它的重复，离开检索，其页面跳转到它。"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _use_widget(self.fields["keep"], AutocompleteSelect(Article._meta.get_field("duplicate_of"), self.admin_site))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ImportForm(ControlCharactersMixin, forms.Form):
    files = MultipleFileField(
        label=_("上传文件"), help_text=_("微信导出（JSON 或 JSON Lines）或纯文本报纸版面，可多选；"
                                     "一并上传的 manifest.json 会被读取。"))
    source = forms.CharField(label=_("来源"), required=False, max_length=200,
                             help_text=_("纯文本中未注明来源时使用"))
    year = forms.IntegerField(label=_("年份"), required=False, min_value=1990, max_value=2100,
                              help_text=_("日期未写年份（如 3月15日）时使用"))
