"""The URL state: parameters in a fixed order, links that change one thing, page reset (pure)."""
import datetime

from django.http import QueryDict

from discovery.forms import ArchiveSearchForm
from discovery.state import SearchState, month_bounds

D = datetime.date


def state_of(query):
    form = ArchiveSearchForm(QueryDict(query))
    assert form.is_valid(), form.errors
    return SearchState.from_cleaned(form.cleaned_data)


def test_the_url_round_trips_through_form_and_state():
    query = ("q=%E8%8A%AF%E7%89%87&source=A&source=B&issuer=%E5%9B%BD%E5%8A%A1%E9%99%A2&cites=X"
             "&from=2025-01-01&to=2025-12-31&deadline=open&sort=oldest&page=3")
    state = state_of(query)
    assert state.source == ("A", "B") and state.issuer == ("国务院",) and state.cites == ("X",)
    assert state.date_from == D(2025, 1, 1) and state.deadline == "open" and state.page == 3
    assert state.query_string(page=3) == "?" + query


def test_toggle_adds_or_removes_one_value_and_goes_back_to_page_one():
    state = SearchState(q="芯片", source=("A",), page=4)
    assert state.toggle("source", "B") == "?q=%E8%8A%AF%E7%89%87&source=A&source=B"
    assert state.toggle("source", "A") == "?q=%E8%8A%AF%E7%89%87"
    assert state.query_string(page=5) == "?q=%E8%8A%AF%E7%89%87&source=A&page=5"


def test_links_built_from_encoded_fields_equal_the_whole_state_encoded():
    from django.utils.http import urlencode

    states = [SearchState(), SearchState(q="a&b=c #?", page=2),
              SearchState(q="芯片", source=("A", "B & C"), topic=("t",), region=("上海",), kind=("通知",),
                          issuer=("国务院",), cites=("沪科规〔2024〕1号",), date_from=D(2025, 1, 1),
                          date_to=D(2025, 3, 31), deadline="open", sort="oldest", page=3, literal=True,
                          empty=True, per_page=50, facet_sort="name")]
    changes = [{}, {"page": 7}, {"source": ()}, {"source": ("Z",), "page": 2}, {"date_from": None},
               {"date_from": D(2024, 2, 1), "date_to": D(2024, 2, 29)}, {"deadline": ""}, {"q": "新 词"},
               {"per_page": 20}, {"literal": False, "empty": True}, {"sort": "newest"}]
    for state in states:
        for change in changes:
            expected = state.replace(**change).params()
            assert state.query_string(**change) == "?" + urlencode(expected), (state, change)
    assert SearchState().query_string() == "?"


def test_cleared_keeps_query_and_sort_only():
    state = SearchState(q="x", topic=("t",), date_from=D(2025, 1, 1), deadline="any", sort="newest")
    assert state.has_filters
    assert state.cleared().query_string() == "?q=x&sort=newest"
    assert not state.cleared().has_filters


def test_month_and_year_links_and_their_recognition():
    state = SearchState(q="x")
    assert state.month_query("2024-02") == "?q=x&from=2024-02-01&to=2024-02-29"
    assert state.year_query(2025) == "?q=x&from=2025-01-01&to=2025-12-31"
    assert SearchState(date_from=D(2024, 2, 1), date_to=D(2024, 2, 29)).month == "2024-02"
    assert SearchState(date_from=D(2024, 2, 1), date_to=D(2024, 2, 28)).month == ""
    assert SearchState(date_from=D(2025, 1, 1), date_to=D(2025, 12, 31)).year == 2025
    assert month_bounds("2025-12") == (D(2025, 12, 1), D(2025, 12, 31))


def test_a_month_link_stays_inside_the_current_range():
    state = SearchState(date_from=D(2025, 10, 15), date_to=D(2025, 11, 10))
    assert state.month_query("2025-10") == "?from=2025-10-15&to=2025-10-31"
    assert state.month_query("2025-11") == "?from=2025-11-01&to=2025-11-10"


def test_sort_defaults_to_relevance_with_a_query_and_newest_without():
    assert SearchState(q="x").effective_sort == "relevance"
    assert SearchState().effective_sort == "newest"
    assert SearchState(q="x", sort="oldest").effective_sort == "oldest"


def test_bad_values_are_form_errors_keyed_by_url_name():
    form = ArchiveSearchForm(QueryDict("from=2025-13-01&deadline=soon&source=" + "x" * 201))
    assert not form.is_valid()
    assert set(form.url_errors()) == {"from", "deadline", "source"}
