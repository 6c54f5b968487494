"""The front door on the shared similarity service: the free-text need ranks offerings and events
through the `offerings` and `events` corpora and finds similar public ideas through the `ideas`
corpus; in sv, nb and en; never anything outside the person's area."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from framja.ideas.services.public import idea_submit
from framja.places.models import Municipality
from tests.catalogue.conftest import make_event, make_offering

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("similarity_snapshot")]

EXPORT_SV = "Hjälp att sälja till utländska kunder och hitta nya marknader utomlands."


@pytest.fixture
def offerings(organisation, other_organisation):
    export = make_offering(
        organisation,
        name_sv="Exportrådgivning",
        name_nb="",
        name_en="Export advice",
        description_sv=EXPORT_SV,
        description_en="Help with selling to customers abroad and finding new markets.",
        area_country="SE",
    )
    books = make_offering(
        organisation,
        name_sv="Bokföringskurs",
        name_nb="",
        name_en="",
        description_sv="Lär dig löpande bokföring och bokslut.",
        area_country="SE",
    )
    # The best text match of all, but it serves Norway only.
    norway = make_offering(
        other_organisation,
        name_sv="Eksportrådgivning",
        name_nb="Eksportrådgivning",
        name_en="",
        description_sv=EXPORT_SV,
        description_nb="Hjelp til å selge til utenlandske kunder og finne nye markeder i utlandet.",
        area_country="NO",
    )
    return export, books, norway


def _start(client, need, municipality, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("catalogue-start"), {"need": need, "municipality": municipality.pk}, follow=True)


@pytest.mark.parametrize(
    ("language", "need", "why"),
    [
        ("sv", "Vi vill sälja till utländska kunder på nya marknader", "gemensamma ord"),
        ("nb", "Vi vil selge til utenlandske kunder i nye markeder", "felles ord"),
        ("en", "We want to sell to customers abroad in new markets", "words in common"),
    ],
)
def test_a_need_in_each_language_finds_the_swedish_offering(client, offerings, municipality, language, need, why):
    export, books, _norway = offerings
    response = _start(client, need, municipality, language)
    matches = response.context["matches"]
    assert [m.offering for m in matches] == [export, books]  # nothing for Norway is offered in Östersund
    assert matches[0].similarity > matches[1].similarity
    assert why in response.content.decode()


def test_nothing_outside_the_area_even_when_it_is_the_closest_text(client, offerings, municipality):
    export, _books, norway = offerings
    body = client.get(
        "/api/v1/catalogue/match",
        {"text": "Hjelp til å selge til utenlandske kunder", "municipality": "2380"},
    ).json()
    assert norway.pk not in [item["offering"]["id"] for item in body["offerings"]]
    assert body["offerings"][0]["offering"]["id"] == export.pk


def test_the_api_explains_in_the_language_asked_for(client, offerings, municipality):
    body = client.get(
        "/api/v1/catalogue/match",
        {"text": "selling to customers abroad", "municipality": "2380"},
        HTTP_ACCEPT_LANGUAGE="nb",
    ).json()
    reasons = body["offerings"][0]["reasons"]
    assert reasons[0] == "betjener Östersund" or "Östersund" in reasons[0]
    assert any(r.startswith("felles ord") or r == "nær det du beskriver" for r in reasons)


def test_events_closest_to_the_need_come_first(client, organisation, municipality):
    sooner = make_event(
        organisation, title="Frukostmöte om bokföring", description="Bokslut och moms.", municipality=municipality
    )
    later = make_event(
        organisation,
        title="Exportdag",
        description="Så säljer du till utländska kunder.",
        municipality=municipality,
        start=sooner.start + timedelta(days=7),
        end=sooner.end + timedelta(days=7),
    )
    response = _start(client, "sälja till utländska kunder", municipality, "sv")
    assert response.context["events"][0] == later


def test_similar_ideas_of_the_municipality_link_to_their_public_page(client, offerings, municipality):
    other = Municipality.objects.create(country="SE", code="0180", name="Stockholm", county=municipality.county)
    here = idea_submit(
        title="Exportnätverk för småföretag",
        description="Ett nätverk som hjälper småföretag att sälja till utländska kunder.",
        municipality=municipality,
        email="a@example.org",
        consent=True,
    ).idea
    idea_submit(
        title="Exportnätverk i huvudstaden",
        description="Ett nätverk som hjälper småföretag att sälja till utländska kunder.",
        municipality=other,
        email="b@example.org",
        consent=True,
    )
    response = _start(client, "Hur säljer vi till utländska kunder?", municipality, "sv")
    ideas = response.context["ideas"]
    assert [idea.id for idea in ideas] == [here.pk]  # not the idea of another municipality
    url = reverse("ideas-public-detail", args=[here.pk])
    content = response.content.decode()
    assert f'href="{url}"' in content
    assert "Liknande idéer i idéslussen" in content
    api = client.get("/api/v1/catalogue/match", {"text": "sälja till utländska kunder", "municipality": "2380"}).json()
    assert [(i["id"], i["url"]) for i in api["ideas"]] == [(here.pk, url)]


def test_the_contact_request_keeps_the_area_and_stage_of_the_front_door(client, offerings, municipality):
    from framja.catalogue.models import ContactRequest
    from framja.notifications.models import OutboundEmail

    export = offerings[0]
    url = reverse("catalogue-contact", args=[export.pk]) + f"?municipality={municipality.pk}&stage=start_up&need=x"
    client.post(url, {"name": "Kim", "email": "kim@example.org", "need": "Export till Norge", "consent": "on"})
    request = ContactRequest.objects.get()
    assert (request.organisation, request.offering, request.municipality) == (
        export.organisation,
        export,
        municipality,
    )
    assert request.stage == "start_up"
    assert "kim@example.org" in OutboundEmail.objects.values_list("to", flat=True)  # the receipt


def _queries_and_sizes(client, municipality):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    params = {"need": "Rådgivning om finansiering", "municipality": municipality.pk}
    client.get(reverse("catalogue-start"), params)  # the readers apply the change log's new rows first
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("catalogue-start"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["matches"]), len(response.context["events"])


def test_front_door_costs_the_same_with_one_or_five_offerings_and_events(client, organisation, municipality):
    def add(n):
        offering = make_offering(organisation, name_sv=f"Rådgivning {n}", area_country="SE")
        event = make_event(organisation, title=f"Finansieringsfrukost {n}", municipality=municipality)
        event.offerings.add(offering)

    add(0)
    one, matches, events = _queries_and_sizes(client, municipality)
    assert (matches, events) == (1, 1)
    for n in range(1, 5):
        add(n)
    five, matches, events = _queries_and_sizes(client, municipality)
    assert (matches, events) == (5, 5)
    assert five == one


def test_match_api_costs_the_same_with_one_or_five_offerings(client, organisation, municipality):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        params = {"text": "Rådgivning om finansiering", "municipality": "2380"}
        client.get("/api/v1/catalogue/match", params)
        with CaptureQueriesContext(connection) as ctx:
            body = client.get("/api/v1/catalogue/match", params).json()
        return len(ctx.captured_queries), len(body["offerings"]), len(body["events"])

    make_offering(organisation, area_country="SE")
    make_event(organisation, municipality=municipality)
    one, offerings, events = count()
    assert (offerings, events) == (1, 1)
    for n in range(4):
        make_offering(organisation, name_sv=f"Rådgivning {n}", area_country="SE")
        make_event(organisation, title=f"Möte {n}", municipality=municipality)
    five, offerings, events = count()
    assert (offerings, events) == (5, 5)
    assert five == one


def test_front_door_keeps_the_chosen_municipality_and_escapes_names(client, offerings, municipality):
    Municipality.objects.create(country="SE", code="0999", name="Å & <Ö>", county=municipality.county)
    content = _start(client, "export", municipality, "sv").content.decode()
    assert f'<option value="{municipality.pk}" selected>Östersund</option>' in content
    assert "Å &amp; &lt;Ö&gt;</option>" in content
    assert content.count(f'<option value="{municipality.pk}"') == 1
