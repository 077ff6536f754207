"""A starting list of synonym groups, chosen with care for ambiguity.

Each group joins forms that name one thing in this archive's field
(Shanghai and Yangtze-Delta sci-tech policy). The issuing bodies follow
archive.ingest.extract's normalisation (a bare 市 is Shanghai); a test keeps
the two in agreement. Left out on purpose, because they are ambiguous here:
科委 / 科技局 / 经信委 / 发改委 alone (every city and district has one),
交大 (Shanghai, Xi'an, Beijing ...), 沪 (one character; also in document
numbers), 科创 (科创板, 科创中心: wider than 科技创新), 芯片 / 集成电路 and
大模型 / 人工智能 (related, not the same).
"""
from django.db import migrations

GROUPS = [
    (["AI", "人工智能"], "英文缩写"),
    (["长三角", "长江三角洲"], "区域简称"),
    (["市科委", "上海市科委", "上海市科学技术委员会"], "发文机关：与发文机关的统一名称一致"),
    (["市经信委", "上海市经信委", "上海市经济和信息化委员会"], "发文机关"),
    (["市科协", "上海市科协", "上海市科学技术协会"], "发文机关"),
    (["科技部", "科学技术部"], "发文机关"),
    (["工信部", "工业和信息化部"], "发文机关"),
    (["国家发改委", "国家发展和改革委员会"], "发文机关"),
    (["高企", "高新技术企业"], "资质简称"),
    (["专精特新", "专业化精细化特色化新颖化"], "中小企业资质：四个词的简称"),
    (["中科院", "中国科学院"], "机构简称"),
    (["上海交大", "上海交通大学"], "机构简称（“交大”单独不收：多所大学）"),
    (["6G", "第六代移动通信"], "技术简称"),
    (["5G", "第五代移动通信"], "技术简称"),
    (["脑机接口", "BCI"], "英文缩写"),
]


def add_groups(apps, schema_editor):
    SynonymGroup = apps.get_model("archive", "SynonymGroup")
    for terms, note in GROUPS:
        SynonymGroup.objects.get_or_create(terms="\n".join(terms), defaults={"note": note})


def remove_groups(apps, schema_editor):
    SynonymGroup = apps.get_model("archive", "SynonymGroup")
    SynonymGroup.objects.filter(terms__in=["\n".join(terms) for terms, _ in GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("archive", "0005_synonym_groups")]

    operations = [migrations.RunPython(add_groups, remove_groups)]
