"""The stored supporter figure (`Idea.supporter_total`) is the figure the read-time count gave:
distinct confirmed supporters (an address, else an account) over the duplicate group, shown by
every member of the group, through every way supports and links change, in every place it
shows. The reference here counts from the rows, independently of the code under test."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from framja.accounts.models import User
from framja.ideas.models import DuplicateLink, Idea, Support
from framja.ideas.services import casework, supporters
from framja.ideas.services import public as public_services
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]


def reference_figures() -> dict[int, int]:
    """{idea: figure} counted from the supports and links as they are now."""
    roots = dict(DuplicateLink.objects.filter(removed_at=None).values_list("duplicate_id", "original_id"))
    people: dict[int, set[str]] = {}
    for support in Support.objects.filter(confirmed_at__isnull=False):
        person = support.email.lower() or f"user:{support.user_id}"
        people.setdefault(roots.get(support.idea_id, support.idea_id), set()).add(person)
    return {pk: len(people.get(roots.get(pk, pk), ())) for pk in Idea.objects.values_list("pk", flat=True)}


def stored_figures() -> dict[int, int]:
    return {i.pk: i.supporter_count() for i in Idea.objects.with_supporter_count()}


@pytest.fixture
def three(make_idea, other_organisation):
    elsewhere = MunicipalityFactory.create(country="SE", code="2361", name="Härjedalen")
    return (
        make_idea(title="Original"),
        make_idea(title="Dubblett", municipality=elsewhere),
        make_idea(title="Tredje", municipality=elsewhere),
    )


def confirmed(idea: Idea, email: str) -> Support:
    support, _created = public_services.support_add(idea=idea, email=email)
    public_services.support_confirm(support)
    return support


def test_figures_follow_supports_links_and_removals(three, owner):
    original, duplicate, third = three
    signed_in = UserFactory.create(username="stodjare", email="Same@Example.org")
    confirmed(original, "same@example.org")
    public_services.support_add(idea=duplicate, user=signed_in)  # same person by address, signed in
    confirmed(duplicate, "b@example.org")
    public_services.support_add(idea=duplicate, email="unconfirmed@example.org")  # never counts
    confirmed(third, "c@example.org")
    assert stored_figures() == reference_figures() == {original.pk: 1, duplicate.pk: 2, third.pk: 1}

    casework.link_duplicate(duplicate=duplicate, original=original, by=owner)
    assert stored_figures() == reference_figures() == {original.pk: 2, duplicate.pk: 2, third.pk: 1}

    # Linking the group's original to a third idea moves the whole group under it.
    casework.link_duplicate(duplicate=original, original=third, by=owner)
    assert stored_figures() == reference_figures() == {original.pk: 3, duplicate.pk: 3, third.pk: 3}

    casework.unlink_duplicate(duplicate=original, by=owner)
    assert stored_figures() == reference_figures() == {original.pk: 1, duplicate.pk: 3, third.pk: 3}

    # Deletions that cascade from other apps (an account removed) are counted too.
    User.objects.filter(pk=signed_in.pk).delete()
    Support.objects.filter(email="c@example.org").delete()
    assert stored_figures() == reference_figures() == {original.pk: 1, duplicate.pk: 1, third.pk: 1}

    # An idea deleted with its links: the rest of its group counts alone.
    Idea.objects.filter(pk=third.pk).delete()
    assert stored_figures() == reference_figures() == {original.pk: 1, duplicate.pk: 1}


def test_a_full_save_of_an_old_instance_keeps_the_figure(three):
    original, _duplicate, _third = three
    loaded = Idea.objects.get(pk=original.pk)
    confirmed(original, "a@example.org")
    loaded.title = "Ny titel"
    loaded.save()
    assert Idea.objects.get(pk=original.pk).supporter_total == 1


def test_recount_repairs_figures_written_around_the_services(three):
    original, duplicate, _third = three
    Support.objects.bulk_create(
        [Support(idea=original, email="x@example.org"), Support(idea=duplicate, email="y@example.org")]
    )
    DuplicateLink.objects.bulk_create([DuplicateLink(duplicate=duplicate, original=original)])
    assert stored_figures() != reference_figures()
    assert supporters.recount_all() == 2
    assert stored_figures() == reference_figures()
    assert supporters.recount_all() == 0


def test_every_place_shows_the_group_figure(three, owner, owner_client, client):
    original, duplicate, _third = three
    for address in ("a@example.org", "b@example.org"):
        confirmed(original, address)
    confirmed(duplicate, "a@example.org")
    confirmed(duplicate, "c@example.org")
    casework.link_duplicate(duplicate=duplicate, original=original, by=owner)
    expected = reference_figures()
    assert expected[original.pk] == expected[duplicate.pk] == 3

    for idea in (original, duplicate):
        detail = owner_client.get(reverse("ideas-casework-detail", args=[idea.pk]))
        assert detail.context["supporter_count"] == 3
        public = client.get(reverse("ideas-public-detail", args=[idea.pk]))
        assert public.context["idea"].supporter_count() == 3
    inbox = owner_client.get(reverse("ideas-inbox"))
    assert {i.pk: i.supporters for i in inbox.context["page"]} == {
        pk: n for pk, n in expected.items() if pk in {i.pk for i in inbox.context["page"]}
    }
    api = owner_client.get("/api/v1/ideas").json()["items"]
    assert {row["id"]: row["supporters"] for row in api if "supporters" in row} == {
        row["id"]: expected[row["id"]] for row in api if "supporters" in row
    }
    export = owner_client.get(reverse("ideas-inbox-export", args=["csv"]))
    body = b"".join(export.streaming_content) if export.streaming else export.content
    rows = list(csv.reader(io.StringIO(body.decode())))[1:]  # reference first, supporters eighth
    by_reference = {i.reference: expected[i.pk] for i in Idea.objects.all()}
    assert rows
    assert {r[0]: int(r[7]) for r in rows} == {r[0]: by_reference[r[0]] for r in rows}
    listed = client.get("/api/v1/ideas/public", {"sort": "supported"}).json()["items"]
    assert [row["supporters"] for row in listed] == sorted((expected[row["id"]] for row in listed), reverse=True)
