"""An idea's casework page: who sees it, submitter data, assignment, notes, answers and
editing with optimistic locking."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from framja.accounts.models import Role
from framja.ideas.models import Comment, Event, Idea
from framja.notifications.models import OutboundEmail
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]


def url(name: str, idea: Idea) -> str:
    return reverse(name, args=[idea.pk])


def test_owner_sees_everything_including_submitter_contact(owner_client, idea):
    response = owner_client.get(url("ideas-casework-detail", idea))
    assert response.status_code == 200
    page = response.content.decode()
    assert idea.title in page
    assert "kim@example.org" in page
    assert "Kim Karlsson" in page


def test_member_role_gets_404(member_client, idea):
    assert member_client.get(url("ideas-casework-detail", idea)).status_code == 404


def test_outsider_gets_404(outsider_client, idea):
    assert outsider_client.get(url("ideas-casework-detail", idea)).status_code == 404


def test_anonymous_goes_to_login(client, idea):
    response = client.get(url("ideas-casework-detail", idea))
    assert response.status_code == 302
    assert reverse("accounts-login") in response["Location"]


def test_anonymised_idea_shows_no_personal_data(owner_client, make_idea):
    from django.utils import timezone

    idea = make_idea(submitter_name="", submitter_email="", anonymised_at=timezone.now())
    page = owner_client.get(url("ideas-casework-detail", idea)).content.decode()
    assert "kim@example.org" not in page


@pytest.mark.parametrize(
    "name",
    [
        "ideas-casework-assign",
        "ideas-casework-note",
        "ideas-casework-answer",
        "ideas-casework-decide",
        "ideas-casework-duplicate-link",
        "ideas-casework-duplicate-unlink",
        "ideas-casework-invite",
    ],
)
def test_post_only_views_reject_get(owner_client, idea, name):
    assert owner_client.get(url(name, idea)).status_code == 405


@pytest.mark.parametrize(
    "name", ["ideas-casework-assign", "ideas-casework-note", "ideas-casework-answer", "ideas-casework-decide"]
)
def test_outsider_cannot_post(outsider_client, idea, name):
    assert outsider_client.post(url(name, idea), {"text": "x", "assignee": ""}).status_code == 404
    assert not Comment.objects.exists()


def test_assign_a_coordinator_mails_them(owner_client, idea, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url("ideas-casework-assign", idea), {"assignee": coordinator.pk})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.assignee == coordinator
    assert idea.events.filter(kind=Event.Kind.ASSIGNED, is_public=False).exists()
    queued = OutboundEmail.objects.get(to=coordinator.email)
    assert idea.reference in queued.body
    assert reverse("ideas-casework-detail", args=[idea.pk]) in queued.body


def test_cannot_assign_someone_outside_the_organisation(owner_client, idea, outsider):
    response = owner_client.post(url("ideas-casework-assign", idea), {"assignee": outsider.pk})
    assert response.status_code == 200
    idea.refresh_from_db()
    assert idea.assignee is None


def test_cannot_assign_a_plain_member(owner_client, idea, member):
    owner_client.post(url("ideas-casework-assign", idea), {"assignee": member.pk})
    idea.refresh_from_db()
    assert idea.assignee is None


def test_unassign(owner_client, make_idea, coordinator):
    idea = make_idea(assignee=coordinator)
    owner_client.post(url("ideas-casework-assign", idea), {"assignee": ""})
    idea.refresh_from_db()
    assert idea.assignee is None


def test_adviser_can_work_but_not_decide(client, idea, organisation):
    adviser = UserFactory.create()
    MembershipFactory.create(user=adviser, organisation=organisation, role=Role.ADVISER)
    client.force_login(adviser)
    page = client.get(url("ideas-casework-detail", idea))
    assert page.status_code == 200
    assert reverse("ideas-casework-decide", args=[idea.pk]) not in page.content.decode()
    assert client.post(url("ideas-casework-note", idea), {"text": "Ring kommunen"}).status_code == 302
    response = client.post(url("ideas-casework-decide", idea), {"outcome": "go", "rationale": "x", "version": 1})
    assert response.status_code == 404


def test_internal_note_is_not_mailed_and_marked_internal(owner_client, idea):
    response = owner_client.post(url("ideas-casework-note", idea), {"text": "Kolla med tekniska förvaltningen"})
    assert response.status_code == 302
    comment = Comment.objects.get(idea=idea)
    assert comment.visibility == Comment.Visibility.INTERNAL
    assert comment.author_organisation == idea.receiving_organisation
    assert idea.events.get(kind=Event.Kind.NOTE).is_public is False
    assert not OutboundEmail.objects.exists()
    page = owner_client.get(url("ideas-casework-detail", idea)).content.decode()
    assert "Kolla med tekniska förvaltningen" in page
    assert page.count("timeline-item is-internal") == 1  # the note, marked internal in text and style
    assert "badge-internal" in page


def test_public_answer_mails_consenting_submitter_after_commit(owner_client, idea, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(url("ideas-casework-answer", idea), {"text": "Vi tittar på detta i vår."})
    assert Comment.objects.get(idea=idea).visibility == Comment.Visibility.PUBLIC
    assert idea.events.get(kind=Event.Kind.ANSWERED).is_public is True
    queued = OutboundEmail.objects.get(to="kim@example.org")
    assert "Vi tittar på detta i vår." in queued.body
    assert len(mail.outbox) == 1


def test_public_answer_not_mailed_without_consent(owner_client, make_idea):
    idea = make_idea(notify_submitter=False)
    owner_client.post(url("ideas-casework-answer", idea), {"text": "Tack!"})
    assert not OutboundEmail.objects.exists()


def test_empty_note_shows_error(owner_client, idea):
    response = owner_client.post(url("ideas-casework-note", idea), {"text": "   "})
    assert response.status_code == 200
    assert "aria-invalid" in response.content.decode()
    assert not Comment.objects.exists()


# --------------------------------------------------------------------------- editing


def test_edit_page_and_save(owner_client, idea):
    assert owner_client.get(url("ideas-casework-edit", idea)).status_code == 200
    response = owner_client.post(
        url("ideas-casework-edit", idea),
        {"title": "Laddning för skotrar", "description": "Ny text", "audience": "visitors", "version": idea.version},
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.title, idea.description, idea.audience, idea.version) == (
        "Laddning för skotrar",
        "Ny text",
        "visitors",
        2,
    )
    assert idea.events.filter(kind=Event.Kind.EDITED).exists()


def test_second_editor_gets_conflict_and_keeps_their_text(owner_client, coordinator_client, idea):
    opened_at = idea.version
    first = coordinator_client.post(
        url("ideas-casework-edit", idea), {"title": "Först sparad", "description": "A", "version": opened_at}
    )
    assert first.status_code == 302
    second = owner_client.post(
        url("ideas-casework-edit", idea), {"title": "Min titel", "description": "Min långa text", "version": opened_at}
    )
    assert second.status_code == 409
    page = second.content.decode()
    assert "Min långa text" in page  # their unsaved text is still in the form
    assert "Först sparad" in page  # and they see the current version
    idea.refresh_from_db()
    assert idea.title == "Först sparad"
    assert idea.version == opened_at + 1
    # Saving again from the conflict page (which carries the new version) succeeds.
    third = owner_client.post(
        url("ideas-casework-edit", idea),
        {"title": "Min titel", "description": "Min långa text", "version": idea.version},
    )
    assert third.status_code == 302
    idea.refresh_from_db()
    assert idea.title == "Min titel"


def test_edit_rejects_empty_title(owner_client, idea):
    response = owner_client.post(url("ideas-casework-edit", idea), {"title": "", "description": "x", "version": 1})
    assert response.status_code == 200
    idea.refresh_from_db()
    assert idea.title != ""


def test_outsider_cannot_edit(outsider_client, idea):
    response = outsider_client.post(
        url("ideas-casework-edit", idea), {"title": "Hack", "description": "x", "version": 1}
    )
    assert response.status_code == 404
    idea.refresh_from_db()
    assert idea.title != "Hack"


def test_detail_in_few_queries(owner_client, idea, django_assert_max_num_queries):
    for n in range(10):
        owner_client.post(url("ideas-casework-note", idea), {"text": f"Anteckning {n}"})
    with django_assert_max_num_queries(30):
        response = owner_client.get(url("ideas-casework-detail", idea))
    assert response.status_code == 200
