"""The public places API: search, lookup, bad input as 422, never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ninja import NinjaAPI

from framja.accounts.models import ApiToken
from framja.places.api import router

API = "/api/v1/places"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()]


# --- municipalities: search ---------------------------------------------------------------


@pytest.mark.parametrize(("q", "first"), [("ostersund", "Östersund"), ("tromso", "Tromsø"), ("ÖSTERSUND", "Östersund")])
def test_search_ignores_case_and_accents(client, reference, q, first):
    assert names(client.get(f"{API}/municipalities", {"q": q}))[0] == first


def test_exact_name_then_prefix_then_substring(client, reference):
    found = names(client.get(f"{API}/municipalities", {"q": "berg", "limit": 100}))
    assert found[0] == "Berg"
    assert found.index("Bergen") < found.index("Falkenberg")
    assert all(name.lower().startswith("berg") for name in found[: found.index("Bergen") + 1])


def test_are_finds_are_before_names_that_merely_start_alike(client, reference):
    assert names(client.get(f"{API}/municipalities", {"q": "are"}))[0] == "Åre"


def test_word_inside_a_name_matches(client, reference):
    assert "Upplands Väsby" in names(client.get(f"{API}/municipalities", {"q": "vasby"}))


def test_search_by_code_prefix_and_qualified_code(client, reference):
    jamtland = client.get(f"{API}/municipalities", {"q": "23"}).json()
    assert [m["code"] for m in jamtland] == ["2303", "2305", "2309", "2313", "2321", "2326", "2361", "2380"]
    assert [m["qualified_code"] for m in client.get(f"{API}/municipalities", {"q": "NO-5001"}).json()] == ["NO-5001"]


def test_filter_by_country_and_county(client, reference):
    response = client.get(f"{API}/municipalities", {"country": "no", "county": "50", "limit": 1000})
    items = response.json()
    assert len(items) == 38
    assert {(m["country"], m["county"]["code"], m["county"]["name"]) for m in items} == {("NO", "50", "Trøndelag")}
    assert names(client.get(f"{API}/municipalities", {"q": "1860", "country": "SE"})) == ["Laxå"]


def test_limit_caps_the_answer_and_all_fit_in_one_call(client, reference):
    assert len(client.get(f"{API}/municipalities").json()) == 20
    assert len(client.get(f"{API}/municipalities", {"limit": 1000}).json()) == 647


def test_result_shape(client, reference):
    [item] = client.get(f"{API}/municipalities", {"q": "Östersund"}).json()
    assert item == {
        "country": "SE",
        "code": "2380",
        "qualified_code": "SE-2380",
        "name": "Östersund",
        "official_name": "Östersunds kommun",
        "alternative_name": "",
        "county": {"country": "SE", "code": "23", "name": "Jämtlands län"},
    }


def test_no_match_is_an_empty_list(client, reference):
    assert client.get(f"{API}/municipalities", {"q": "xyzzy"}).json() == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"country": "DK"}, "country"),
        ({"county": "5"}, "county"),
        ({"county": "٢٣"}, "county"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_filters_get_422_naming_the_field(client, reference, params, field):
    response = client.get(f"{API}/municipalities", params)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", field]]


def test_list_is_one_query(client, reference, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert len(client.get(f"{API}/municipalities", {"q": "a", "limit": 1000}).json()) > 100


# --- municipalities: lookup ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "query", "expected"),
    [
        ("2303", {}, ("SE", "Ragunda")),
        ("SE-2303", {}, ("SE", "Ragunda")),
        ("no-5001", {}, ("NO", "Trondheim")),
        ("0301", {}, ("NO", "Oslo")),
        ("1860", {"country": "SE"}, ("SE", "Laxå")),
        ("1860", {"country": "no"}, ("NO", "Vestvågøy")),
        ("NO-1860", {}, ("NO", "Vestvågøy")),
        ("SE-1860", {"country": "SE"}, ("SE", "Laxå")),
    ],
)
def test_lookup_by_code(client, reference, code, query, expected):
    response = client.get(f"{API}/municipalities/{code}", query)
    assert response.status_code == 200
    assert (response.json()["country"], response.json()["name"]) == expected


def test_ambiguous_code_asks_for_the_country(client, reference):
    response = client.get(f"{API}/municipalities/1860")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["path", "code"]
    assert "Laxå" in error["msg"]
    assert "Vestvågøy" in error["msg"]
    assert "SE-1860" in error["msg"]


def test_prefix_and_country_that_disagree_get_422(client, reference):
    response = client.get(f"{API}/municipalities/SE-1860", {"country": "NO"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "country"]


@pytest.mark.parametrize("code", ["abc", "123", "12345", "DK-2303", "2303x"])
def test_malformed_code_gets_422(client, reference, code):
    response = client.get(f"{API}/municipalities/{code}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "code"]


@pytest.mark.parametrize("code", ["9999", "SE-5001", "NO-2380"])
def test_unknown_code_gets_404(client, reference, code):
    assert client.get(f"{API}/municipalities/{code}").status_code == 404


# --- counties ------------------------------------------------------------------------------


def test_counties_with_their_municipality_counts(client, reference, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        sweden = client.get(f"{API}/counties", {"country": "SE"}).json()
    assert len(sweden) == 21
    assert sum(c["municipality_count"] for c in sweden) == 290
    assert {
        "country": "SE",
        "code": "23",
        "name": "Jämtlands län",
        "qualified_code": "SE-23",
        "municipality_count": 8,
    } in sweden
    norway = client.get(f"{API}/counties", {"country": "NO"}).json()
    assert (len(norway), sum(c["municipality_count"] for c in norway)) == (15, 357)
    assert len(client.get(f"{API}/counties").json()) == 36
    assert client.get(f"{API}/counties", {"country": "FI"}).status_code == 422


# --- SNI -----------------------------------------------------------------------------------


def test_sni_search_by_code_prefix(client, reference):
    codes = [item["code"] for item in client.get(f"{API}/sni", {"q": "62"}).json()]
    assert codes == ["62010", "62020", "62030", "62090"]
    assert [item["code"] for item in client.get(f"{API}/sni", {"q": "62.01"}).json()] == ["62010"]


def test_sni_search_by_words_prefix_first(client, reference):
    items = client.get(f"{API}/sni", {"q": "restaurang"}).json()
    assert items[0]["code"] == "56100"
    assert all("restaurang" in item["name"].lower() for item in items)


def test_sni_filters_by_section_and_division(client, reference):
    items = client.get(f"{API}/sni", {"section": "j", "limit": 1000}).json()
    assert items
    assert {item["section"]["code"] for item in items} == {"J"}
    items = client.get(f"{API}/sni", {"division": "56", "limit": 1000}).json()
    assert {item["division"]["code"] for item in items} == {"56"}
    assert client.get(f"{API}/sni", {"section": "Z"}).status_code == 422


def test_sni_lookup_with_or_without_dot(client, reference):
    plain = client.get(f"{API}/sni/62010").json()
    assert plain == client.get(f"{API}/sni/62.010").json()
    assert plain["dotted_code"] == "62.010"
    assert plain["name"] == "Dataprogrammering"
    assert plain["division"]["code"] == "62"
    assert plain["section"] == {
        "code": "J",
        "name": "Informations- och kommunikationsverksamhet",
        "name_en": "Information and communication",
    }


def test_sni_lookup_errors(client, reference):
    assert client.get(f"{API}/sni/620").status_code == 422
    assert client.get(f"{API}/sni/00000").status_code == 404


def test_sni_sections_list_their_divisions(client, reference, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        sections = client.get(f"{API}/sni/sections").json()
    assert [s["code"] for s in sections] == list("ABCDEFGHIJKLMNOPQRSTU")
    assert sum(len(s["divisions"]) for s in sections) == 88
    assert [d["code"] for d in sections[0]["divisions"]] == ["01", "02", "03"]


def test_sni_list_is_one_query(client, reference, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert len(client.get(f"{API}/sni", {"q": "tillverkning", "limit": 1000}).json()) > 50


# --- access --------------------------------------------------------------------------------


def test_public_for_anonymous_and_for_signed_in_users(client, member_client, reference):
    assert client.get(f"{API}/municipalities", {"q": "Åre"}).status_code == 200
    assert member_client.get(f"{API}/sni/62010").status_code == 200


def test_works_with_an_api_token(client, member, reference):
    _token, raw = ApiToken.issue(user=member, name="test")
    response = client.get(f"{API}/counties", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_read_only(client, reference):
    assert client.post(f"{API}/municipalities", {}).status_code == 405
    assert client.delete(f"{API}/sni/62010").status_code == 405


def test_documented_in_the_openapi_schema_as_public():
    # A private API with only this router, so the check does not depend on the other apps' routers.
    api = NinjaAPI(urls_namespace="places-schema-check")
    api.add_router("/places", router)
    paths = api.get_openapi_schema(path_prefix="/api/v1")["paths"]
    for path in ("municipalities", "municipalities/{code}", "counties", "sni", "sni/{code}", "sni/sections"):
        assert "security" not in paths[f"{API}/{path}"]["get"]
    parameters = {p["name"] for p in paths[f"{API}/municipalities"]["get"]["parameters"]}
    assert parameters == {"q", "country", "county", "limit"}


# --- robustness ----------------------------------------------------------------------------

ODD_TEXT = st.text(max_size=120) | st.sampled_from(["%", "_", "\\", "\x00", "' OR 1=1 --", "SE-", "NO-18", "62.", "."])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=ODD_TEXT, country=st.sampled_from(["", "SE", "no", "xx", "\x00"]))
def test_odd_queries_never_fail(client, reference, q, country):
    for path in ("municipalities", "sni"):
        params = {"q": q, "country": country} if path == "municipalities" else {"q": q}
        assert client.get(f"{API}/{path}", params).status_code in {200, 422}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=ODD_TEXT.filter(lambda text: text.strip() != ""))
def test_odd_codes_never_fail(client, reference, code):
    for path in ("municipalities", "sni"):
        assert client.get(f"{API}/{path}/{quote(code, safe='')}").status_code in {200, 404, 422}
