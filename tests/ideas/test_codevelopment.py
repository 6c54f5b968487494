"""Co-development across municipalities: invitations, accepting, roles and cost shares."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from framja.ideas.models import Event, Idea, Participant
from framja.notifications.models import OutboundEmail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]


def invite(client, idea: Idea, organisation) -> HttpResponse:
    return client.post(reverse("ideas-casework-invite", args=[idea.pk]), {"organisation": organisation.pk})


def test_invite_creates_lead_and_invitation_and_mails_coordinators(owner_client, idea, other_organisation, outsider):
    response = invite(owner_client, idea, other_organisation)
    assert response.status_code == 302
    lead = Participant.objects.get(idea=idea, organisation=idea.receiving_organisation)
    assert (lead.role, lead.status, lead.cost_share) == ("lead", "accepted", Decimal(100))
    invited = Participant.objects.get(idea=idea, organisation=other_organisation)
    assert (invited.role, invited.status) == ("partner", "invited")
    mail = OutboundEmail.objects.get(to=outsider.email)
    assert reverse("ideas-participant-respond", args=[invited.pk]) in mail.body
    assert idea.events.filter(kind=Event.Kind.PARTICIPANT_INVITED).exists()


def test_inviting_twice_is_refused(owner_client, idea, other_organisation):
    invite(owner_client, idea, other_organisation)
    response = invite(owner_client, idea, other_organisation)
    assert response.status_code == 200
    assert Participant.objects.filter(idea=idea, organisation=other_organisation).count() == 1


def test_invited_organisation_sees_invitation_but_not_the_casework_yet(
    owner_client, outsider_client, idea, other_organisation
):
    invite(owner_client, idea, other_organisation)
    participant = Participant.objects.get(organisation=other_organisation)
    inbox = outsider_client.get(reverse("ideas-inbox")).content.decode()
    assert reverse("ideas-participant-respond", args=[participant.pk]) in inbox
    assert outsider_client.get(reverse("ideas-casework-detail", args=[idea.pk])).status_code == 404
    respond = outsider_client.get(reverse("ideas-participant-respond", args=[participant.pk]))
    assert respond.status_code == 200
    assert "kim@example.org" not in respond.content.decode()  # no personal data before joining


def test_accepting_puts_the_idea_in_the_participants_inbox(owner_client, outsider_client, idea, other_organisation):
    invite(owner_client, idea, other_organisation)
    participant = Participant.objects.get(organisation=other_organisation)
    response = outsider_client.post(reverse("ideas-participant-respond", args=[participant.pk]), {"answer": "accept"})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.status == Participant.Status.ACCEPTED
    assert idea.reference in outsider_client.get(reverse("ideas-inbox")).content.decode()
    assert outsider_client.get(reverse("ideas-casework-detail", args=[idea.pk])).status_code == 200
    assert idea.events.filter(kind=Event.Kind.PARTICIPANT_JOINED, is_public=True).exists()


def test_declining_keeps_the_idea_out(owner_client, outsider_client, idea, other_organisation):
    invite(owner_client, idea, other_organisation)
    participant = Participant.objects.get(organisation=other_organisation)
    outsider_client.post(reverse("ideas-participant-respond", args=[participant.pk]), {"answer": "decline"})
    participant.refresh_from_db()
    assert participant.status == Participant.Status.DECLINED
    assert idea.reference not in outsider_client.get(reverse("ideas-inbox")).content.decode()


def test_only_the_invited_organisation_answers(owner_client, member_client, client, idea, other_organisation):
    invite(owner_client, idea, other_organisation)
    participant = Participant.objects.get(organisation=other_organisation)
    url = reverse("ideas-participant-respond", args=[participant.pk])
    assert owner_client.post(url, {"answer": "accept"}).status_code == 404
    assert member_client.post(url, {"answer": "accept"}).status_code == 404
    assert client.post(url, {"answer": "accept"}).status_code == 302  # to login
    participant.refresh_from_db()
    assert participant.status == Participant.Status.INVITED


def test_member_and_outsider_cannot_invite(member_client, outsider_client, idea, other_organisation):
    assert invite(member_client, idea, other_organisation).status_code == 404
    assert invite(outsider_client, idea, other_organisation).status_code == 404
    assert not Participant.objects.exists()


# --------------------------------------------------------------------------- cost split


@pytest.fixture
def two_participants(owner_client, outsider_client, idea, other_organisation):
    invite(owner_client, idea, other_organisation)
    partner = Participant.objects.get(organisation=other_organisation)
    outsider_client.post(reverse("ideas-participant-respond", args=[partner.pk]), {"answer": "accept"})
    lead = Participant.objects.get(idea=idea, role="lead")
    return lead, partner


def costs(client, idea, data):
    return client.post(reverse("ideas-casework-costs", args=[idea.pk]), data)


def test_split_must_add_up_to_100(owner_client, idea, two_participants):
    lead, partner = two_participants
    response = costs(
        owner_client,
        idea,
        {"currency": "SEK", "lead": lead.pk, f"share_{lead.pk}": "60", f"share_{partner.pk}": "30"},
    )
    assert response.status_code == 200
    assert "100" in response.content.decode()
    lead.refresh_from_db()
    assert lead.cost_share == Decimal(100)  # unchanged


def test_split_saved_with_budget_and_amounts(owner_client, idea, two_participants):
    lead, partner = two_participants
    response = costs(
        owner_client,
        idea,
        {
            "budget": "250000",
            "currency": "NOK",
            "lead": partner.pk,
            f"share_{lead.pk}": "40",
            f"share_{partner.pk}": "60",
        },
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    partner.refresh_from_db()
    idea.refresh_from_db()
    assert (lead.role, lead.cost_share) == ("partner", Decimal(40))
    assert (partner.role, partner.cost_share) == ("lead", Decimal(60))
    assert (idea.budget, idea.currency) == (Decimal(250000), "NOK")
    with translation.override("en"):
        page = owner_client.get(reverse("ideas-casework-detail", args=[idea.pk])).content.decode()
    assert "150,000.00 NOK" in page
    assert "100,000.00 NOK" in page
    assert idea.events.filter(kind=Event.Kind.COSTS_CHANGED).exists()


def test_decimal_shares_that_total_100_are_accepted(owner_client, idea, two_participants):
    lead, partner = two_participants
    response = costs(
        owner_client,
        idea,
        {"currency": "SEK", "lead": lead.pk, f"share_{lead.pk}": "33.33", f"share_{partner.pk}": "66.67"},
    )
    assert response.status_code == 302


def test_negative_share_is_refused(owner_client, idea, two_participants):
    lead, partner = two_participants
    response = costs(
        owner_client,
        idea,
        {"currency": "SEK", "lead": lead.pk, f"share_{lead.pk}": "110", f"share_{partner.pk}": "-10"},
    )
    assert response.status_code == 200
    lead.refresh_from_db()
    assert lead.cost_share == Decimal(100)


def test_costs_page_for_member_and_outsider_is_404(member_client, client, idea, two_participants):
    url = reverse("ideas-casework-costs", args=[idea.pk])
    assert member_client.get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_partner_works_the_idea_but_does_not_decide(outsider_client, idea, two_participants):
    assert (
        outsider_client.post(reverse("ideas-casework-note", args=[idea.pk]), {"text": "Vi är med"}).status_code == 302
    )
    lead, partner = two_participants
    data = {"currency": "SEK", "lead": partner.pk, f"share_{lead.pk}": "0", f"share_{partner.pk}": "100"}
    assert costs(outsider_client, idea, data).status_code == 404
    partner.refresh_from_db()
    assert (partner.role, partner.cost_share) == ("partner", Decimal(0))


# --------------------------------------------------------------------------- the terms (issue 9, point 3)


def set_split(owner_client, idea, lead, partner, *, lead_share="60", partner_share="40", budget="200000"):
    return costs(
        owner_client,
        idea,
        {
            "budget": budget,
            "currency": "SEK",
            "lead": lead.pk,
            f"share_{lead.pk}": lead_share,
            f"share_{partner.pk}": partner_share,
        },
    )


def test_invitation_page_shows_the_proposed_terms(owner_client, outsider_client, idea, other_organisation):
    invite(owner_client, idea, other_organisation)
    partner = Participant.objects.get(organisation=other_organisation)
    lead = Participant.objects.get(idea=idea, role="lead")
    assert set_split(owner_client, idea, lead, partner).status_code == 302
    with translation.override("en"):
        url = reverse("ideas-participant-respond", args=[partner.pk])
    page = outsider_client.get(url).content.decode()
    assert "Proposed terms" in page
    assert "Your organisation's role: Partner. Your share of the development cost: 40.00 %." in page
    assert "80,000.00 SEK" in page  # its amount of the budget
    assert "120,000.00 SEK" in page  # the lead's
    assert "200,000.00 SEK" in page  # the budget
    assert idea.receiving_organisation.name in page
    with translation.override("sv"):
        swedish = outsider_client.get(reverse("ideas-participant-respond", args=[partner.pk])).content.decode()
    assert "Föreslagna villkor" in swedish
    assert "Din organisations roll: Partner. Er andel av utvecklingskostnaden: 40,00 %." in swedish


def test_invitation_page_says_when_no_budget_is_set(owner_client, outsider_client, idea, other_organisation):
    invite(owner_client, idea, other_organisation)
    partner = Participant.objects.get(organisation=other_organisation)
    with translation.override("en"):
        url = reverse("ideas-participant-respond", args=[partner.pk])
    page = outsider_client.get(url).content.decode()
    assert "Budget: not set yet" in page
    assert "0.00 %" in page


def test_partner_reads_the_cost_split_after_accepting(owner_client, outsider_client, idea, two_participants):
    lead, partner = two_participants
    assert set_split(owner_client, idea, lead, partner, lead_share="75", partner_share="25").status_code == 302
    with translation.override("en"):
        url = reverse("ideas-casework-costs", args=[idea.pk])
        detail = reverse("ideas-casework-detail", args=[idea.pk])
    response = outsider_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "25.00 %" in page
    assert "75.00 %" in page
    assert "50,000.00 SEK" in page
    assert "<form" not in page.split("<main", 1)[-1]  # read-only: no form to change the split
    assert url in outsider_client.get(detail).content.decode()
    assert "25.00 %" in outsider_client.get(detail).content.decode()


def test_receiving_side_still_changes_the_split_on_the_same_page(owner_client, idea, two_participants):
    page = owner_client.get(reverse("ideas-casework-costs", args=[idea.pk])).content.decode()
    assert 'name="lead"' in page


# --------------------------------------------------------------------------- audit (issue 9, point 6)


def _audit(model_instance):
    from django.contrib.contenttypes.models import ContentType

    from framja.audit.models import AuditEntry

    return list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(model_instance)), object_id=str(model_instance.pk)
        )
        .order_by("pk")
        .values_list("changes", flat=True)
    )


def test_cost_split_audit_logs_the_old_and_the_new_values(owner_client, idea, two_participants):
    lead, partner = two_participants
    before_lead, before_partner, before_idea = len(_audit(lead)), len(_audit(partner)), len(_audit(idea))
    assert set_split(owner_client, idea, lead, partner, lead_share="60", partner_share="40").status_code == 302
    assert _audit(lead)[before_lead:] == [{"cost_share": ["100.00", "60.00"]}]
    assert _audit(partner)[before_partner:] == [{"cost_share": ["0.00", "40.00"]}]
    assert _audit(idea)[before_idea:] == [{"budget": [None, "200000.00"]}]
    assert set_split(owner_client, idea, lead, partner, lead_share="30", partner_share="70").status_code == 302
    assert _audit(lead)[-1] == {"cost_share": ["60.00", "30.00"]}


def test_cost_split_audit_logs_a_change_of_lead(owner_client, idea, two_participants):
    lead, partner = two_participants
    set_split(owner_client, idea, lead, partner)
    costs(
        owner_client,
        idea,
        {
            "budget": "200000",
            "currency": "SEK",
            "lead": partner.pk,
            f"share_{lead.pk}": "60",
            f"share_{partner.pk}": "40",
        },
    )
    assert _audit(lead)[-1] == {"role": ["lead", "partner"]}
    assert _audit(partner)[-1] == {"role": ["partner", "lead"]}


def test_saving_an_unchanged_split_records_nothing(owner_client, idea, two_participants):
    lead, partner = two_participants
    set_split(owner_client, idea, lead, partner)
    entries = (len(_audit(lead)), len(_audit(partner)), len(_audit(idea)))
    events = idea.events.filter(kind=Event.Kind.COSTS_CHANGED).count()
    with translation.override("en"):
        response = owner_client.post(
            reverse("ideas-casework-costs", args=[idea.pk]),
            {
                "budget": "200000.00",
                "currency": "SEK",
                "lead": lead.pk,
                f"share_{lead.pk}": "60.00",
                f"share_{partner.pk}": "40",
            },
            follow=True,
        )
    assert "Nothing changed." in response.content.decode()
    assert (len(_audit(lead)), len(_audit(partner)), len(_audit(idea))) == entries
    assert idea.events.filter(kind=Event.Kind.COSTS_CHANGED).count() == events


def test_inbox_of_partner_lists_codeveloped_idea_once(
    outsider_client, idea, two_participants, django_assert_max_num_queries
):
    response = outsider_client.get(reverse("ideas-inbox"))
    assert [i.pk for i in response.context["page"]] == [idea.pk]


def test_api_cost_split_saved_twice_records_one_change(owner, idea, two_participants):
    from framja.accounts.models import ApiToken

    lead, partner = two_participants
    _token, raw = ApiToken.issue(user=owner, name="test")
    body = {
        "shares": [
            {"participant": lead.pk, "role": "lead", "cost_share": "70"},
            {"participant": partner.pk, "role": "partner", "cost_share": "30.00"},
        ],
        "budget": "1000",
        "currency": "NOK",
    }
    url = f"/api/v1/ideas/{idea.pk}/participants/costs"
    for _ in range(2):
        response = owner_api_put(url, body, raw)
        assert response.status_code == 200
        assert {p["organisation"]["id"]: p["cost_share"] for p in response.json()}[partner.organisation_id] == "30.00"
    assert idea.events.filter(kind=Event.Kind.COSTS_CHANGED).count() == 1
    assert _audit(partner)[-1] == {"cost_share": ["0.00", "30.00"]}
    assert _audit(idea)[-1] == {"budget": [None, "1000.00"], "currency": ["SEK", "NOK"]}


def owner_api_put(url, body, raw):
    from django.test import Client

    return Client().put(url, body, content_type="application/json", headers={"Authorization": f"Bearer {raw}"})


def test_api_invited_organisation_reads_the_terms_before_answering(
    owner_client, outsider, member, idea, other_organisation
):
    from framja.accounts.models import ApiToken

    invite(owner_client, idea, other_organisation)
    partner = Participant.objects.get(organisation=other_organisation)
    lead = Participant.objects.get(idea=idea, role="lead")
    assert set_split(owner_client, idea, lead, partner).status_code == 302
    url = f"/api/v1/ideas/{idea.pk}/participants/{partner.pk}"
    _token, raw = ApiToken.issue(user=outsider, name="test")
    response = owner_api_get(url, raw)
    assert response.status_code == 200
    data = response.json()
    assert (data["participant"]["role"], data["participant"]["status"]) == ("partner", "invited")
    assert data["participant"]["cost_share"] == "40.00"
    assert data["participant"]["amount"] == "80000.00"
    assert data["budget"] == "200000.00"
    assert data["inviting_organisation"]["id"] == idea.receiving_organisation_id
    assert [p["role"] for p in data["split"]] == ["lead", "partner"]
    assert "kim@example.org" not in response.content.decode()
    assert "Kim Karlsson" not in response.content.decode()
    _token, member_raw = ApiToken.issue(user=member, name="test")
    assert owner_api_get(url, member_raw).status_code == 404


def owner_api_get(url, raw):
    from django.test import Client

    return Client().get(url, headers={"Authorization": f"Bearer {raw}"})
