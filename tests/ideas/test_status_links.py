"""A submitter's way back (issue 9.14): "send me my status links again" by e-mail, with no
account, and without telling anyone whether an address is known."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from framja.ideas.models import Idea
from framja.ideas.services import public as services
from framja.notifications.models import OutboundEmail

pytestmark = pytest.mark.usefixtures("public_side")

PAGE = "/en/ideas/status/lost/"
API = "/api/v1/ideas/status-links"
LINK = re.compile(r"https://framja\.test/en/ideas/status/([\w-]+)/")


@pytest.fixture
def two_ideas(municipality, municipality_organisation):
    first = services.idea_submit(
        title="Cykelparkering vid stationen",
        description="Fler säkra cykelställ med tak vid resecentrum.",
        municipality=municipality,
        email="Alva@Example.org",
        consent=True,
        language="en",
    )
    second = services.idea_submit(
        title="Laddplatser vid badplatsen",
        description="Laddstolpar för elbilar vid Storsjöbadet.",
        municipality=municipality,
        email="alva@example.org",
        consent=True,
        language="en",
    )
    mail.outbox.clear()
    return first, second


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST as a browser or API client would, with the mail jobs run on commit."""

    def send(url, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            if url == API:
                return client.post(url, data, content_type="application/json", **extra)
            return client.post(url, data, **extra)

    return send


def _links_mail(address: str = "alva@example.org") -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [address]]


def test_a_known_address_gets_new_links_to_every_idea_and_the_old_ones_stop_working(client, post, two_ideas):
    first, second = two_ideas
    assert client.get(f"/en/ideas/status/{first.status_token}/").status_code == 200
    response = post(PAGE, {"email": "ALVA@example.org", "website": ""})
    assert response.status_code == 200
    assert "we have sent new private links" in response.content.decode()

    [message] = _links_mail()
    body = str(message.body)
    assert first.idea.reference in body
    assert second.idea.reference in body
    tokens = LINK.findall(body)
    assert len(tokens) == 2
    for token in tokens:
        assert client.get(f"/en/ideas/status/{token}/").status_code == 200
    # The old links were replaced (only their hashes are stored, so they cannot be sent again).
    assert client.get(f"/en/ideas/status/{first.status_token}/").status_code == 404
    # The mail holds private links: erased from the outbox once sent.
    assert OutboundEmail.objects.filter(to="alva@example.org", sensitive=True).count() == 1


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, post, two_ideas):
    known = post(PAGE, {"email": "alva@example.org", "website": ""}).content.decode()
    unknown = post(PAGE, {"email": "bertil@example.org", "website": ""}).content.decode()
    csrf = re.compile(r'(csrfmiddlewaretoken" value=|CSRFToken": |csrf-token" content=)"[^"]+"')

    def page(html: str, address: str) -> str:
        return csrf.sub("", html).replace(address, "X")

    assert page(unknown, "bertil@example.org") == page(known, "alva@example.org")
    assert _links_mail("bertil@example.org") == []


def test_removed_personal_data_means_no_link_is_sent(client, post, two_ideas):
    first, second = two_ideas
    services.idea_anonymise(idea=first.idea)
    services.idea_anonymise(idea=second.idea)
    mail.outbox.clear()
    post(PAGE, {"email": "alva@example.org", "website": ""})
    assert _links_mail() == []


def test_an_address_gets_at_most_three_such_mails_a_day_whoever_asks(client, post, two_ideas):
    for n in range(5):
        post(PAGE, {"email": "alva@example.org", "website": ""}, REMOTE_ADDR=f"192.0.2.{n + 1}")
    assert len(_links_mail()) == services.RESENDS_PER_ADDRESS[0] == 3


def test_one_connection_asking_for_many_addresses_is_slowed_down(client, post, two_ideas):
    statuses = [
        post(PAGE, {"email": f"person{n}@example.org", "website": ""}).status_code
        for n in range(services.RESENDS_PER_CONNECTION[0] + 1)
    ]
    assert statuses[:-1] == [200] * services.RESENDS_PER_CONNECTION[0]
    assert statuses[-1] == 429


def test_a_bad_address_is_a_form_error(client, post, two_ideas):
    response = post(PAGE, {"email": "not an address", "website": ""})
    assert response.status_code == 200
    assert "Enter a valid e-mail address" in response.content.decode()
    assert mail.outbox == []


def test_the_spam_trap_sends_nothing(client, post, two_ideas):
    post(PAGE, {"email": "alva@example.org", "website": "http://spam.example"})
    assert _links_mail() == []


def test_the_submit_page_leads_to_the_way_back(client, two_ideas):
    assert PAGE in client.get("/en/ideas/submit/").content.decode()


def test_the_api_answers_202_either_way_and_mails_a_known_address(client, post, two_ideas):
    known = post(API, {"email": "alva@example.org", "language": "sv"})
    unknown = post(API, {"email": "bertil@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    [message] = _links_mail()
    assert re.search(r"https://framja\.test/ideas/status/[\w-]+/", str(message.body))  # Swedish links
    assert Idea.objects.filter(status_token_hash=services.hash_token(two_ideas[0].status_token)).count() == 0


def test_the_api_refuses_a_bad_address_with_a_field_error(client, post, two_ideas):
    response = post(API, {"email": "nope"})
    assert response.status_code == 422
    assert "email" in str(response.json())
