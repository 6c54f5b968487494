"""Duplicates across municipalities: linking (reversible), what each side shows, supporters
counted once, and the merged discussion."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from framja.ideas.models import Comment, DuplicateLink, Event, Idea, Support
from framja.ideas.services import casework
from tests.factories import CountyFactory, MunicipalityFactory, OrganisationFactory, serve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]


@pytest.fixture
def trondheim(db):
    return MunicipalityFactory.create(
        country="NO",
        code="5001",
        name="Trondheim",
        county=CountyFactory.create(country="NO", code="50", name="Trøndelag"),
    )


@pytest.fixture
def norwegian_idea(make_idea, trondheim, other_organisation):
    return make_idea(
        title="Felles ladeinfrastruktur for snøscootere",
        description="Ladestolper langs scooterløypene.",
        municipality=trondheim,
        organisation=other_organisation,
        language="nb",
    )


def link(client, idea: Idea, original: Idea):
    return client.post(reverse("ideas-casework-duplicate-link", args=[idea.pk]), {"original": original.pk})


def test_search_finds_an_original_in_another_municipality(owner_client, idea, norwegian_idea):
    response = owner_client.get(reverse("ideas-casework-detail", args=[idea.pk]), {"dq": "snøscootere"})
    assert norwegian_idea in response.context["candidates"]
    htmx = owner_client.get(
        reverse("ideas-casework-duplicate-search", args=[idea.pk]), {"dq": "snøscootere"}, HTTP_HX_REQUEST="true"
    )
    assert norwegian_idea.reference in htmx.content.decode()
    assert "<html" not in htmx.content.decode()


def test_search_for_an_original_leaves_out_the_ideas_own_duplicates(owner_client, owner, idea, make_idea):
    """Offering its own duplicate as the original would only lead to "that would make a circle"."""
    again = make_idea(title="Laddning för snöskotrar vid lederna")
    unrelated_twin = make_idea(title="Snöskotrar på el i Åre")
    casework.link_duplicate(duplicate=again, original=idea, by=owner)
    response = owner_client.get(reverse("ideas-casework-detail", args=[idea.pk]), {"dq": "snöskotrar"})
    assert again not in response.context["candidates"]
    assert unrelated_twin in response.context["candidates"]


def test_link_shows_the_original_municipality_on_both_sides(owner_client, outsider_client, idea, norwegian_idea):
    response = link(owner_client, idea, norwegian_idea)
    assert response.status_code == 302
    assert DuplicateLink.objects.get(duplicate=idea, removed_at=None).original == norwegian_idea
    page = owner_client.get(reverse("ideas-casework-detail", args=[idea.pk])).content.decode()
    assert norwegian_idea.reference in page
    assert "Trondheim" in page
    other_side = outsider_client.get(reverse("ideas-casework-detail", args=[norwegian_idea.pk])).content.decode()
    assert idea.reference in other_side
    assert "Östersund" in other_side
    assert idea.events.filter(kind=Event.Kind.DUPLICATE_LINKED).exists()
    assert norwegian_idea.events.filter(kind=Event.Kind.DUPLICATE_LINKED).exists()


def test_unlink_is_reversible_and_kept_as_history(owner_client, idea, norwegian_idea):
    link(owner_client, idea, norwegian_idea)
    response = owner_client.post(reverse("ideas-casework-duplicate-unlink", args=[idea.pk]))
    assert response.status_code == 302
    removed = DuplicateLink.objects.get(duplicate=idea)
    assert removed.removed_at is not None
    assert not DuplicateLink.objects.filter(duplicate=idea, removed_at=None).exists()
    assert idea.events.filter(kind=Event.Kind.DUPLICATE_UNLINKED).exists()
    # And it can be linked again.
    assert link(owner_client, idea, norwegian_idea).status_code == 302


def test_supporters_are_counted_once_over_the_group(owner_client, idea, norwegian_idea):
    Support.objects.create(idea=idea, email="a@example.org")
    Support.objects.create(idea=norwegian_idea, email="a@example.org")
    Support.objects.create(idea=norwegian_idea, email="b@example.org")
    link(owner_client, idea, norwegian_idea)
    counted = Idea.objects.with_supporter_count().get(pk=norwegian_idea.pk)
    assert counted.supporter_count() == 2
    assert owner_client.get(reverse("ideas-casework-detail", args=[idea.pk])).context["supporter_count"] == 2


def test_cannot_link_to_itself(owner, idea):
    with pytest.raises(ValidationError):
        casework.link_duplicate(duplicate=idea, original=idea, by=owner)


def test_cannot_link_twice(owner, make_idea, idea, norwegian_idea):
    casework.link_duplicate(duplicate=idea, original=norwegian_idea, by=owner)
    with pytest.raises(ValidationError):
        casework.link_duplicate(duplicate=idea, original=make_idea(), by=owner)


def test_linking_to_a_duplicate_links_to_its_original(owner, make_idea, idea, norwegian_idea):
    third = make_idea(title="Laddning för skotrar igen")
    casework.link_duplicate(duplicate=idea, original=norwegian_idea, by=owner)
    linked = casework.link_duplicate(duplicate=third, original=idea, by=owner)
    assert linked.original == norwegian_idea


def test_circles_are_refused(owner, idea, norwegian_idea):
    casework.link_duplicate(duplicate=idea, original=norwegian_idea, by=owner)
    with pytest.raises(ValidationError):
        casework.link_duplicate(duplicate=norwegian_idea, original=idea, by=owner)


def test_member_and_outsider_cannot_link(member_client, outsider_client, idea, norwegian_idea):
    assert link(member_client, idea, norwegian_idea).status_code == 404
    assert link(outsider_client, idea, norwegian_idea).status_code == 404
    assert not DuplicateLink.objects.exists()


def test_link_without_original_shows_an_error(owner_client, idea):
    response = owner_client.post(reverse("ideas-casework-duplicate-link", args=[idea.pk]), {"original": "nonsense"})
    assert response.status_code == 200
    assert not DuplicateLink.objects.exists()


def test_merged_discussion_shows_the_group_labelled_by_municipality(
    owner, outsider, owner_client, idea, norwegian_idea
):
    casework.link_duplicate(duplicate=idea, original=norwegian_idea, by=owner)
    casework.add_answer(idea=idea, text="Svar från Östersund", by=owner)
    casework.add_answer(idea=norwegian_idea, text="Svar fra Trondheim", by=outsider)
    casework.add_note(idea=norwegian_idea, text="Intern norsk notat", by=outsider)
    casework.add_note(idea=idea, text="Intern svensk anteckning", by=owner)
    response = owner_client.get(reverse("ideas-casework-discussion", args=[idea.pk]))
    page = response.content.decode()
    assert "Svar från Östersund" in page
    assert "Svar fra Trondheim" in page
    assert "Intern svensk anteckning" in page
    assert "Intern norsk notat" not in page  # another organisation's internal notes stay theirs
    assert "Trondheim" in page
    assert "Östersund" in page
    assert Comment.objects.count() == 4


def test_discussion_for_outsider_is_404(outsider_client, idea):
    assert outsider_client.get(reverse("ideas-casework-discussion", args=[idea.pk])).status_code == 404


def test_region_coordinator_may_link_ideas_of_its_municipalities(client, idea, norwegian_idea, municipality):
    from framja.accounts.models import Organisation, Role
    from tests.factories import MembershipFactory, UserFactory

    region = OrganisationFactory.create(name="Region Jämtland Härjedalen", kind=Organisation.Kind.REGION)
    serve(region, municipality)
    user = UserFactory.create()
    MembershipFactory.create(user=user, organisation=region, role=Role.COORDINATOR)
    client.force_login(user)
    assert link(client, idea, norwegian_idea).status_code == 302
