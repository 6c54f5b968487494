"""The casework API: same permissions as the pages (404 for others, 401 anonymous), optimistic
locking (409), decisions, assignment, notes, answers, duplicates, participants, dashboard."""

from __future__ import annotations

import pytest
from django.test import Client

from framja.accounts.models import ApiToken
from framja.ideas.models import Comment, DuplicateLink, GateDecision, Participant
from framja.notifications.models import OutboundEmail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]

API = "/api/v1/ideas"


class Api:
    """A JSON client with a Bearer token (or none)."""

    def __init__(self, user=None):
        self.client = Client()
        self.headers = {}
        if user is not None:
            _token, raw = ApiToken.issue(user=user, name="test")
            self.headers = {"Authorization": f"Bearer {raw}"}

    def __getattr__(self, method):
        def call(path, data=None, **kw):
            fn = getattr(self.client, method)
            if method in {"post", "put", "patch", "delete"}:
                return fn(path, data, content_type="application/json", headers=self.headers, **kw)
            return fn(path, data or {}, headers=self.headers, **kw)

        return call


@pytest.fixture
def owner_api(owner):
    return Api(owner)


@pytest.fixture
def member_api(member):
    return Api(member)


@pytest.fixture
def outsider_api(outsider):
    return Api(outsider)


@pytest.fixture
def anonymous_api():
    return Api()


def test_list_for_owner_with_filters(owner_api, make_idea, sluice):
    a = make_idea(title="Snöskoter")
    b = make_idea(title="Buss", stage_kind="pilot")
    response = owner_api.get(API)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {i["reference"] for i in body["items"]} == {a.reference, b.reference}
    pilot = sluice.stages.get(kind="pilot").pk
    assert [i["reference"] for i in owner_api.get(API, {"stage": pilot}).json()["items"]] == [b.reference]
    assert [i["reference"] for i in owner_api.get(API, {"q": "snöskoter"}).json()["items"]] == [a.reference]
    assert owner_api.get(API, {"municipality": "2380"}).json()["count"] == 2


def test_list_member_outsider_anonymous(member_api, outsider_api, anonymous_api, idea, organisation):
    assert member_api.get(API).json()["count"] == 0
    assert outsider_api.get(API).json()["count"] == 0
    assert outsider_api.get(API, {"organisation": organisation.slug}).status_code == 404
    assert anonymous_api.get(API).status_code == 401


def test_list_in_few_queries(owner_api, make_idea, django_assert_max_num_queries):
    for n in range(30):
        make_idea(title=f"Idé {n}")
    owner_api.get(API)
    with django_assert_max_num_queries(8):
        response = owner_api.get(API, {"limit": 50})
    assert len(response.json()["items"]) == 30


def test_detail_casework_fields_only_for_caseworkers(owner_api, outsider_api, anonymous_api, idea):
    mine = owner_api.get(f"{API}/{idea.pk}").json()
    assert mine["submitter"]["email"] == "kim@example.org"
    assert mine["version"] == 1
    for api in (outsider_api, anonymous_api):
        public = api.get(f"{API}/{idea.pk}")
        assert public.status_code == 200
        assert "submitter" not in public.json()
        assert "kim@example.org" not in public.content.decode()


def test_patch_with_version_and_conflict(owner_api, idea):
    ok = owner_api.patch(f"{API}/{idea.pk}", {"version": 1, "title": "Ny titel"})
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    conflict = owner_api.patch(f"{API}/{idea.pk}", {"version": 1, "title": "Gammal titel"})
    assert conflict.status_code == 409
    assert conflict.json()["current"]["title"] == "Ny titel"
    assert conflict.json()["current"]["version"] == 2
    idea.refresh_from_db()
    assert idea.title == "Ny titel"


def test_patch_bad_input_is_422(owner_api, idea):
    response = owner_api.patch(f"{API}/{idea.pk}", {"version": 1, "title": "   "})
    assert response.status_code == 422
    assert owner_api.patch(f"{API}/{idea.pk}", {"version": 1, "tags": ["no-such-tag"]}).status_code == 422


def test_patch_by_outsider_member_anonymous(outsider_api, member_api, anonymous_api, idea):
    assert outsider_api.patch(f"{API}/{idea.pk}", {"version": 1, "title": "x"}).status_code == 404
    assert member_api.patch(f"{API}/{idea.pk}", {"version": 1, "title": "x"}).status_code == 404
    assert anonymous_api.patch(f"{API}/{idea.pk}", {"version": 1, "title": "x"}).status_code == 401


def test_session_write_needs_csrf(owner, idea):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    response = browser.patch(f"{API}/{idea.pk}", {"version": 1, "title": "x"}, content_type="application/json")
    assert response.status_code in (401, 403)
    idea.refresh_from_db()
    assert idea.title != "x"


