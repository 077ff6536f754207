"""Facet values shaped for the page: counts, selected flags, exact toggle URLs (pure)."""
import datetime

from django.utils import translation

from dataclasses import fields

from discovery import apidoc
from discovery.facet_table import FACETS, FILTER_PARAMS
from discovery.facets import TOP_VALUES, api_facets, deadline_facet, value_facets
from discovery.forms import ArchiveSearchForm, MultiValueField
from discovery.presentation import chips
from discovery.service import SearchPage
from discovery.state import SearchState
from search.search_indexes import FACET_FIELDS, ArticleIndex


def facet(facets, param):
    return next(f for f in facets if f.param == param)


def test_values_are_ordered_by_count_with_exact_toggle_urls():
    state = SearchState(q="芯片")
    counts = {"source": [("上海科技", 3), ("科创长宁", 5), ("空", 0)]}
    source = facet(value_facets(state, counts), "source")
    assert [(v.value, v.count, v.selected, v.url) for v in source.values] == [
        ("科创长宁", 5, False, "?q=%E8%8A%AF%E7%89%87&source=%E7%A7%91%E5%88%9B%E9%95%BF%E5%AE%81"),
        ("上海科技", 3, False, "?q=%E8%8A%AF%E7%89%87&source=%E4%B8%8A%E6%B5%B7%E7%A7%91%E6%8A%80"),
    ]


def test_a_selected_value_shows_at_zero_and_its_url_removes_it():
    state = SearchState(source=("不存在",))
    source = facet(value_facets(state, {"source": [("上海科技", 2)]}), "source")
    assert [(v.value, v.count, v.selected, v.url) for v in source.values] == [
        ("上海科技", 2, False, "?source=%E4%B8%8D%E5%AD%98%E5%9C%A8&source=%E4%B8%8A%E6%B5%B7%E7%A7%91%E6%8A%80"),
        ("不存在", 0, True, "?"),
    ]


def test_top_values_then_more_with_selected_values_always_on_top():
    pairs = [(f"v{i:02d}", 100 - i) for i in range(TOP_VALUES + 4)]
    state = SearchState(topic=("v11",))
    topic = facet(value_facets(state, {"topic": pairs}), "topic")
    assert [v.value for v in topic.top] == [f"v{i:02d}" for i in range(TOP_VALUES)] + ["v11"]
    assert [v.value for v in topic.more] == ["v08", "v09", "v10"]


def test_a_value_item_escapes_the_value_and_marks_the_selected_one():
    state = SearchState(source=('"><script>x</script>',))
    source = facet(value_facets(state, {"source": [("A&B <i>", 1)]}), "source")
    html = source.values_html
    assert "<script>" not in html and "<i>" not in html
    assert 'value="A&amp;B &lt;i&gt;"' in html and '&quot;&gt;&lt;script&gt;' in html
    assert html.count('class="selected"') == 1 and html.count(" checked>") == 1
    assert '<span class="count">1<span class="visually-hidden"> 篇</span></span>' in html
    with translation.override("en"):
        assert '1<span class="visually-hidden"> article</span>' in source.values_html
        assert '<span class="badge">' in source.values_html


def test_stored_values_are_labelled_in_the_interface_language():
    with translation.override("en"):
        kind = facet(value_facets(SearchState(), {"kind": [("通知", 2)], "region": [("上海", 1)]}), "kind")
        assert (kind.values[0].value, kind.values[0].label) == ("通知", "Notice")


def test_deadline_choices_count_open_and_any():
    state = SearchState(q="申报")
    values = deadline_facet(state, {"open": 1, "any": 6}).values
    assert [(v.value, v.count, v.url) for v in values] == [
        ("open", 1, "?q=%E7%94%B3%E6%8A%A5&deadline=open"), ("any", 6, "?q=%E7%94%B3%E6%8A%A5&deadline=any")]
    chosen = deadline_facet(SearchState(deadline="open"), {"open": 0, "any": 6}).values
    assert [(v.value, v.count, v.selected, v.url) for v in chosen] == [
        ("open", 0, True, "?"), ("any", 6, False, "?deadline=any")]


