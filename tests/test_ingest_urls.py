"""Canonical article URLs."""
from archive.ingest.urls import canonical_wechat_url, wechat_biz

# Seed 001, first article.
SEED_URL = (
    "http://mp.weixin.qq.com/s?__biz=MzA3Mzg1NzkxMQ==&mid=2650224682&idx=1"
    "&sn=264a60b37ad08befbfb7f83612765b3f"
    "&chksm=870b3632b07cbf24c56155fb6dd612c330ec0da92c04fc5b1c6d43592b0e670adf5a0f3c2bd1#rd"
)
CANONICAL = "https://mp.weixin.qq.com/s?__biz=MzA3Mzg1NzkxMQ==&mid=2650224682&idx=1&sn=264a60b37ad08befbfb7f83612765b3f"


def test_wechat_url_keeps_only_the_article_keys():
    assert canonical_wechat_url(SEED_URL) == CANONICAL


def test_wechat_url_orders_keys_and_drops_scene():
    url = (
        "https://mp.weixin.qq.com/s?sn=264a60b37ad08befbfb7f83612765b3f&scene=21"
        "&idx=1&mid=2650224682&__biz=MzA3Mzg1NzkxMQ==#wechat_redirect"
    )
    assert canonical_wechat_url(url) == CANONICAL


def test_wechat_url_unescapes_html_ampersands():
    assert canonical_wechat_url(SEED_URL.replace("&", "&amp;")) == CANONICAL


def test_other_urls_lose_fragment_and_utm_params_only():
    url = "http://www.xinhuanet.com/tech/2026-01/26/c_1.htm?utm_source=wx&page=2&utm_medium=share#comments"
    assert canonical_wechat_url(url) == "http://www.xinhuanet.com/tech/2026-01/26/c_1.htm?page=2"


def test_empty_url():
    assert canonical_wechat_url(None) == ""
    assert canonical_wechat_url("") == ""


def test_wechat_biz():
    assert wechat_biz(SEED_URL) == "MzA3Mzg1NzkxMQ=="
    assert wechat_biz("https://mp.weixin.qq.com/s?__biz=MzA4NjU4MjYzNg%3D%3D&mid=2651163759") == "MzA4NjU4MjYzNg=="
    assert wechat_biz("https://www.stcsm.sh.gov.cn/") == ""
    assert wechat_biz(None) == ""


def test_non_http_urls_are_dropped():
    assert canonical_wechat_url("javascript:alert(1)") == ""
    assert canonical_wechat_url("data:text/html,<script>x</script>") == ""
