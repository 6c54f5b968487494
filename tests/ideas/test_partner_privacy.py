"""Privacy between partners (docs/partner-privacy.md): a co-developing partner organisation works
an idea received by another organisation without its personal data and without speaking for it.

The world: Kim Karlsson submits an idea received by `organisation` (the owner and a coordinator
are its caseworkers); `other_organisation` (the outsider, its admin) accepted to co-develop it.
Each test names one field or one right, in the pages and in the API, and checks the receiving
side still has it, so a test cannot pass by showing nobody anything."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from framja.accounts.models import ApiToken
from framja.ideas.models import Attachment, Comment, Event, GateDecision, Idea, Participant
from framja.ideas.services import casework
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]

API = "/api/v1/ideas"
RECEIVING_NOTE = "Ring Kim på 070-123 45 67 före gaten."
PARTNER_NOTE = "Trondheim kan stå för piloten i vinter."
SUBMITTER_INFO = "Jag nås bäst på kvällstid, hälsningar Kim."
INTERNAL_RATIONALE = "Vi väntar på besked om medfinansiering."
PUBLIC_ANSWER = "Tack! Vi tittar på idén vid nästa gate."


class Api:
    """A JSON client with the user's Bearer token."""

    def __init__(self, user):
        self.client = Client()
        _token, raw = ApiToken.issue(user=user, name="test")
        self.headers = {"Authorization": f"Bearer {raw}"}

    def get(self, path, data=None):
        return self.client.get(path, data or {}, headers=self.headers)

    def send(self, method, path, data):
        return getattr(self.client, method)(path, data, content_type="application/json", headers=self.headers)


@pytest.fixture
def shared(idea, owner, coordinator, outsider, other_organisation) -> Idea:
    """The co-developed idea, with everything the receiving side keeps to itself."""
    casework.assign(idea=idea, assignee=coordinator, by=owner)
    casework.add_note(idea=idea, text=RECEIVING_NOTE, by=owner)
    casework.add_answer(idea=idea, text=PUBLIC_ANSWER, by=owner)
    casework.gate_decide(idea=idea, outcome=GateDecision.Outcome.HOLD, rationale=INTERNAL_RATIONALE, by=owner,
                         is_public=False)  # fmt: skip
    Comment.objects.create(idea=idea, visibility=Comment.Visibility.SUBMITTER, text=SUBMITTER_INFO)
    attachment = Attachment(idea=idea, original_name="kims-skiss.txt", content_type="text/plain", size=5)
    attachment.file.save("skiss.txt", ContentFile(b"skiss"), save=True)
    partnership = casework.invite_participant(idea=idea, organisation=other_organisation, by=owner)
    casework.respond_to_invitation(participant=partnership, accept=True, by=outsider)
    casework.add_note(idea=idea, text=PARTNER_NOTE, by=outsider)
    return Idea.objects.get(pk=idea.pk)


@pytest.fixture
def partner_api(outsider) -> Api:
    return Api(outsider)


@pytest.fixture
def owner_api(owner) -> Api:
    return Api(owner)


def page(client: Client, name: str, idea: Idea) -> str:
    response = client.get(reverse(name, args=[idea.pk]))
    assert response.status_code == 200
    return response.content.decode()


def detail(client: Client, idea: Idea) -> str:
    return page(client, "ideas-casework-detail", idea)


# --------------------------------------------------------------------------- what a partner sees


def test_partner_does_not_see_the_submitters_name(owner_client, outsider_client, partner_api, owner_api, shared):
    assert "Kim Karlsson" in detail(owner_client, shared)
    assert "Kim Karlsson" not in detail(outsider_client, shared)
    assert owner_api.get(f"{API}/{shared.pk}").json()["submitter"]["name"] == "Kim Karlsson"
    assert "Kim Karlsson" not in partner_api.get(f"{API}/{shared.pk}").content.decode()


def test_partner_does_not_see_the_submitters_email(owner_client, outsider_client, partner_api, owner_api, shared):
    assert "kim@example.org" in detail(owner_client, shared)
    assert "kim@example.org" not in detail(outsider_client, shared)
    assert owner_api.get(f"{API}/{shared.pk}").json()["submitter"]["email"] == "kim@example.org"
    data = partner_api.get(f"{API}/{shared.pk}").json()
    assert "submitter" not in data
    assert "kim@example.org" not in str(data)


def test_partner_is_told_why_the_submitter_is_missing(outsider_client, owner_client, shared):
    with translation.override("en"):
        url = reverse("ideas-casework-detail", args=[shared.pk])
    said = "You co-develop this idea as a partner."
    assert said in outsider_client.get(url).content.decode()
    assert said not in owner_client.get(url).content.decode()
    with translation.override("nb"):
        norwegian = outsider_client.get(reverse("ideas-casework-detail", args=[shared.pk])).content.decode()
    assert "Du samutvikler denne idéen som partner." in norwegian


