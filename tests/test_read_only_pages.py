"""Pages that only show something answer a POST with 405 Method Not Allowed, not with the page:
a form posted to the wrong address must not look as if it had worked (the permission matrix
records the same)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.catalogue.conftest import make_event, make_offering
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, organisation):
    user = UserFactory.create()
    MembershipFactory.create(user=user, organisation=organisation, role="admin")
    client.force_login(user)
    return client


def _urls(organisation) -> list[str]:
    offering = make_offering(organisation)
    event = make_event(organisation)
    slug = {"slug": organisation.slug}
    return [
        reverse("home"),
        reverse("workspace"),
        reverse("accounts-home"),
        reverse("accounts-organisation-list"),
        reverse("accounts-organisation-detail", kwargs=slug),
        reverse("accounts-claim-list"),
        reverse("catalogue-directory"),
        reverse("catalogue-offering-detail", kwargs={"pk": offering.pk}),
        reverse("catalogue-organisation-detail", kwargs=slug),
        reverse("catalogue-calendar"),
        reverse("catalogue-event-detail", kwargs={"pk": event.pk}),
        reverse("catalogue-calendar-ics"),
        reverse("catalogue-event-ics", kwargs={"pk": event.pk}),
        reverse("catalogue-manage", kwargs=slug),
        reverse("catalogue-participants", kwargs={**slug, "pk": event.pk}),
        reverse("catalogue-manage-events", kwargs=slug),
        reverse("catalogue-contact-requests", kwargs=slug),
        reverse("healthz"),
        reverse("readyz"),
    ]


def test_read_only_pages_refuse_post_and_still_answer_get(signed_in, organisation) -> None:
    urls = _urls(organisation)
    refused = {url: signed_in.post(url).status_code for url in urls}
    assert refused == dict.fromkeys(urls, 405)
    shown = {url: signed_in.get(url).status_code for url in urls if "readyz" not in url}
    assert shown == {url: 200 for url in urls if "readyz" not in url}
