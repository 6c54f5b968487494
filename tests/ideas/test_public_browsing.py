"""Public browsing of ideas (issue 9.13): the list page with its filters, search, sorting and
pages, its Atom feed, a municipality's page with its ideas' outcomes, and the public API.

Anyone may browse; what they see is what the submitter agreed to make public (title,
description, municipality, categories, stage and public decisions), never the submitter's name
or e-mail address, internal notes, internal decisions or supporters' addresses, and never a
withdrawn idea."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from framja.ideas.models import GateDecision, Idea, Tag
from framja.ideas.services import casework, public
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
LIST = "/ideas/"
FEED = "/ideas/feed.atom"
API = "/api/v1/ideas/public"


@pytest.fixture
def ideas(make_idea, municipality, norway, owner, public_side):
    """Three public ideas in two countries, one of them withdrawn and one anonymised, with the
    kinds of data that must never be public around them."""
    now = timezone.now()
    bikes = make_idea(
        title="Lastcyklar för butikerna",
        description="Delade elektriska lastcyklar i centrum minskar varutransporterna med bil.",
        created_at=now - timedelta(days=3),
        submitter_name="Kim Karlsson",
        submitter_email="kim.karlsson@example.org",
    )
    bikes.tags.add(Tag.objects.get(slug="mobility-transport"), Tag.objects.get(slug="sdg-11"))
    ferry = make_idea(
        title="Elferge over fjorden",
        description="En batteridrevet ferge mellom bydelene gir renere luft og stillere havn.",
        municipality=norway,
        created_at=now - timedelta(days=2),
        submitter_name="Ola Nordmann",
        submitter_email="ola.nordmann@example.no",
    )
    ferry.tags.add(Tag.objects.get(slug="sdg-7"))
    for email in ("stodjare1@example.org", "stodjare2@example.org"):
        public.support_confirm(public.support_add(idea=ferry, email=email)[0])
    gone = make_idea(
        title="Tillbakadragen idé om skidspår",
        description="Belysta skidspår runt sjön, men idén drogs tillbaka.",
        created_at=now - timedelta(days=1),
    )
    public.idea_withdraw(idea=gone)
    casework.add_note(idea=bikes, text="Ring Kim innan gaten på torsdag.", by=owner)
    return {"bikes": bikes, "ferry": ferry, "gone": gone}


def _atom(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - our own feed, parsed by the standard library on purpose


def _titles(client: Client, url: str) -> list[str]:
    """The idea titles the list (or municipality) page shows, in order."""
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return [idea.title for idea in response.context["page"].object_list]


def _feed_titles(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    root = _atom(response.content)
    return [entry.findtext(f"{ATOM}title", "") for entry in root.findall(f"{ATOM}entry")]


def _api_titles(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


# --- what is listed -----------------------------------------------------------------------------


def test_list_shows_public_ideas_newest_first_never_withdrawn(client, ideas):
    assert _titles(client, LIST) == ["Elferge over fjorden", "Lastcyklar för butikerna"]
    assert "skidspår" not in client.get(LIST).content.decode()


def test_withdrawn_idea_is_in_no_feed_api_or_municipality_page(client, ideas, municipality):
    gone = ideas["gone"].title
    assert all(gone not in title for title in _feed_titles(client, FEED))
    assert gone not in _api_titles(client, API)
    assert gone not in _titles(client, reverse("ideas-municipality", args=[municipality.qualified_code]))


def test_anonymised_idea_stays_listed_without_the_submitters_data(client, ideas):
    public.idea_anonymise(idea=ideas["bikes"])
    assert "Lastcyklar för butikerna" in _titles(client, LIST)


@pytest.mark.parametrize(
    "url",
    [LIST, FEED, API, "/ideas/municipality/SE-2380/", "/en/ideas/", "/ideas/?q=lastcyklar"],
)
def test_no_personal_data_or_internals_anywhere(client, ideas, owner, url):
    criteria = list(ideas["bikes"].sluice.criteria.order_by("position"))
    casework.gate_decide(
        idea=ideas["bikes"],
        outcome=GateDecision.Outcome.HOLD,
        rationale="Vi väntar på besked om medfinansiering.",
        by=owner,
        scores={criteria[0].pk: 3},
        is_public=False,
    )
    body = client.get(url).content.decode()
    assert "Lastcyklar" in body or "Elferge" in body
    for secret in (
        "Kim Karlsson",
        "kim.karlsson@example.org",
        "Ola Nordmann",
        "ola.nordmann@example.no",
        "stodjare1@example.org",
        "Ring Kim innan gaten",
        "medfinansiering",
        owner.email,
    ):
        assert secret not in body, f"{url} shows {secret!r}"


# --- filters, search, sorting, pages --------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("municipality=SE-2380", ["Lastcyklar för butikerna"]),
        ("municipality=5001", ["Elferge over fjorden"]),
        ("country=NO", ["Elferge over fjorden"]),
        ("country=SE", ["Lastcyklar för butikerna"]),
        ("category=mobility-transport", ["Lastcyklar för butikerna"]),
        ("goal=7", ["Elferge over fjorden"]),
        ("goal=11&category=mobility-transport", ["Lastcyklar för butikerna"]),
        ("goal=11&country=NO", []),
        ("stage=received", ["Elferge over fjorden", "Lastcyklar för butikerna"]),
        ("stage=concept", []),
        ("q=varutransporterna", ["Lastcyklar för butikerna"]),  # a word only in the description
        ("q=batteridrevet+ferge", ["Elferge over fjorden"]),
        ("q=tunnelbana", []),
        ("sort=supported", ["Elferge over fjorden", "Lastcyklar för butikerna"]),
    ],
)
def test_each_filter_search_and_sort_on_page_feed_and_api(client, ideas, query, expected):
    assert _titles(client, f"{LIST}?{query}") == expected
    assert _api_titles(client, f"{API}?{query}") == expected
    if "sort" not in query:  # the feed is always newest first
        assert [title.rsplit(" (", 1)[0] for title in _feed_titles(client, f"{FEED}?{query}")] == expected


def test_most_supported_first_and_newest_first_differ(client, ideas):
    public.support_confirm(public.support_add(idea=ideas["bikes"], email="a@example.org")[0])
    for n in range(3):
        public.support_confirm(public.support_add(idea=ideas["bikes"], email=f"b{n}@example.org")[0])
    public.support_add(idea=ideas["ferry"], email="unconfirmed@example.org")  # counts only once confirmed
    assert _titles(client, f"{LIST}?sort=supported") == ["Lastcyklar för butikerna", "Elferge over fjorden"]
    assert _titles(client, f"{LIST}?sort=newest") == ["Elferge over fjorden", "Lastcyklar för butikerna"]
    assert [i["supporters"] for i in client.get(f"{API}?sort=supported").json()["items"]] == [4, 2]


def test_stage_filter_follows_a_gate_decision(client, ideas, owner):
    criteria = list(ideas["bikes"].sluice.criteria.order_by("position"))
    casework.gate_decide(
        idea=ideas["bikes"],
        outcome=GateDecision.Outcome.GO,
        rationale="Stort intresse.",
        by=owner,
        scores={c.pk: 4 for c in criteria},
    )
    assert _titles(client, f"{LIST}?stage=screening") == ["Lastcyklar för butikerna"]
    assert _titles(client, f"{LIST}?stage=received") == ["Elferge over fjorden"]


def test_pages_of_twenty(client, make_idea, public_side):
    now = timezone.now()
    for n in range(23):
        make_idea(title=f"Idé nummer {n:02d}", created_at=now - timedelta(hours=n))
    first, second = client.get(LIST), client.get(f"{LIST}?page=2")
    assert [i.title for i in first.context["page"].object_list][:2] == ["Idé nummer 00", "Idé nummer 01"]
    assert len(first.context["page"].object_list) == 20
    assert [i.title for i in second.context["page"].object_list] == ["Idé nummer 20", "Idé nummer 21", "Idé nummer 22"]
    assert 'rel="next"' in first.content.decode()
    assert "page=2" in first.content.decode()
    # Filters are kept in the page links.
    assert "country=SE&amp;page=2" in client.get(f"{LIST}?country=SE").content.decode()
    api = client.get(f"{API}?limit=20&offset=20").json()
    assert api["count"] == 23
    assert [item["title"] for item in api["items"]] == ["Idé nummer 20", "Idé nummer 21", "Idé nummer 22"]


# --- bad filter values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("category=no-such-category", "category"),
        ("goal=18", "goal"),
        ("stage=launched", "stage"),
        ("country=DK", "country"),
        ("sort=oldest", "sort"),
        ("municipality=9999", "municipality"),
        ("municipality=1860", "municipality"),  # Laxå and Vestvågøy: ambiguous without a country
    ],
)
def test_bad_filter_is_a_translated_error_not_a_500(client, ideas, laxa, query, field):
    page = client.get(f"{LIST}?{query}")
    assert page.status_code == 400
    assert field in page.context["form"].errors
    assert "Rätta till följande" in page.content.decode()
    assert page.context["page"].paginator.count == 0
    assert client.get(f"{FEED}?{query}").status_code == 400
    api = client.get(f"{API}?{query}")
    assert api.status_code == 422
    assert any(error["loc"][-1] == field for error in api.json()["detail"])


def test_bad_filter_error_is_in_the_page_language(client, ideas):
    english = client.get("/en/ideas/?category=no-such-category").content.decode()
    swedish = client.get("/ideas/?category=no-such-category").content.decode()
    assert "Select a valid choice" in english
    assert "Välj ett giltigt alternativ" in swedish


# --- the Atom feed --------------------------------------------------------------------------------


def test_feed_is_valid_atom_with_links_to_the_public_pages(client, ideas):
    response = client.get(FEED)
    assert response["Content-Type"].startswith("application/atom+xml")
    root = _atom(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("title", "id", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for required in ("title", "id", "updated", "link", "summary"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    link = entries[0].find(f"{ATOM}link")
    assert link is not None
    assert link.get("href", "").endswith(reverse("ideas-public-detail", args=[ideas["ferry"].pk]))
    assert "batteridrevet ferge" in entries[0].findtext(f"{ATOM}summary", "")


def test_feed_escapes_markup_in_the_description(client, make_idea, public_side):
    make_idea(title="Skript", description="<script>alert(1)</script> i beskrivningen")
    summary = _atom(client.get(FEED).content).findtext(f"{ATOM}entry/{ATOM}summary", "")
    assert "<script>" not in summary  # the reader's HTML is the escaped text
    assert "&lt;script&gt;" in summary


def test_list_links_its_feed_with_the_same_filters(client, ideas):
    body = client.get(f"{LIST}?country=NO").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in body
    assert f'href="{FEED}?country=NO"' in body


def test_feed_is_in_the_language_of_its_address(client, ideas):
    english = _atom(client.get(f"/en{FEED}").content)
    assert english.findtext(f"{ATOM}title") == "Public ideas · Främja"
    swedish = _atom(client.get(FEED).content)
    assert swedish.findtext(f"{ATOM}title") != "Public ideas · Främja"


# --- a municipality's page -------------------------------------------------------------------------


def test_municipality_page_shows_ideas_outcomes_and_counts(client, ideas, make_idea, owner, municipality):
    criteria = list(ideas["bikes"].sluice.criteria.order_by("position"))
    scores = {c.pk: 4 for c in criteria}
    casework.gate_decide(idea=ideas["bikes"], outcome="go", rationale="Stort intresse.", by=owner, scores=scores)
    held = make_idea(title="Solceller på skolan")
    casework.gate_decide(idea=held, outcome="hold", rationale="Internt.", by=owner, scores=scores, is_public=False)
    url = reverse("ideas-municipality", args=["SE-2380"])

    with override("en"):
        response = client.get(reverse("ideas-municipality", args=["SE-2380"]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ideas for Östersund" in body
    assert "2 public ideas." in body
    assert [(row["kind"], row["count"]) for row in response.context["stage_counts"]] == [
        ("received", 1),
        ("screening", 1),
    ]
    assert ">Received</a></th><td>1</td>" in body
    assert ">Screening</a></th><td>1</td>" in body
    rows = {idea.title: idea for idea in response.context["page"].object_list}
    assert rows["Lastcyklar för butikerna"].public_outcome == "go"
    assert rows["Solceller på skolan"].public_outcome is None  # the decision was not made public
    assert "Latest decision" in body
    assert ">Go (<time" in body
    assert "Hold" not in body
    assert "Elferge" not in body  # Trondheim's
    assert client.get(url).status_code == 200


def test_municipality_page_of_a_place_without_ideas_and_of_no_place(client, ideas, municipality):
    empty = MunicipalityFactory.create(country="SE", code="2309", name="Krokom", county=municipality.county)
    assert client.get(reverse("ideas-municipality", args=[empty.qualified_code])).status_code == 200
    assert client.get("/ideas/municipality/SE-0000/").status_code == 404
    assert client.get("/ideas/municipality/DK-2380/").status_code == 404


def test_municipality_names_link_to_their_page(client, ideas):
    page = reverse("ideas-municipality", args=["NO-5001"])
    assert f'href="{page}"' in client.get(LIST).content.decode()
    assert f'href="{page}"' in client.get(reverse("ideas-public-detail", args=[ideas["ferry"].pk])).content.decode()


# --- the API and the menu -------------------------------------------------------------------------


def test_api_answers_the_public_fields_only(client, ideas):
    item = client.get(f"{API}?country=SE").json()["items"][0]
    assert set(item) == {
        "id", "reference", "title", "description", "municipality", "stage", "stage_label", "audience", "tags",
        "supporters", "withdrawn", "created_at", "url", "public_outcome", "public_outcome_label", "public_outcome_at",
    }  # fmt: skip
    assert item["municipality"]["qualified_code"] == "SE-2380"
    assert {tag["slug"] for tag in item["tags"]} == {"mobility-transport", "sdg-11"}


def test_api_pages_are_bounded(client, ideas):
    assert client.get(f"{API}?limit=101").status_code == 422
    assert client.get(f"{API}?offset=1000001").status_code == 422


def test_menu_offers_the_list_to_everyone(client, owner_client, ideas):
    for visitor in (client, owner_client):
        assert f'href="{LIST}"' in visitor.get(reverse("ideas-submit")).content.decode()


def test_list_is_get_only(client, ideas):
    assert client.post(LIST).status_code == 405
    assert client.post(FEED).status_code == 405


def test_idea_objects_browse_keeps_to_public_ideas(ideas):
    assert set(Idea.objects.browse()) == {ideas["bikes"], ideas["ferry"]}
