"""The organisation directory, profile page, registration and editing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from framja.accounts.models import Membership, Organisation, Role
from framja.audit.models import AuditEntry
from tests.factories import MembershipFactory, OrganisationFactory, serve

pytestmark = pytest.mark.django_db


def _edit_data(organisation: Organisation, **changes) -> dict:
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "country": organisation.country,
        "organisation_number": organisation.organisation_number,
        "municipality": organisation.municipality_id or "",
        "website": organisation.website,
        "email": organisation.email,
        "phone": organisation.phone,
        "description_sv": organisation.description_sv,
        "description_nb": organisation.description_nb,
        "description_en": organisation.description_en,
        "serves": [m.pk for m in organisation.serves.all()],
    }
    return {**data, **changes}


# -- directory --------------------------------------------------------------------------------


def test_directory_is_public_and_lists_active_organisations(client, organisation, other_organisation):
    OrganisationFactory.create(name="Closed AB", is_active=False)
    content = client.get(reverse("accounts-organisation-list")).content.decode()
    assert "Almi Mitt" in content
    assert "Innovasjon Trøndelag" in content
    assert "Closed AB" not in content


def test_directory_search_and_filters(client, organisation, other_organisation):
    url = reverse("accounts-organisation-list")
    assert "Innovasjon" not in client.get(url, {"q": "almi"}).content.decode()
    assert "Almi Mitt" in client.get(url, {"q": "556594-5689"}).content.decode()
    by_country = client.get(url, {"country": "NO"}).content.decode()
    assert "Innovasjon Trøndelag" in by_country
    assert "Almi Mitt" not in by_country
    assert "Almi Mitt" not in client.get(url, {"kind": "municipality"}).content.decode()


def test_directory_ignores_invalid_filters(client, organisation):
    response = client.get(reverse("accounts-organisation-list"), {"kind": "nonsense", "country": "XX", "page": "abc"})
    assert response.status_code == 200
    assert "Almi Mitt" in response.content.decode()


def test_directory_is_paginated_with_few_queries(client, django_assert_max_num_queries, places):
    for n in range(30):
        org = OrganisationFactory.create(name=f"Org {n:02d}")
        serve(org, places["ostersund"], places["are"])
    with django_assert_max_num_queries(4):
        first = client.get(reverse("accounts-organisation-list"))
    assert "Org 00" in first.content.decode()
    assert "Org 29" not in first.content.decode()
    assert 'aria-current="page"' in first.content.decode()
    second = client.get(reverse("accounts-organisation-list"), {"page": 2}).content.decode()
    assert "Org 29" in second


def test_directory_answers_htmx_with_the_results_fragment(client, organisation):
    response = client.get(reverse("accounts-organisation-list"), {"q": "almi"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="results"' in content
    assert "HX-Request" in response["Vary"]


# -- profile page -----------------------------------------------------------------------------


def test_profile_page_is_public(client, organisation, places):
    organisation.description_sv = "Vi hjälper företag."
    organisation.website = "https://www.almi.se"
    organisation.save()
    serve(organisation, places["ostersund"])
    content = client.get(organisation.get_absolute_url()).content.decode()
    assert "556594-5689" in content
    assert "Vi hjälper företag." in content
    assert "Östersund" in content
    assert "Jämtlands län" in content
    assert reverse("accounts-organisation-edit", args=[organisation.slug]) not in content


def test_profile_page_shows_the_description_in_the_active_language(client, organisation):
    organisation.description_sv = "Svensk"
    organisation.description_en = "English"
    organisation.save()
    assert "English" in client.get("/en" + organisation.get_absolute_url()).content.decode()
    assert "Svensk" in client.get(organisation.get_absolute_url()).content.decode()


def test_profile_page_offers_admin_links_to_the_owner(owner_client, organisation):
    content = owner_client.get(organisation.get_absolute_url()).content.decode()
    assert reverse("accounts-organisation-edit", args=[organisation.slug]) in content
    assert reverse("audit-organisation-log", args=[organisation.slug]) in content


def test_inactive_organisation_is_hidden_from_outsiders_but_not_members(
    client, outsider_client, member_client, organisation
):
    organisation.is_active = False
    organisation.save()
    assert client.get(organisation.get_absolute_url()).status_code == 404
    assert outsider_client.get(organisation.get_absolute_url()).status_code == 404
    assert member_client.get(organisation.get_absolute_url()).status_code == 200


def test_unknown_organisation_is_404(client):
    assert client.get(reverse("accounts-organisation-detail", args=["nobody"])).status_code == 404


# -- register ---------------------------------------------------------------------------------


def test_register_needs_sign_in(client):
    response = client.get(reverse("accounts-organisation-create"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts-login"))


def test_signed_in_user_registers_an_organisation_and_becomes_its_admin(outsider_client, outsider, places):
    response = outsider_client.post(
        reverse("accounts-organisation-create"),
        {
            "name": "Östersunds kommun",
            "kind": "municipality",
            "country": "SE",
            "organisation_number": "212000-2411",
            "municipality": places["ostersund"].pk,
            "serves": [places["ostersund"].pk, places["are"].pk],
            "website": "www.ostersund.se",
        },
    )
    organisation = Organisation.objects.get(name="Östersunds kommun")
    assert response.url == organisation.get_absolute_url()
    assert organisation.organisation_number == "2120002411"
    assert organisation.website == "https://www.ostersund.se"
    assert set(organisation.serves.all()) == {places["ostersund"], places["are"]}
    assert Membership.objects.get(organisation=organisation, user=outsider).role == Role.ADMIN


def test_register_form_lists_municipalities_grouped_by_county(owner_client, places):
    content = owner_client.get(reverse("accounts-organisation-create")).content.decode()
    assert "Jämtlands län" in content
    assert f'id="id_serves_{places["trondheim"].pk}"' in content
    assert f'for="id_serves_{places["trondheim"].pk}"' in content


def test_register_shows_field_errors(owner_client):
    response = owner_client.post(
        reverse("accounts-organisation-create"),
        {"name": "", "kind": "municipality", "country": "SE", "organisation_number": "556036-0794"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="id_organisation_number_error"' in content
    assert 'aria-describedby="id_organisation_number_helptext id_organisation_number_error"' in content
    assert 'id="id_municipality_error"' in content
    assert 'href="#id_name"' in content  # the error summary links to the field
    assert not Organisation.objects.filter(kind="municipality").exists()


def test_register_rejects_unknown_municipality_ids(owner_client):
    response = owner_client.post(
        reverse("accounts-organisation-create"),
        {"name": "X", "kind": "company", "country": "SE", "serves": ["999999", "abc"]},
    )
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="X").exists()


# -- edit -------------------------------------------------------------------------------------


def test_owner_edits_the_profile(owner_client, owner, organisation, places):
    url = reverse("accounts-organisation-edit", args=[organisation.slug])
    assert owner_client.get(url).status_code == 200
    response = owner_client.post(
        url, _edit_data(organisation, name="Almi Mitt AB", description_en="Loans", serves=[places["are"].pk])
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Almi Mitt AB"
    assert list(organisation.serves.all()) == [places["are"]]
    entry = AuditEntry.objects.filter(organisation=organisation, action="update", changes__has_key="name").get()
    assert entry.actor == owner
    assert entry.changes["name"] == ["Almi Mitt", "Almi Mitt AB"]


@pytest.mark.parametrize("persona", ["member_client", "outsider_client"])
def test_only_admins_may_edit(request, persona, organisation):
    client = request.getfixturevalue(persona)
    url = reverse("accounts-organisation-edit", args=[organisation.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, _edit_data(organisation, name="Hacked")).status_code == 404
    organisation.refresh_from_db()
    assert organisation.name == "Almi Mitt"


def test_anonymous_edit_goes_to_login(client, organisation):
    response = client.get(reverse("accounts-organisation-edit", args=[organisation.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts-login"))


def test_staff_may_edit_any_organisation(staff_client, organisation):
    url = reverse("accounts-organisation-edit", args=[organisation.slug])
    assert staff_client.post(url, _edit_data(organisation, phone="+46 63 00 00")).status_code == 302


def test_coordinator_is_not_an_admin(client, organisation):
    membership = MembershipFactory.create(organisation=organisation, role=Role.COORDINATOR)
    client.force_login(membership.user)
    assert client.get(reverse("accounts-organisation-edit", args=[organisation.slug])).status_code == 404


def test_edit_page_has_few_queries(owner_client, organisation, places, django_assert_max_num_queries):
    # The first visit writes the municipality picker's cached options (framja.places.option_cache);
    # every later one reads them.
    owner_client.get(reverse("accounts-organisation-edit", args=[organisation.slug]))
    with django_assert_max_num_queries(9):
        response = owner_client.get(reverse("accounts-organisation-edit", args=[organisation.slug]))
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["9" * 30, "-1", "1.5", "abc"])  # NUL: a 422 page (tests/test_nul_bytes.py)
def test_odd_municipality_ids_are_form_errors(owner_client, places, value):
    response = owner_client.post(
        reverse("accounts-organisation-create"),
        {"name": "X", "kind": "company", "country": "SE", "serves": [value], "municipality": value},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="id_municipality_error"' in content
    assert 'id="id_serves_error"' in content
    assert not Organisation.objects.filter(name="X").exists()
