"""The starting topic taxonomy for Yangtze-Delta sci-tech policy news."""
from django.db import migrations

TOPICS = [
    ("人工智能", "ai", "大模型、智能体、算力与“人工智能+”应用",
     ["人工智能", "大模型", "AI", "智能体", "算力", "语料", "AGI", "生成式"]),
    ("集成电路", "ic", "芯片设计、制造、封装与半导体材料",
     ["集成电路", "芯片", "半导体", "晶圆", "Chiplet", "EDA", "光刻", "晶体管"]),
    ("生物医药", "biomed", "创新药、医疗器械与生物制造",
     ["生物医药", "创新药", "医疗器械", "药品", "临床", "生物制造", "药监"]),
    ("量子科技", "quantum", "量子计算、量子通信与量子精密测量",
     ["量子"]),
    ("新能源与储能", "energy", "新型储能、氢能、光伏与核聚变",
     ["储能", "新能源", "氢能", "光伏", "核聚变", "碳中和", "电池"]),
    ("商业航天", "space", "卫星、火箭与深空探测",
     ["商业航天", "卫星", "火箭", "航天", "深空探测"]),
    ("脑机接口", "bci", "脑机接口技术、器械与产业",
     ["脑机接口", "脑科学", "类脑"]),
    ("机器人与具身智能", "robotics", "人形机器人、智能机器人与具身智能",
     ["机器人", "具身智能", "人形机器人", "机器狗"]),
    ("科技金融", "fintech", "科技信贷、创投基金、科创板与创新券",
     ["科技金融", "创投", "投资基金", "科创板", "融资", "创新券", "科技信贷"]),
    ("人才", "talent", "人才计划、引才与人才评价",
     ["人才", "科学家", "青年科技", "博士后", "引才"]),
    ("成果转化与中试", "transfer", "技术转移、成果转化、中试平台与孵化器",
     ["成果转化", "中试", "技术转移", "孵化器", "概念验证", "TTO"]),
    ("长三角一体化", "yrd", "沪苏浙皖协同创新与长三角科技创新共同体",
     ["长三角", "沪苏浙皖", "一体化", "科技创新共同体"]),
    ("项目申报与认定", "calls", "项目申报指南、资质认定、名单与公示",
     ["申报", "认定", "申报指南", "公示", "揭榜挂帅", "高新技术企业", "小巨人"]),
    ("科技政策与改革", "policy", "科技体制改革、规划与政策文件",
     ["体制机制改革", "实施方案", "行动方案", "若干措施", "规划", "实施细则", "管理办法"]),
    ("科学普及", "popsci", "科普活动、科技馆与科学传播",
     ["科普", "科技馆", "科学传播", "科技周"]),
]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("archive", "Topic")
    for name, slug, description, keywords in TOPICS:
        Topic.objects.update_or_create(slug=slug, defaults={
            "name": name, "description": description, "rules": "\n".join(keywords)})


def remove_topics(apps, schema_editor):
    apps.get_model("archive", "Topic").objects.filter(slug__in=[t[1] for t in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]
    operations = [migrations.RunPython(add_topics, remove_topics)]
