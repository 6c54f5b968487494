"""Similar ideas while typing (page fragment and API) and supporting an existing idea instead."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from framja.accounts.models import ApiToken
from framja.ideas.models import DuplicateLink, Event, Idea, Support
from framja.ideas.services import public as services
from framja.ideas.services.casework import unlink_duplicate
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.usefixtures("public_side")

SIMILAR_API = "/api/v1/ideas/similar"
SIMILAR_PAGE = "/en/ideas/submit/similar/"

SWEDISH = (
    "Laddstolpar för elcyklar vid busshållplatser",
    "Kommunen borde sätta upp laddstolpar för elcyklar vid de stora busshållplatserna, så att fler kan "
    "cykla till bussen och ladda cykeln medan de åker.",
)
NORWEGIAN = (
    "Ladestolper for elsykler ved bussholdeplasser",
    "Kommunen burde sette opp ladestolper for elsykler ved de store bussholdeplassene, slik at flere kan "
    "sykle til bussen og lade sykkelen mens de reiser.",
)
#: What someone submitting the same idea again types (title and description).
QUERY = "\n".join(SWEDISH)


@pytest.fixture
def ideas_elsewhere(make_idea, norway, organisation, other_organisation):
    """The same idea submitted for Trondheim (in Norwegian) and for a Swedish municipality, plus
    an unrelated one."""
    from tests.factories import MunicipalityFactory

    are = MunicipalityFactory(country="SE", code="2321", name="Åre")
    swedish = make_idea(title=SWEDISH[0], description=SWEDISH[1], municipality=are)
    norwegian = make_idea(
        title=NORWEGIAN[0], description=NORWEGIAN[1], municipality=norway, organisation=other_organisation
    )
    unrelated = make_idea(title="Mer fika i biblioteket", description="Ett kafé i biblioteket på lördagar.")
    return swedish, norwegian, unrelated


def test_similar_api_finds_ideas_from_other_municipalities_and_norway(client, ideas_elsewhere):
    swedish, norwegian, unrelated = ideas_elsewhere
    response = client.get(SIMILAR_API, {"text": QUERY})
    assert response.status_code == 200
    found = {item["id"]: item for item in response.json()}
    assert swedish.pk in found
    assert norwegian.pk in found
    assert unrelated.pk not in found
    first = response.json()[0]
    assert first["id"] == swedish.pk
    assert set(first) >= {"id", "reference", "title", "municipality", "stage", "score", "level", "level_label"}
    assert first["municipality"]["name"] == "Åre"
    assert found[norwegian.pk]["municipality"]["country"] == "NO"
    assert 0 < found[norwegian.pk]["score"] <= first["score"] <= 1


def test_similar_api_contains_no_personal_data(client, ideas_elsewhere):
    body = client.get(SIMILAR_API, {"text": QUERY}).content.decode()
    assert "kim@example.org" not in body
    assert "Kim Karlsson" not in body


def test_similar_api_narrows_by_municipality(client, ideas_elsewhere):
    _swedish, norwegian, _unrelated = ideas_elsewhere
    response = client.get(SIMILAR_API, {"text": QUERY, "municipality": "NO-5001"})
    assert [item["id"] for item in response.json()] == [norwegian.pk]


def test_similar_api_empty_text_and_odd_parameters(client, ideas_elsewhere):
    assert client.get(SIMILAR_API).json() == []
    assert client.get(SIMILAR_API, {"text": "   "}).json() == []
    assert client.get(SIMILAR_API, {"text": QUERY, "k": "0"}).status_code == 200
    assert client.get(SIMILAR_API, {"text": QUERY, "k": "abc"}).status_code == 422
    assert client.get(SIMILAR_API, {"text": "x" * 100_000}).status_code == 200
    assert client.get(SIMILAR_API, {"text": QUERY, "municipality": "0000"}).status_code == 422


def test_similar_api_query_count(client, ideas_elsewhere, django_assert_max_num_queries):
    client.get(SIMILAR_API, {"text": QUERY})  # loads the index
    with django_assert_max_num_queries(3):
        assert client.get(SIMILAR_API, {"text": QUERY, "k": "10"}).status_code == 200


def test_withdrawn_ideas_are_not_suggested(client, ideas_elsewhere):
    swedish, _norwegian, _unrelated = ideas_elsewhere
    client.get(SIMILAR_API, {"text": QUERY})
    services.idea_withdraw(idea=swedish)
    ids = [item["id"] for item in client.get(SIMILAR_API, {"text": QUERY}).json()]
    assert swedish.pk not in ids


def test_submit_page_fragment_lists_similar_ideas_with_support_action(client, ideas_elsewhere):
    swedish, norwegian, _unrelated = ideas_elsewhere
    response = client.get(
        SIMILAR_PAGE, {"title": SWEDISH[0], "description": SWEDISH[1]}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert swedish.title in html
    assert norwegian.title in html
    assert "Trondheim" in html
    assert "Very likely the same idea" in html or "Similar" in html
    assert f'action="/en/ideas/{swedish.pk}/support/"' in html
    assert "Support this idea instead" in html
    assert "kim@example.org" not in html


LONG_IDEA = (
    "Fler laddplatser för elbilar i bostadsområdena",
    "Många som bor i flerfamiljshus vill byta till elbil men har ingenstans att ladda den över natten. "
    "Kommunen och de kommunala bostadsbolagen borde bygga laddplatser på parkeringarna i "
    "bostadsområdena, med en enkel betalning per laddning, och göra det lätt för bostadsrättsföreningar "
    "att söka stöd för egna laddboxar. Laddplatserna kan placeras nära entréerna så att de också "
    "passar personer med nedsatt rörlighet, och elen kan komma från solceller på garagetaken. "
    "Börja med de största områdena och följ upp hur mycket laddplatserna används efter ett år.",
)


def test_the_first_words_of_an_idea_already_suggest_it(client, ideas_elsewhere, make_idea):
    """While typing (a title and the start of a description, in other words), the stored idea
    that the draft begins to repeat is suggested first; the symmetric score put it under the
    floor (a short text against a long one)."""
    long_idea = make_idea(title=LONG_IDEA[0], description=LONG_IDEA[1])
    draft = {"title": "Laddplatser för elbilar", "description": "Vi som bor i hyreshus"}
    html = client.get(SIMILAR_PAGE, draft, headers={"HX-Request": "true"}).content.decode()
    assert LONG_IDEA[0] in html
    ids = [item["id"] for item in client.get(SIMILAR_API, {"text": "\n".join(draft.values())}).json()]
    assert ids[:1] == [long_idea.pk]
    # an unrelated draft of the same length gets nothing
    unrelated = {"title": "Mer fika i biblioteket", "description": "Ett kafé med bullar på lördagar"}
    html = client.get(SIMILAR_PAGE, unrelated, headers={"HX-Request": "true"}).content.decode()
    assert LONG_IDEA[0] not in html


def test_submit_fragment_with_too_little_text_suggests_nothing(client, ideas_elsewhere):
    html = client.get(SIMILAR_PAGE, {"title": "Ladd"}).content.decode()
    assert "No similar ideas found so far" in html


def test_api_submission_returns_similar_ideas_from_other_municipalities(client, ideas_elsewhere, municipality):
    swedish, norwegian, _ = ideas_elsewhere
    response = client.post(
        "/api/v1/ideas",
        {
            "title": SWEDISH[0],
            "description": SWEDISH[1],
            "municipality": "2380",
            "email": "a@example.org",
            "consent": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    similar = [item["id"] for item in response.json()["similar"]]
    assert swedish.pk in similar
    assert norwegian.pk in similar
    assert response.json()["id"] not in similar


# --- supporting instead -------------------------------------------------------------------------


def _confirm_link(outbox, address: str) -> str:
    """The confirmation link in the last mail to `address` (its path)."""
    found = [m for m in outbox if m.to == [address]]
    assert found, [m.to for m in outbox]
    link = re.search(r"https://framja\.test((?:/\w\w)?/ideas/support/confirm/[\w:.-]+/)", str(found[-1].body))
    assert link, found[-1].body
    return link.group(1)


def test_anonymous_support_through_the_page_counts_once_confirmed(client, idea, django_capture_on_commit_callbacks):
    url = f"/en/ideas/{idea.pk}/support/"
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"email": "Stina@Example.org"}, follow=True)
    assert "Almost done: we have sent you an e-mail" in first.content.decode()
    assert "0 people support this idea" in first.content.decode()  # not before it is confirmed
    link = _confirm_link(mail.outbox, "stina@example.org")

    # Opening the link only asks (mail scanners open links); the button confirms.
    assert "Confirm my support" in client.get(link).content.decode()
    assert Idea.objects.with_supporter_count().get(pk=idea.pk).supporter_count() == 0
    confirmed = client.post(link, follow=True)
    assert "Your support is confirmed" in confirmed.content.decode()
    assert "1 person supports this idea" in confirmed.content.decode()
    assert "You already support this idea" in client.post(link, follow=True).content.decode()

    second = client.post(url, {"email": "stina@example.org"}, follow=True)
    assert "You already support this idea" in second.content.decode()
    assert Support.objects.filter(idea=idea).count() == 1
    assert "1 person supports this idea" in second.content.decode()
    assert Event.objects.filter(idea=idea, kind=Event.Kind.SUPPORTED).count() == 1


def test_support_by_htmx_returns_the_fragment(client, idea):
    response = client.post(f"/en/ideas/{idea.pk}/support/", {"email": "a@example.org"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "Almost done: we have sent you an e-mail" in html


def test_signed_in_support_needs_no_email_and_counts_with_earlier_anonymous_one(member_client, member, idea):
    services.support_add(idea=idea, email=member.email)
    response = member_client.post(f"/en/ideas/{idea.pk}/support/", follow=True)
    assert "You already support this idea" in response.content.decode()
    assert idea.supporter_count() == 1


def test_anonymous_support_needs_an_email(client, idea):
    response = client.post(f"/en/ideas/{idea.pk}/support/", {"email": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Support.objects.exists()


def test_support_rejects_get(client, idea):
    assert client.get(f"/en/ideas/{idea.pk}/support/").status_code == 405


def test_support_honeypot_stores_nothing(client, idea):
    client.post(f"/en/ideas/{idea.pk}/support/", {"email": "bot@example.org", "website": "x"})
    assert not Support.objects.exists()


def test_anonymous_supports_are_rate_limited(client, make_idea):
    limit, _window = services.ANONYMOUS_SUPPORTS
    idea = make_idea()
    for n in range(limit):
        client.post(f"/en/ideas/{idea.pk}/support/", {"email": f"p{n}@example.org"})
    response = client.post(f"/en/ideas/{idea.pk}/support/", {"email": "late@example.org"})
    assert response.status_code == 429
    assert Support.objects.count() == limit


def test_withdrawn_idea_cannot_be_supported(client, idea):
    services.idea_withdraw(idea=idea)
    assert client.post(f"/en/ideas/{idea.pk}/support/", {"email": "a@example.org"}).status_code == 404


def test_supporters_count_once_across_a_duplicate_group(make_idea, norway, other_organisation):
    original = make_idea()
    duplicate = make_idea(municipality=norway, organisation=other_organisation)
    for target, address in [(original, "same@example.org"), (duplicate, "same@example.org")]:
        services.support_confirm(services.support_add(idea=target, email=address)[0])
    services.support_confirm(services.support_add(idea=duplicate, email="other@example.org")[0])
    services.support_add(idea=duplicate, email="unconfirmed@example.org")  # never counts
    assert original.supporter_count() == 1
    DuplicateLink.objects.create(duplicate=duplicate, original=original)
    assert original.supporter_count() == 2
    assert duplicate.supporter_count() == 2  # a duplicate shows its group's figure
    annotated = {i.pk: i.supporter_count() for i in Idea.objects.with_supporter_count()}
    assert annotated == {original.pk: 2, duplicate.pk: 2}
    unlink_duplicate(duplicate=duplicate, by=None)
    assert original.supporter_count() == 1
    assert Idea.objects.get(pk=duplicate.pk).supporter_count() == 2


def test_api_support_anonymous_confirmed_then_again(client, idea, django_capture_on_commit_callbacks):
    url = f"/api/v1/ideas/{idea.pk}/supports"
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"email": "a@example.org"}, content_type="application/json")
    assert first.status_code == 202
    assert first.json() == {"created": True, "supporters": 0, "pending": True}
    token = _confirm_link(mail.outbox, "a@example.org").rstrip("/").rpartition("/")[2]
    confirm = "/api/v1/ideas/supports/confirm"
    confirmed = client.post(confirm, {"token": token}, content_type="application/json")
    assert confirmed.status_code == 200
    assert confirmed.json() == {"created": True, "supporters": 1, "pending": False}
    twice = client.post(confirm, {"token": token}, content_type="application/json")
    assert twice.json() == {"created": False, "supporters": 1, "pending": False}
    again = client.post(url, {"email": "A@example.org"}, content_type="application/json")
    assert again.status_code == 200
    assert again.json() == {"created": False, "supporters": 1, "pending": False}
    forged = client.post(confirm, {"token": token[:-2] + "xx"}, content_type="application/json")
    assert forged.status_code == 404


def test_api_support_with_token(client, member, idea):
    _token, raw = ApiToken.issue(user=member, name="t")
    response = client.post(
        f"/api/v1/ideas/{idea.pk}/supports",
        {},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201
    assert Support.objects.get().user == member


@pytest.mark.parametrize("body", ["[null, null]", "[]", '"text"', "5", "null"])
def test_api_support_refuses_a_body_that_is_not_a_json_object(client, member, idea, body):
    """A signed-in supporter needs no field at all; an array used to be read as "no fields"
    and counted as support (schemathesis: schema-violating request accepted)."""
    _token, raw = ApiToken.issue(user=member, name="t")
    headers = {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}
    url = f"/api/v1/ideas/{idea.pk}/supports"
    response = client.post(url, body, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body must be a JSON object."}
    assert not Support.objects.exists()


def test_api_support_bad_email_and_missing_idea(client, idea):
    assert (
        client.post(f"/api/v1/ideas/{idea.pk}/supports", {"email": "nope"}, content_type="application/json").status_code
        == 422
    )
    assert (
        client.post(
            "/api/v1/ideas/999999/supports", {"email": "a@example.org"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_public_page_shows_idea_but_never_personal_data(client, idea, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(f"/en/ideas/{idea.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert idea.title in html
    assert idea.reference in html
    assert "Östersund" in html
    assert "kim@example.org" not in html
    assert "Kim Karlsson" not in html
    assert html.count("<h1") == 1


def test_public_page_shows_the_original_of_a_duplicate(client, make_idea, norway, other_organisation):
    original = make_idea()
    duplicate = make_idea(municipality=norway, organisation=other_organisation)
    DuplicateLink.objects.create(duplicate=duplicate, original=original)
    html = Client().get(f"/en/ideas/{duplicate.pk}/").content.decode()
    assert original.reference in html
    assert "Östersund" in html
    html = Client().get(f"/en/ideas/{original.pk}/").content.decode()
    assert "Trondheim" in html


def test_public_detail_of_unknown_idea_is_404(client, db):
    assert client.get("/en/ideas/999999/").status_code == 404


def test_public_timeline_hides_internal_events(client, idea, organisation):
    Event.objects.create(idea=idea, kind=Event.Kind.NOTE, is_public=False, text="Intern anteckning om budget")
    Event.objects.create(idea=idea, kind=Event.Kind.ANSWERED, is_public=True, text="Tack, vi tittar på det i vår.")
    html = client.get(f"/en/ideas/{idea.pk}/").content.decode()
    assert "Tack, vi tittar på det i vår." in html
    assert "Intern anteckning" not in html
    OrganisationFactory()  # unrelated organisation changes nothing


def test_validation_error_keeps_the_suggestions_for_the_typed_text(client, ideas_elsewhere, municipality):
    """Issue 9.11: the panel emptied when the form came back with an error."""
    swedish, norwegian, _unrelated = ideas_elsewhere
    response = client.post(
        "/en/ideas/submit/",
        {"title": SWEDISH[0], "description": SWEDISH[1], "municipality": municipality.pk, "email": "", "consent": ""},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert Idea.objects.count() == 3  # nothing stored
    panel = html[html.index('id="similar-ideas"') :]
    assert swedish.title in panel
    assert norwegian.title in panel
    assert "We found 2 ideas that may be the same as yours" in html
    assert "Support this idea instead" in panel


def test_unrelated_text_says_no_similar_ideas(client, ideas_elsewhere):
    html = client.get(
        SIMILAR_PAGE, {"title": "Skridskobana på sjön", "description": "Plogad isbana på Storsjön hela vintern."}
    ).content.decode()
    assert "No similar ideas found so far" in html
    assert "Support this idea instead" not in html


def test_suggestion_cards_ask_for_no_email_of_their_own(client, ideas_elsewhere):
    """The e-mail address is asked once: the cards use the one in the submission form."""
    html = client.get(SIMILAR_PAGE, {"title": SWEDISH[0], "description": SWEDISH[1]}).content.decode()
    assert html.count("Support this idea instead") == 2
    assert 'type="email"' not in html
    assert html.count('hx-include="#id_email"') == 2
    # each "support instead" button is described by the one line that says whose address it uses
    assert html.count('aria-describedby="similar-support-help"') == 2
    assert 'id="similar-support-help"' in html


def test_support_from_a_card_uses_the_submission_forms_email(
    client, ideas_elsewhere, django_capture_on_commit_callbacks
):
    swedish, _norwegian, _unrelated = ideas_elsewhere
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/ideas/{swedish.pk}/support/",
            {"compact": "1", "email": "eva@example.org"},
            headers={"HX-Request": "true"},
        )
    assert "Almost done" in response.content.decode()
    assert Support.objects.get(idea=swedish).email == "eva@example.org"
    assert [m.to for m in mail.outbox] == [["eva@example.org"]]


def test_support_from_a_card_without_email_points_to_the_forms_field(client, ideas_elsewhere):
    swedish, _norwegian, _unrelated = ideas_elsewhere
    response = client.post(f"/en/ideas/{swedish.pk}/support/", {"compact": "1"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert not Support.objects.exists()
    assert 'role="alert"' in html
    assert 'href="#id_email"' in html
    assert 'type="email"' not in html


def test_validation_error_with_unrelated_text_says_no_similar_ideas(client, ideas_elsewhere, municipality):
    response = client.post(
        "/en/ideas/submit/",
        {
            "title": "Skridskobana på sjön",
            "description": "Plogad isbana på Storsjön hela vintern.",
            "municipality": municipality.pk,
        },
    )
    html = response.content.decode()
    assert "No similar ideas found so far" in html
    assert html.count('id="similar-summary"') == 1


def test_signed_in_cards_need_no_email_and_say_nothing_about_it(member_client, ideas_elsewhere):
    html = member_client.get(SIMILAR_PAGE, {"title": SWEDISH[0], "description": SWEDISH[1]}).content.decode()
    assert html.count("Support this idea instead") == 2
    assert "hx-include" not in html
    assert "similar-support-help" not in html
