"""The front door (/start): a need in one's own words ranks the offerings that serve the area,
stage and sector and says why; a contact request reaches one organisation with a receipt."""

import pytest
from django.urls import reverse

from framja.catalogue.models import ContactRequest
from framja.notifications.models import OutboundEmail
from framja.places.models import SniSection
from tests.catalogue.conftest import make_event, make_offering

pytestmark = pytest.mark.django_db


@pytest.fixture
def offerings(organisation, other_organisation, municipality):
    loan = make_offering(
        organisation,
        name_sv="Mikrolån för nya företag",
        description_sv="Finansiering av maskiner och lager när banken säger nej.",
        offering_type="loan",
        stages="start_up",
    )
    loan.area_counties.add(municipality.county)
    coop = make_offering(
        organisation,
        name_sv="Starta kooperativ",
        description_sv="Rådgivning om kooperativ och sociala företag.",
        stages="idea",
        area_country="SE",
    )
    norwegian = make_offering(other_organisation, name_sv="Norskt tilskudd", area_country="NO")
    return loan, coop, norwegian


def test_ranking_explains_area_stage_and_words(client, offerings, municipality):
    loan = offerings[0]
    response = client.get(
        reverse("catalogue-start"),
        {
            "need": "Jag behöver finansiering av maskiner till mitt nya företag",
            "municipality": municipality.pk,
            "stage": "start_up",
        },
    )
    matches = response.context["matches"]
    assert [m.offering for m in matches] == [loan]  # the coop is for ideas; Norway does not serve Östersund
    assert "finansiering" in matches[0].words
    assert "maskiner" in matches[0].words
    content = response.content.decode()
    assert "Östersund" in content
    assert "gemensamma ord" in content


def test_words_lift_an_offering_above_another(client, offerings, municipality):
    loan, coop, _no = offerings
    response = client.get(
        reverse("catalogue-start"), {"need": "kooperativ socialt företag", "municipality": municipality.pk}
    )
    assert [m.offering for m in response.context["matches"]][:2] == [coop, loan]


def test_sector_named_ranks_higher(organisation, municipality):
    from framja.catalogue import matching

    section = SniSection.objects.create(code="J", name="Informations- och kommunikationsverksamhet")
    it = make_offering(organisation, name_sv="IT-stöd", area_country="SE", all_sectors=False)
    it.sni_sections.add(section)
    general = make_offering(organisation, name_sv="Allmänt", area_country="SE")
    ranked = matching.rank(need="hjälp", municipality=municipality, sector=section)
    assert [m.offering for m in ranked] == [it, general]


def test_contact_request_with_consent_lands_at_the_organisation(client, offerings, municipality, organisation):
    loan = offerings[0]
    organisation.email = "info@almi.example.org"
    organisation.save()
    url = reverse("catalogue-contact", args=[loan.pk]) + f"?municipality={municipality.pk}"
    refused = client.post(url, {"name": "Kim", "email": "kim@example.org", "need": "Lån till maskiner"})
    assert refused.status_code == 200
    assert not ContactRequest.objects.exists()
    sent = client.post(url, {"name": "Kim", "email": "kim@example.org", "need": "Lån till maskiner", "consent": "on"})
    assert sent.status_code == 200
    request = ContactRequest.objects.get()
    assert request.organisation == organisation
    assert request.municipality == municipality
    assert list(ContactRequest.objects.for_organisation(organisation).unanswered()) == [request]
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == ["info@almi.example.org", "kim@example.org"]


def test_match_api(client, offerings, municipality, organisation):
    make_event(organisation, title="Finansieringsdag", municipality=municipality)
    response = client.get("/api/v1/catalogue/match", {"text": "finansiering maskiner", "municipality": "SE-2380"})
    assert response.status_code == 200
    body = response.json()
    assert body["offerings"][0]["offering"]["id"] == offerings[0].pk
    assert body["offerings"][0]["words"] == ["finansiering", "maskiner"]
    assert [e["title"] for e in body["events"]] == ["Finansieringsdag"]
    bad = client.get("/api/v1/catalogue/match", {"text": "x", "municipality": "0000"})
    assert bad.status_code == 422