def test_stages_of_a_sluice(owner_api, sluice):
    body = owner_api.get(f"{API}/stages", {"sluice": sluice.slug}).json()
    assert [s["kind"] for s in body] == [
        "received",
        "screening",
        "concept",
        "pilot",
        "implementation",
        "spread",
        "closed",
    ]
    assert owner_api.get(f"{API}/stages", {"sluice": "nope"}).status_code == 404


def test_decisions_go_twice_and_scores(owner_api, idea, sluice):
    need = sluice.criteria.first()
    first = owner_api.post(f"{API}/{idea.pk}/decisions", {"outcome": "go", "rationale": "Bra", "scores": {need.pk: 4}})
    assert first.status_code == 201
    assert first.json()["to_stage"]["kind"] == "screening"
    assert first.json()["scores"][0]["score"] == 4
    second = owner_api.post(f"{API}/{idea.pk}/decisions", {"outcome": "go", "rationale": "Ännu bättre"})
    assert second.json()["to_stage"]["kind"] == "concept"
    assert len(owner_api.get(f"{API}/{idea.pk}/decisions").json()) == 2


def test_decision_validation_and_conflict(owner_api, idea, sluice):
    need = sluice.criteria.first()
    bad = owner_api.post(f"{API}/{idea.pk}/decisions", {"outcome": "go", "rationale": "x", "scores": {need.pk: 9}})
    assert bad.status_code == 422
    assert owner_api.post(f"{API}/{idea.pk}/decisions", {"outcome": "maybe", "rationale": "x"}).status_code == 422
    stale = owner_api.post(f"{API}/{idea.pk}/decisions", {"outcome": "go", "rationale": "x", "version": 99})
    assert stale.status_code == 409
    assert not GateDecision.objects.exists()


def test_decisions_closed_to_others(member_api, outsider_api, anonymous_api, idea):
    for api, status in ((member_api, 404), (outsider_api, 404), (anonymous_api, 401)):
        assert api.post(f"{API}/{idea.pk}/decisions", {"outcome": "go", "rationale": "x"}).status_code == status
        assert api.get(f"{API}/{idea.pk}/decisions").status_code == status


def test_assignee(owner_api, idea, coordinator, outsider):
    assert (
        owner_api.put(f"{API}/{idea.pk}/assignee", {"assignee": coordinator.pk}).json()["assignee"]["id"]
        == coordinator.pk
    )
    assert owner_api.put(f"{API}/{idea.pk}/assignee", {"assignee": outsider.pk}).status_code == 422
    assert owner_api.put(f"{API}/{idea.pk}/assignee", {"assignee": None}).json()["assignee"] is None


def test_notes_and_answers(owner_api, outsider_api, idea):
    assert owner_api.post(f"{API}/{idea.pk}/notes", {"text": "Intern"}).status_code == 201
    assert owner_api.post(f"{API}/{idea.pk}/answers", {"text": "Publikt svar"}).status_code == 201
    assert [n["text"] for n in owner_api.get(f"{API}/{idea.pk}/notes").json()] == ["Intern"]
    assert [a["text"] for a in owner_api.get(f"{API}/{idea.pk}/answers").json()] == ["Publikt svar"]
    assert OutboundEmail.objects.filter(to="kim@example.org").count() == 1
    assert outsider_api.post(f"{API}/{idea.pk}/notes", {"text": "x"}).status_code == 404
    assert outsider_api.get(f"{API}/{idea.pk}/notes").status_code == 404
    assert Comment.objects.count() == 2


def test_duplicate_of_by_reference_and_back(owner_api, make_idea, idea):
    original = make_idea(title="Original")
    response = owner_api.post(f"{API}/{idea.pk}/duplicate-of", {"original": original.reference})
    assert response.status_code == 201
    assert response.json()["original"]["reference"] == original.reference
    assert owner_api.get(f"{API}/{idea.pk}").json()["duplicate_of"]["id"] == original.pk
    assert owner_api.delete(f"{API}/{idea.pk}/duplicate-of").status_code == 200
    assert not DuplicateLink.objects.filter(removed_at=None).exists()
    assert owner_api.delete(f"{API}/{idea.pk}/duplicate-of").status_code == 409  # nothing to unlink now
    assert owner_api.post(f"{API}/{idea.pk}/duplicate-of", {"original": "IDE-0000-0000-0000"}).status_code == 422