def test_partner_does_not_see_the_submitter_as_the_actor_in_the_timeline(owner_client, outsider_client, idea, owner,
                                                                           outsider, other_organisation):  # fmt: skip
    account = UserFactory.create(first_name="Sam", last_name="Inlämnare")
    Event.objects.create(idea=idea, kind=Event.Kind.SUBMITTED, is_public=True, actor=account)
    partnership = casework.invite_participant(idea=idea, organisation=other_organisation, by=owner)
    casework.respond_to_invitation(participant=partnership, accept=True, by=outsider)
    assert "Sam Inlämnare" in detail(owner_client, idea)
    assert "Sam Inlämnare" not in detail(outsider_client, idea)


def test_partner_does_not_read_the_receiving_sides_internal_notes(
    owner_client, outsider_client, partner_api, owner_api, shared
):
    assert RECEIVING_NOTE in detail(owner_client, shared)
    assert RECEIVING_NOTE not in detail(outsider_client, shared)
    assert RECEIVING_NOTE not in page(outsider_client, "ideas-casework-discussion", shared)
    assert RECEIVING_NOTE in [n["text"] for n in owner_api.get(f"{API}/{shared.pk}/notes").json()]
    assert [n["text"] for n in partner_api.get(f"{API}/{shared.pk}/notes").json()] == [PARTNER_NOTE]


def test_partner_reads_its_own_notes_and_the_receiving_side_reads_them_too(owner_client, outsider_client, shared):
    assert PARTNER_NOTE in detail(outsider_client, shared)
    assert PARTNER_NOTE in page(outsider_client, "ideas-casework-discussion", shared)
    assert PARTNER_NOTE in detail(owner_client, shared)


def test_partner_does_not_read_what_the_submitter_added(owner_client, outsider_client, shared):
    assert SUBMITTER_INFO in page(owner_client, "ideas-casework-discussion", shared)
    assert SUBMITTER_INFO not in page(outsider_client, "ideas-casework-discussion", shared)


def test_partner_reads_the_public_answers(outsider_client, partner_api, shared):
    assert PUBLIC_ANSWER in detail(outsider_client, shared)
    assert [a["text"] for a in partner_api.get(f"{API}/{shared.pk}/answers").json()] == [PUBLIC_ANSWER]


def test_partner_neither_sees_nor_downloads_attachments(coordinator_client, outsider_client, shared):
    attachment = shared.attachments.get()
    url = reverse("ideas-casework-attachment", args=[shared.pk, attachment.pk])
    assert "kims-skiss.txt" in detail(coordinator_client, shared)
    assert coordinator_client.get(url).status_code == 200
    assert "kims-skiss.txt" not in detail(outsider_client, shared)
    assert outsider_client.get(url).status_code == 404


def test_partner_does_not_see_who_is_responsible(
    owner_client, outsider_client, partner_api, owner_api, shared, coordinator, other_organisation
):
    name = str(coordinator)
    assert name in detail(owner_client, shared)
    assert name not in detail(outsider_client, shared)
    inbox = outsider_client.get(reverse("ideas-inbox"), {"organisation": other_organisation.slug})
    assert shared.reference in inbox.content.decode()
    assert name not in inbox.content.decode()
    export = outsider_client.get(reverse("ideas-inbox-export", args=["csv"]), {"organisation": other_organisation.slug})
    assert shared.reference in export.getvalue().decode("utf-8-sig")
    assert name not in export.getvalue().decode("utf-8-sig")
    assert owner_api.get(f"{API}/{shared.pk}").json()["assignee"]["name"] == name
    assert "assignee" not in partner_api.get(f"{API}/{shared.pk}").json()
    rows = partner_api.get(API).json()["items"]
    assert [(r["reference"], r["assignee"]) for r in rows] == [(shared.reference, None)]


def test_partner_cannot_find_out_assignments_by_filtering(partner_api, owner_api, shared, coordinator):
    assert [r["id"] for r in owner_api.get(API, {"assignee": coordinator.pk}).json()["items"]] == [shared.pk]
    assert partner_api.get(API, {"assignee": coordinator.pk}).json()["items"] == []
    assert partner_api.get(API, {"assignee": "none"}).json()["items"] == []


def test_partner_does_not_see_internal_gate_decisions(owner_client, outsider_client, partner_api, owner_api, shared):
    assert INTERNAL_RATIONALE in detail(owner_client, shared)
    assert INTERNAL_RATIONALE not in detail(outsider_client, shared)
    assert [d["rationale"] for d in owner_api.get(f"{API}/{shared.pk}/decisions").json()] == [INTERNAL_RATIONALE]
    assert partner_api.get(f"{API}/{shared.pk}/decisions").json() == []


