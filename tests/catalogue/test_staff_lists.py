"""The organisation's own list pages: its events with registration counts and the contact
requests sent to it, which advisers mark as answered (they then leave the workspace count)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from framja.catalogue import services
from framja.catalogue.models import ContactRequest, RegistrationMode
from tests.catalogue.conftest import make_event

pytestmark = pytest.mark.django_db


def _contact(organisation, n: int = 0) -> ContactRequest:
    return services.contact_request_send(
        organisation=organisation,
        name=f"Eva Ek {n}",
        email=f"eva{n}@example.org",
        need="Hjälp med export",
        consent=True,
    )


@pytest.mark.parametrize("url_name", ["catalogue-manage-events", "catalogue-contact-requests"])
def test_staff_list_personas(
    client, owner_client, adviser_client, member_client, outsider_client, organisation, url_name
):
    url = reverse(url_name, args=[organisation.slug])
    assert owner_client.get(url).status_code == 200
    assert adviser_client.get(url).status_code == 200
    assert member_client.get(url).status_code == 404
    assert outsider_client.get(url).status_code == 404
    assert client.get(url).status_code == 302  # to sign in


def test_events_page_counts_registrations(adviser_client, organisation):
    event = make_event(organisation, title="Exportfrukost", registration_mode=RegistrationMode.BUILT_IN, capacity=1)
    services.register(event=event, name="A", email="a@example.org")
    services.register(event=event, name="B", email="b@example.org")  # waiting list
    html = adviser_client.get(reverse("catalogue-manage-events", args=[organisation.slug])).content.decode()
    assert '<caption id="events-caption">' in html
    # scrolls inside the page at 320 px, in a region named by the caption that Tab reaches
    assert '<div class="table-wrap" tabindex="0" role="region" aria-labelledby="events-caption">' in html
    row = html[html.index("Exportfrukost") :].split("</tr>")[0]
    assert row.endswith(">1</a></td><td>1</td><td>2</td>")  # registered, waiting, new this week


def test_adviser_marks_a_contact_request_answered(adviser_client, organisation, other_organisation):
    contact = _contact(organisation)
    elsewhere = _contact(other_organisation, 1)
    url = reverse("catalogue-contact-requests", args=[organisation.slug])
    html = adviser_client.get(url).content.decode()
    assert "eva0@example.org" in html
    assert "eva1@example.org" not in html
    done = reverse("catalogue-contact-request-answered", args=[organisation.slug, contact.pk])
    assert adviser_client.post(done).status_code == 302
    contact.refresh_from_db()
    assert contact.answered_at is not None
    assert ContactRequest.objects.unanswered().filter(organisation=organisation).count() == 0
    # another organisation's request cannot be answered through this organisation
    wrong = reverse("catalogue-contact-request-answered", args=[organisation.slug, elsewhere.pk])
    assert adviser_client.post(wrong).status_code == 404
    assert adviser_client.get(done).status_code == 405


def test_member_cannot_mark_answered(member_client, organisation):
    contact = _contact(organisation)
    done = reverse("catalogue-contact-request-answered", args=[organisation.slug, contact.pk])
    assert member_client.post(done).status_code == 404
    contact.refresh_from_db()
    assert contact.answered_at is None


@pytest.mark.parametrize(
    ("language", "heading"), [("sv", "Kontaktförfrågningar till"), ("nb", "Kontaktforespørsler til")]
)
def test_contact_requests_page_speaks_the_language(adviser_client, organisation, language, heading):
    with translation.override(language):
        url = reverse("catalogue-contact-requests", args=[organisation.slug])
    assert heading in adviser_client.get(url).content.decode()


@pytest.mark.parametrize("url_name", ["catalogue-manage-events", "catalogue-contact-requests"])
def test_staff_lists_cost_the_same_with_one_or_five_rows(adviser_client, organisation, url_name):
    url = reverse(url_name, args=[organisation.slug])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert adviser_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        event = make_event(
            organisation, title=f"Evenemang {n}", registration_mode=RegistrationMode.BUILT_IN, capacity=5
        )
        services.register(event=event, name=f"P {n}", email=f"p{n}@example.org")
        _contact(organisation, n)

    add(0)
    one = count()
    for n in range(1, 5):
        add(n)
    assert count() == one