def test_api_facets_have_every_facet_with_value_and_count():
    page = SearchPage(state=SearchState(), count=3, results=[], today=datetime.date(2025, 10, 1),
                      counts={"source": [("A", 3)], "deadline": [("2025-09-30", 1), ("2025-10-01", 2)]},
                      month_counts={"2025-09": 1, "2025-10": 2}, year_counts={2025: 3})
    facets = api_facets(page)
    assert set(facets) == {"source", "topic", "region", "kind", "issuer", "cites", "month", "deadline"}
    assert facets["source"] == [{"value": "A", "count": 3}]
    assert facets["month"] == [{"value": "2025-09", "count": 1}, {"value": "2025-10", "count": 2}]
    assert facets["deadline"] == [{"value": "open", "count": 2}, {"value": "any", "count": 3}]


def test_chips_name_each_active_filter_with_a_url_removing_it():
    state = SearchState(q="x", source=("A",), date_from=datetime.date(2025, 10, 1),
                        date_to=datetime.date(2025, 10, 31), deadline="open")
    assert [(str(c["label"]), str(c["value"]), c["url"]) for c in chips(state)] == [
        ("来源", "A", "?q=x&from=2025-10-01&to=2025-10-31&deadline=open"),
        ("日期", "2025年10月", "?q=x&source=A&deadline=open"),
        ("申报截止", "申报中", "?q=x&source=A&from=2025-10-01&to=2025-10-31"),
    ]


def test_every_facet_of_the_table_is_indexed_parsed_documented_and_counted():
    """Derive each facet's place from the table, then find it there: index, form, state, API doc, API facets."""
    index_fields = {name: field.field_type for name, field in ArticleIndex.fields.items()}
    form_fields = ArchiveSearchForm.base_fields
    state_fields = {f.name for f in fields(SearchState)}
    documented = {p["name"]: p for p in apidoc.PARAMETERS}
    response_facets = apidoc.SEARCH_RESPONSE["properties"]["facets"]["properties"]
    page = SearchPage(state=SearchState(), count=0, results=[], today=datetime.date(2025, 10, 1),
                      counts={}, month_counts={}, year_counts={})
    listed = api_facets(page)
    for spec in FACETS:
        assert index_fields.get(spec.index_field) == "keyword", f"{spec.param}: no keyword field {spec.index_field}"
        assert spec.param in response_facets and spec.param in listed, f"{spec.param}: not in the API's facets"
        if not spec.parameter:
            assert spec.param not in form_fields and spec.param not in documented, spec.param
            continue
        assert spec.param in form_fields and form_fields[spec.param].label == spec.label, f"{spec.param}: no form field"
        assert documented.get(spec.param, {}).get("description") == spec.doc, f"{spec.param}: not in the API doc"
        assert spec.param in state_fields, f"{spec.param}: not in the search state"
        if spec.value_filter:
            assert isinstance(form_fields[spec.param], MultiValueField)
            assert documented[spec.param]["schema"]["type"] == "array"
        else:
            assert documented[spec.param]["schema"]["enum"] == list(spec.value_labels)
    assert set(FACET_FIELDS.values()) == {spec.index_field for spec in FACETS}
    assert FILTER_PARAMS == ("source", "topic", "region", "kind", "issuer", "cites")


def test_a_value_filter_round_trips_through_form_state_and_url():
    for param in FILTER_PARAMS:
        form = ArchiveSearchForm({param: ["甲", "乙"]})
        assert form.is_valid(), form.errors
        state = SearchState.from_cleaned(form.cleaned_data)
        assert getattr(state, param) == ("甲", "乙") and state.has_filters
        assert state.params() == [(param, "甲"), (param, "乙")]


def test_the_page_and_the_api_show_the_same_facet_values():
    state = SearchState(source=("A",), deadline="open")
    page = SearchPage(state=state, count=3, results=[], today=datetime.date(2025, 10, 1),
                      counts={"source": [("A", 3), ("B", 1)], "deadline": [("2025-10-02", 1)]},
                      month_counts={"2025-10": 3}, year_counts={2025: 3})
    api = api_facets(page)
    assert {param: [{"value": v["value"], "count": v["count"]} for v in values]
            for param, values in page.facets.items()} == api
    assert page.facets["source"][0] == {"value": "A", "count": 3, "selected": True, "url": "?deadline=open"}
    assert api["deadline"] == [{"value": "open", "count": 1}, {"value": "any", "count": 1}]
