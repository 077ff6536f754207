"""Editors: change history, who set each topic, topics removed by hand, and the editors group.

Depends on 0004_research_fields, the leaf when this was written: history copies
every Article field, so the historical table must follow the fields added there.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

# Exactly what curation needs: edit articles (no delete: hide or merge instead, reversibly),
# manage sources and topics, import batches, read the history. Nothing on users or groups.
EDITOR_PERMISSIONS = {
    "article": ["view", "change"],
    "source": ["view", "add", "change"],
    "topic": ["view", "add", "change", "delete"],
    "articletopic": ["view", "add", "change", "delete"],
    "topicexclusion": ["view", "add", "delete"],
    "notduplicate": ["view", "add", "delete"],
    "importbatch": ["view", "add"],
    "historicalarticle": ["view"],
    "historicalsource": ["view"],
    "historicaltopic": ["view"],
    "historicalarticletopic": ["view"],
}
# History starts from what is there: one baseline version per existing row, so the
# first edit after this migration can be undone.
BASELINE = {"Article": ["raw", "record_hash"], "Source": [], "Topic": [], "ArticleTopic": []}
CHUNK = 2000


def create_editors_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; the group needs them now.
    app_config = apps.get_app_config("archive")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="editors")
    codenames = [f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions]
    permissions = list(Permission.objects.filter(content_type__app_label="archive", codename__in=codenames))
    missing = set(codenames) - {p.codename for p in permissions}
    if missing:
        raise RuntimeError(f"permissions not found: {sorted(missing)}")
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="editors").delete()


def create_baseline_history(apps, schema_editor):
    now = timezone.now()
    for name, excluded in BASELINE.items():
        model = apps.get_model("archive", name)
        history = apps.get_model("archive", f"Historical{name}")
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in excluded]
        rows = model.objects.order_by("pk").values_list(*fields)
        batch = []
        for values in rows.iterator(chunk_size=CHUNK):
            batch.append(history(history_date=now, history_type="+", history_change_reason="baseline",
                                 **dict(zip(fields, values))))
            if len(batch) >= CHUNK:
                history.objects.bulk_create(batch)
                batch = []
        history.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0004_research_fields'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='articletopic',
            name='assigned_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='指定时间'),
        ),
        migrations.AddField(
            model_name='articletopic',
            name='assigned_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='指定人'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='imported_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='导入人'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='report',
            field=models.JSONField(blank=True, default=list, help_text='Per-file counts and rejected records of an import from the admin.', verbose_name='导入报告'),
        ),
        migrations.CreateModel(
            name='HistoricalArticle',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('title', models.CharField(max_length=500, verbose_name='标题')),
                ('body', models.TextField(blank=True, help_text='段落之间空一行', verbose_name='正文')),
                ('url', models.CharField(blank=True, db_index=True, max_length=1000, verbose_name='原文链接')),
                ('external_id', models.CharField(blank=True, db_index=True, max_length=200, verbose_name='外部标识')),
                ('published', models.DateField(db_index=True, verbose_name='发布日期')),
                ('original_outlet', models.CharField(blank=True, max_length=200, verbose_name='原始出处')),
                ('kind', models.CharField(db_index=True, default='新闻', max_length=20, verbose_name='文档类型')),
                ('doc_number', models.CharField(blank=True, db_index=True, max_length=100, verbose_name='发文字号')),
                ('cited_numbers', models.JSONField(blank=True, default=list, verbose_name='引用文号')),
                ('issuing_bodies', models.JSONField(blank=True, default=list, verbose_name='发文机关')),
                ('deadline', models.DateField(blank=True, db_index=True, null=True, verbose_name='申报截止日期')),
                ('regions', models.CharField(blank=True, help_text='空格分隔', max_length=100, verbose_name='涉及地区')),
                ('status', models.CharField(choices=[('published', '已发布'), ('hidden', '已隐藏'), ('duplicate', '重复')], db_index=True, default='published', max_length=20, verbose_name='状态')),
                ('is_empty', models.BooleanField(db_index=True, default=False, verbose_name='正文为空或仅模板')),
                ('content_hash', models.CharField(db_index=True, max_length=64)),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('batch', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='archive.importbatch', verbose_name='导入批次')),
                ('duplicate_of', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='archive.article', verbose_name='重复于')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('source', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='archive.source', verbose_name='来源')),
            ],
            options={
                'verbose_name': 'historical 文章',
                'verbose_name_plural': 'historical 文章',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalArticleTopic',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('origin', models.CharField(choices=[('auto', '自动'), ('editor', '编辑')], default='auto', max_length=10)),
                ('assigned_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='指定时间')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('article', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='archive.article')),
                ('assigned_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='指定人')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('topic', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='archive.topic')),
            ],
            options={
                'verbose_name': 'historical 文章主题',
                'verbose_name_plural': 'historical 文章主题',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSource',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=200, verbose_name='名称')),
                ('kind', models.CharField(choices=[('wechat', '微信公众号'), ('newspaper', '报纸'), ('website', '网站')], default='wechat', max_length=20, verbose_name='类型')),
                ('biz', models.CharField(blank=True, db_index=True, max_length=100, verbose_name='微信 __biz')),
                ('region', models.CharField(choices=[('上海', '上海'), ('江苏', '江苏'), ('浙江', '浙江'), ('安徽', '安徽'), ('其他', '其他')], default='其他', max_length=10, verbose_name='地区')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical 来源',
                'verbose_name_plural': 'historical 来源',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalTopic',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=100, verbose_name='名称')),
                ('slug', models.SlugField(max_length=100)),
                ('description', models.CharField(blank=True, max_length=300, verbose_name='说明')),
                ('rules', models.TextField(blank=True, help_text='每行一个关键词', verbose_name='关键词规则')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical 主题',
                'verbose_name_plural': 'historical 主题',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='NotDuplicate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('decided_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='判定时间')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='判定人')),
                ('first', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='archive.article')),
                ('second', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='archive.article')),
            ],
            options={
                'verbose_name': '非重复判定',
                'verbose_name_plural': '非重复判定',
                'constraints': [models.UniqueConstraint(fields=('first', 'second'), name='unique_not_duplicate'), models.CheckConstraint(condition=models.Q(('first__lt', models.F('second'))), name='not_duplicate_ordered')],
            },
        ),
        migrations.CreateModel(
            name='TopicExclusion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('excluded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='移除时间')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='topic_exclusions', to='archive.article')),
                ('excluded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='移除人')),
                ('topic', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='exclusions', to='archive.topic')),
            ],
            options={
                'verbose_name': '手动移除的主题',
                'verbose_name_plural': '手动移除的主题',
                'constraints': [models.UniqueConstraint(fields=('article', 'topic'), name='unique_topic_exclusion')],
            },
        ),
        migrations.RunPython(create_editors_group, remove_editors_group),
        migrations.RunPython(create_baseline_history, migrations.RunPython.noop),
    ]