def test_participants_invite_accept_and_split(owner_api, outsider_api, idea, other_organisation):
    invited = owner_api.post(f"{API}/{idea.pk}/participants", {"organisation": other_organisation.slug})
    assert invited.status_code == 201
    partner_id = invited.json()["id"]
    assert outsider_api.get(f"{API}/{idea.pk}/participants").status_code == 404  # not yet a participant
    answer = outsider_api.patch(f"{API}/{idea.pk}/participants/{partner_id}", {"status": "accepted"})
    assert answer.status_code == 200
    assert outsider_api.get(API).json()["count"] == 1  # now in the partner's list
    lead_id = Participant.objects.get(idea=idea, role="lead").pk
    bad = owner_api.put(
        f"{API}/{idea.pk}/participants/costs",
        {"shares": [{"participant": lead_id, "role": "lead", "cost_share": "50"},
                    {"participant": partner_id, "role": "partner", "cost_share": "40"}]},
    )  # fmt: skip
    assert bad.status_code == 422
    assert "100" in bad.content.decode()
    good = owner_api.put(
        f"{API}/{idea.pk}/participants/costs",
        {"budget": "100000", "currency": "SEK",
         "shares": [{"participant": lead_id, "role": "lead", "cost_share": "70"},
                    {"participant": partner_id, "role": "partner", "cost_share": "30"}]},
    )  # fmt: skip
    assert good.status_code == 200
    amounts = {p["id"]: p["amount"] for p in good.json()}
    assert float(amounts[partner_id]) == 30000.0
    two_leads = owner_api.put(
        f"{API}/{idea.pk}/participants/costs",
        {"shares": [{"participant": lead_id, "role": "lead", "cost_share": "70"},
                    {"participant": partner_id, "role": "lead", "cost_share": "30"}]},
    )  # fmt: skip
    assert two_leads.status_code == 422


def test_invite_closed_to_member_and_outsider(member_api, outsider_api, idea, other_organisation):
    assert (
        member_api.post(f"{API}/{idea.pk}/participants", {"organisation": other_organisation.slug}).status_code == 404
    )
    assert (
        outsider_api.post(f"{API}/{idea.pk}/participants", {"organisation": other_organisation.slug}).status_code == 404
    )


def test_dashboard(owner_api, outsider_api, anonymous_api, idea, organisation):
    body = owner_api.get(f"{API}/dashboard", {"organisation": organisation.slug}).json()
    assert body["total"] == 1
    assert body["per_stage"][0]["count"] == 1
    assert outsider_api.get(f"{API}/dashboard", {"organisation": organisation.slug}).status_code == 404
    assert anonymous_api.get(f"{API}/dashboard", {"organisation": organisation.slug}).status_code == 401


def test_dashboard_period_and_intake(owner_api, make_idea, organisation, settings):
    from datetime import UTC, datetime

    settings.TIME_ZONE = "UTC"
    make_idea(created_at=datetime(2026, 1, 9, tzinfo=UTC))
    make_idea(created_at=datetime(2026, 3, 2, tzinfo=UTC))
    body = owner_api.get(f"{API}/dashboard", {"organisation": organisation.slug}).json()
    assert body["intake_per_month"] == [
        {"month": "2026-01", "count": 1},
        {"month": "2026-02", "count": 0},
        {"month": "2026-03", "count": 1},
    ]
    query = {"organisation": organisation.slug, "from": "2026-02", "to": "2026-04"}
    body = owner_api.get(f"{API}/dashboard", query).json()
    assert [row["month"] for row in body["intake_per_month"]] == ["2026-02", "2026-03", "2026-04"]


def test_dashboard_reversed_period_is_422(owner_api, organisation):
    response = owner_api.get(
        f"{API}/dashboard", {"organisation": organisation.slug, "from": "2026-03", "to": "2026-01"}
    )
    assert response.status_code == 422
    assert "Den sista månaden" in str(response.json())


def test_submission_routes_still_answer(anonymous_api, idea):
    """The casework router shares /ideas with the submission router."""
    assert anonymous_api.get(f"{API}/similar", {"text": "snöskotrar"}).status_code == 200


def test_stages_of_another_organisations_sluice_are_not_for_outsiders(outsider_api, member_api, anonymous_api, sluice):
    """Issue 7 item 9: a sluice's pipeline is internal; the public sees only an idea's current stage."""
    stage = sluice.stages.get(position=1)
    stage.kind, stage.name = "custom", "Intern förhandsgranskning"
    stage.save()
    for api in (outsider_api, member_api):
        response = api.get(f"{API}/stages", {"sluice": sluice.slug})
        assert response.status_code == 404
        assert "förhandsgranskning" not in response.content.decode()
        assert api.get(f"{API}/stages", {"sluice": str(sluice.pk)}).status_code == 404
    assert anonymous_api.get(f"{API}/stages", {"sluice": sluice.slug}).status_code == 401


def test_stages_for_a_codeveloping_organisation(owner_api, outsider_api, outsider, idea, other_organisation, sluice):
    Participant.objects.create(idea=idea, organisation=other_organisation, status=Participant.Status.ACCEPTED)
    response = outsider_api.get(f"{API}/stages", {"sluice": sluice.slug})
    assert response.status_code == 200
    assert len(response.json()) == 7


def test_a_decision_the_stage_does_not_allow_is_422_not_the_stale_version_409(owner_api, make_idea):
    """This operation's 409 is documented as the stale-version answer carrying the current idea;
    a rule of the stage is a field error on `outcome` (schemathesis checks the 409's shape)."""
    idea = make_idea(stage_kind="spread")
    response = owner_api.post(f"{API}/{idea.pk}/decisions", {"outcome": "go", "rationale": "Vidare"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "outcome"]
    assert not GateDecision.objects.exists()
