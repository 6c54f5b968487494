"""Organisation rules: check digits, municipality kind, duplicates, formatting, descriptions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from framja.accounts.models import Organisation
from tests.factories import OrganisationFactory


def _org(**fields) -> Organisation:
    defaults = {"name": "Test AB", "kind": Organisation.Kind.COMPANY, "country": "SE"}
    return Organisation(**{**defaults, **fields})


@pytest.mark.django_db
def test_valid_number_is_stored_as_digits():
    org = _org(organisation_number="556036-0793")
    org.full_clean()
    assert org.organisation_number == "5560360793"


@pytest.mark.django_db
@pytest.mark.parametrize(("country", "number"), [("SE", "556036-0794"), ("NO", "974760672"), ("NO", "5560360793")])
def test_invalid_number_is_a_field_error(country, number):
    with pytest.raises(ValidationError) as info:
        _org(country=country, organisation_number=number).full_clean()
    assert "organisation_number" in info.value.error_dict


@pytest.mark.django_db
def test_number_is_unique_within_a_country():
    OrganisationFactory.create(organisation_number="5560360793")
    with pytest.raises(ValidationError) as info:
        _org(organisation_number="556036-0793").full_clean()
    assert [e.code for e in info.value.error_dict["organisation_number"]] == ["unique"]


@pytest.mark.django_db
def test_municipality_kind_must_name_its_municipality():
    with pytest.raises(ValidationError) as info:
        _org(kind=Organisation.Kind.MUNICIPALITY).full_clean()
    assert "municipality" in info.value.error_dict


@pytest.mark.django_db
def test_municipality_must_be_in_the_organisations_country(places):
    with pytest.raises(ValidationError) as info:
        _org(kind=Organisation.Kind.MUNICIPALITY, country="NO", municipality=places["ostersund"]).full_clean()
    assert [e.code for e in info.value.error_dict["municipality"]] == ["country"]


@pytest.mark.django_db
def test_a_municipality_has_only_one_organisation(places):
    OrganisationFactory.create(kind=Organisation.Kind.MUNICIPALITY, municipality=places["ostersund"])
    with pytest.raises(ValidationError) as info:
        _org(kind=Organisation.Kind.MUNICIPALITY, municipality=places["ostersund"]).full_clean()
    assert [e.code for e in info.value.error_dict["municipality"]] == ["unique"]


@pytest.mark.parametrize(
    ("country", "number", "shown"), [("SE", "5560360793", "556036-0793"), ("NO", "974760673", "974 760 673")]
)
def test_number_is_displayed_as_people_write_it(country, number, shown):
    assert _org(country=country, organisation_number=number).organisation_number_display == shown


def test_description_follows_the_language_with_fallback():
    org = _org(description_sv="Svensk text", description_en="English text")
    with translation.override("en"):
        assert org.description == "English text"
    with translation.override("nb"):
        assert org.description == "Svensk text"


@pytest.mark.django_db
def test_slug_is_unique_and_avoids_page_addresses():
    first = OrganisationFactory.create(name="Almi")
    second = OrganisationFactory.create(name="Almi")
    reserved = OrganisationFactory.create(name="New")
    assert (first.slug, second.slug) == ("almi", "almi-2")
    assert reserved.slug != "new"
