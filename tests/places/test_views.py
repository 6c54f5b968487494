"""The municipality page, the HTMX option fragments and the picker fields other forms use."""

from __future__ import annotations

import json
import re

import pytest
from django import forms
from django.urls import reverse

from framja.places.forms import MunicipalityField, SniCodeField
from framja.places.models import Municipality, SniCode

LIST = reverse("places-municipality-list")
OPTIONS = reverse("places-municipality-options")
SNI_OPTIONS = reverse("places-sni-options")


def option_values(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"', html)


# --- the municipality page -----------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "/nb", "/en"])
def test_page_in_each_language_for_anonymous_visitors(client, reference, prefix):
    response = client.get(f"{prefix}{LIST}")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<caption" in html
    assert '<th scope="col">' in html
    assert '<label for="id_q"' in html


def test_page_searches_without_accents(client, reference):
    html = client.get(LIST, {"q": "ostersund"}).content.decode()
    assert "Östersund" in html
    assert "SE-2380" in html
    assert "Trondheim" not in html


def test_page_filters_by_country(client, reference):
    html = client.get(LIST, {"country": "NO"}).content.decode()
    assert "NO-5001" in html
    assert "SE-2380" not in html


def test_page_filters_by_county_telling_apart_equal_codes(client, reference):
    html = client.get(LIST, {"county": "NO-03"}).content.decode()
    assert "NO-0301" in html
    assert "SE-0380" not in html  # Uppsala, in the Swedish county 03
    html = client.get(LIST, {"county": "SE-23"}).content.decode()
    assert html.count("<code>SE-23") == 8
    page = client.get(LIST).content.decode()
    assert '<optgroup label="Norway">' in page or '<optgroup label="Norge">' in page


def test_county_and_country_that_disagree_find_nothing(client, reference):
    assert "SE-2380" not in client.get(LIST, {"county": "SE-23", "country": "NO"}).content.decode()


def test_htmx_request_gets_only_the_results(client, reference):
    response = client.get(LIST, {"q": "tromso"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "Tromsø" in html
    assert 'role="status"' in html


def test_bad_filter_shows_a_linked_error_not_a_500(client, reference):
    response = client.get(LIST, {"country": "DK"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_country_error"' in html
    assert 'aria-describedby="id_country_error"' in html


def test_page_query_count(client, reference, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get(LIST).status_code == 200


def test_page_is_get_only(client, reference):
    assert client.post(LIST).status_code == 405


# --- option fragments ----------------------------------------------------------------------


def test_options_are_municipality_pks_labelled_with_county(client, reference):
    html = client.get(OPTIONS, {"q": "ostersund"}).content.decode()
    ostersund = Municipality.objects.get(country="SE", code="2380")
    assert option_values(html) == [str(ostersund.pk)]
    assert "Östersund (Jämtlands län)" in html
    assert 'data-code="SE-2380"' in html
    assert "<html" not in html


def test_options_tell_namesakes_apart(client, reference):
    html = client.get(OPTIONS, {"q": "heroy"}).content.decode()
    assert "Herøy (Møre og Romsdal)" in html
    assert "Herøy (Nordland)" in html


def test_options_can_carry_qualified_codes_and_mark_the_selected(client, reference):
    html = client.get(OPTIONS, {"q": "1860", "value": "code", "selected": "NO-1860"}).content.decode()
    assert sorted(option_values(html)) == ["NO-1860", "SE-1860"]
    assert 'value="NO-1860" data-code="NO-1860" selected' in html
    assert 'value="SE-1860" data-code="SE-1860" selected' not in html


def test_options_blank_choice_and_live_status(client, reference):
    html = client.get(OPTIONS, {"q": "are", "country": "SE", "blank": "1", "status": "id_m_status"}).content.decode()
    assert option_values(html)[0] == ""
    assert '<span id="id_m_status" hx-swap-oob="innerHTML">' in html


def test_options_without_match_say_so(client, reference):
    html = client.get(OPTIONS, {"q": "xyzzy"}).content.decode()
    assert "disabled" in html
    assert option_values(html) == [""]


def test_options_default_limit_and_explicit_limit(client, reference):
    assert len(option_values(client.get(OPTIONS).content.decode())) == 50
    assert len(option_values(client.get(OPTIONS, {"limit": "1000"}).content.decode())) == 647


@pytest.mark.parametrize(
    "params", [{"country": "DK"}, {"limit": "0"}, {"q": "x" * 101}, {"status": "<script>"}, {"value": "name"}]
)
def test_options_reject_bad_parameters_with_400(client, reference, params):
    assert client.get(OPTIONS, params).status_code == 400


def test_options_one_query(client, reference, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        client.get(OPTIONS, {"q": "a", "limit": "1000"})


def test_sni_options(client, reference, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        html = client.get(SNI_OPTIONS, {"q": "restaurang", "value": "code"}).content.decode()
    assert option_values(html)[0] == "56100"
    assert "56.100 Restaurangverksamhet" in html
    assert client.get(SNI_OPTIONS, {"section": "Z"}).status_code == 400


def test_fragments_are_get_only(client):
    assert client.post(OPTIONS).status_code == 405
    assert client.post(SNI_OPTIONS).status_code == 405


# --- the picker fields ---------------------------------------------------------------------


class PickerForm(forms.Form):
    municipality = MunicipalityField(label="Municipality")
    swedish = MunicipalityField(label="Swedish municipality", country="SE", required=False)
    sni = SniCodeField(label="Industry", required=False)


def test_picker_renders_a_full_select_and_an_htmx_filter(reference):
    html = str(PickerForm()["swedish"])
    assert html.count("<option") == 291  # 290 + the empty choice: usable without JavaScript
    assert 'id="id_swedish_filter"' in html
    assert '<label class="places-picker-filter" for="id_swedish_filter">' in html
    assert f'hx-get="{OPTIONS}"' in html
    assert 'hx-target="#id_swedish"' in html
    vals_attribute = re.search(r'hx-vals="([^"]*)"', html)
    assert vals_attribute is not None
    vals = json.loads(vals_attribute[1].replace("&quot;", '"'))
    assert vals == {"country": "SE", "blank": "1", "status": "id_swedish_status", "selected": ""}
    assert 'id="id_swedish_status"' in html
    assert 'aria-live="polite"' in html


def test_picker_accepts_a_pk_and_refuses_the_wrong_country(reference):
    trondheim = Municipality.objects.get(country="NO", code="5001")
    form = PickerForm({"municipality": trondheim.pk, "swedish": trondheim.pk})
    assert not form.is_valid()
    assert list(form.errors) == ["swedish"]
    assert form.cleaned_data["municipality"] == trondheim


def test_picker_keeps_the_selection_when_filtering(reference):
    ostersund = Municipality.objects.get(country="SE", code="2380")
    html = str(PickerForm(initial={"municipality": ostersund.pk})["municipality"])
    assert f"&quot;selected&quot;: &quot;{ostersund.pk}&quot;" in html
    assert f'<option value="{ostersund.pk}" selected>Östersund (Jämtlands län)</option>' in html


def test_sni_picker(reference):
    code = SniCode.objects.get(code="62010")
    ostersund = Municipality.objects.get(country="SE", code="2380")
    form = PickerForm({"municipality": ostersund.pk, "sni": code.pk})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sni"] == code
    assert "62.010 Dataprogrammering" in str(form["sni"])