def test_partner_reads_the_public_casework_facts(outsider_client, partner_api, shared, organisation):
    data = partner_api.get(f"{API}/{shared.pk}").json()
    assert data["receiving_organisation"]["slug"] == organisation.slug
    assert data["title"] == shared.title
    assert "budget" in data
    assert "version" not in data  # no PATCH for a partner
    assert shared.title in detail(outsider_client, shared)


# --------------------------------------------------------------------------- what a partner may do


def test_partner_cannot_assign_anyone(outsider_client, partner_api, shared, owner):
    assert "assign-heading" not in detail(outsider_client, shared)
    response = outsider_client.post(reverse("ideas-casework-assign", args=[shared.pk]), {"assignee": owner.pk})
    assert response.status_code == 404
    assert partner_api.send("put", f"{API}/{shared.pk}/assignee", {"assignee": owner.pk}).status_code == 404
    assert partner_api.send("put", f"{API}/{shared.pk}/assignee", {"assignee": None}).status_code == 404
    shared.refresh_from_db()
    assert shared.assignee is not None
    assert shared.assignee != owner


def test_partner_cannot_publish_a_public_answer(outsider_client, partner_api, shared):
    assert reverse("ideas-casework-answer", args=[shared.pk]) not in detail(outsider_client, shared)
    url = reverse("ideas-casework-answer", args=[shared.pk])
    assert outsider_client.post(url, {"text": "Vi svarar för Östersund"}).status_code == 404
    assert partner_api.send("post", f"{API}/{shared.pk}/answers", {"text": "Vi svarar"}).status_code == 404
    assert list(shared.comments.filter(visibility="public").values_list("text", flat=True)) == [PUBLIC_ANSWER]


def test_partner_may_still_write_notes(outsider_client, partner_api, shared):
    url = reverse("ideas-casework-note", args=[shared.pk])
    assert outsider_client.post(url, {"text": "Vi har budget för hösten"}).status_code == 302
    assert partner_api.send("post", f"{API}/{shared.pk}/notes", {"text": "Och för våren"}).status_code == 201


def test_partner_cannot_decide_gates_for_the_receiving_organisation(outsider_client, partner_api, shared):
    assert "decide-heading" not in detail(outsider_client, shared)
    data = {"outcome": "kill", "rationale": "Nej", "version": shared.version}
    assert outsider_client.post(reverse("ideas-casework-decide", args=[shared.pk]), data).status_code == 404
    assert partner_api.send("post", f"{API}/{shared.pk}/decisions", data).status_code == 404
    assert shared.decisions.count() == 1


def test_partner_cannot_edit_what_the_public_reads(outsider_client, partner_api, shared):
    url = reverse("ideas-casework-edit", args=[shared.pk])
    assert outsider_client.get(url).status_code == 404
    data = {"title": "Ändrad", "description": "Ändrad", "version": shared.version}
    assert outsider_client.post(url, data).status_code == 404
    assert (
        partner_api.send("patch", f"{API}/{shared.pk}", {"title": "Ändrad", "version": shared.version}).status_code
        == 404
    )
    shared.refresh_from_db()
    assert shared.title != "Ändrad"


def test_partner_in_both_organisations_works_as_the_receiving_side(outsider_client, shared, outsider, organisation):
    from framja.accounts.models import Role
    from tests.factories import MembershipFactory

    MembershipFactory.create(user=outsider, organisation=organisation, role=Role.ADVISER)
    page_text = detail(outsider_client, shared)
    assert "Kim Karlsson" in page_text
    assert RECEIVING_NOTE in page_text


def test_workspace_does_not_count_a_partners_unassigned_ideas(idea, owner, outsider, other_organisation):
    from framja.ideas.navigation import _to_triage

    partnership = casework.invite_participant(idea=idea, organisation=other_organisation, by=owner)
    casework.respond_to_invitation(participant=partnership, accept=True, by=outsider)
    counts = _to_triage(None, [idea.receiving_organisation, other_organisation])  # type: ignore[arg-type]
    assert counts == {idea.receiving_organisation_id: 1, other_organisation.pk: 0}


def test_an_invited_but_not_yet_accepted_partner_sees_nothing(outsider_client, idea, owner, other_organisation):
    casework.invite_participant(idea=idea, organisation=other_organisation, by=owner)
    assert outsider_client.get(reverse("ideas-casework-detail", args=[idea.pk])).status_code == 404
    assert Participant.objects.get(organisation=other_organisation).status == Participant.Status.INVITED


def test_partners_way_back_to_the_inbox_is_not_a_dead_link(outsider_client, owner_client, shared, organisation):
    own = f"{reverse('ideas-inbox')}?organisation={organisation.slug}"
    assert own in detail(owner_client, shared)
    assert own not in detail(outsider_client, shared)
    assert outsider_client.get(own).status_code == 404  # why: the receiving side's inbox is not the partner's
    assert outsider_client.get(reverse("ideas-inbox")).status_code == 200
