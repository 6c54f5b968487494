"""The stage-gate pipeline: Go / Kill / Hold / Recycle with rationale and scores, and the
per-sluice configuration of stages and criteria."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from framja.ideas.models import CriterionScore, Event, GateDecision, Idea, Sluice, Stage, StageVisit
from framja.ideas.services import casework
from framja.notifications.models import OutboundEmail
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]


def decide_url(idea: Idea) -> str:
    return reverse("ideas-casework-decide", args=[idea.pk])


def post_decision(client, idea: Idea, **data):
    idea.refresh_from_db()
    payload = {"rationale": "Motiverat beslut.", "is_public": "on", "version": idea.version, **data}
    return client.post(decide_url(idea), payload)


def test_go_twice_moves_two_stages(owner_client, idea):
    assert post_decision(owner_client, idea, outcome="go").status_code == 302
    assert post_decision(owner_client, idea, outcome="go").status_code == 302
    idea.refresh_from_db()
    assert idea.stage.kind == Stage.Kind.CONCEPT
    assert list(idea.decisions.values_list("outcome", flat=True)) == ["go", "go"]
    visits = list(idea.stage_visits.order_by("entered_at", "pk").values_list("stage__kind", "left_at"))
    assert [kind for kind, _left in visits] == ["received", "screening", "concept"]
    assert visits[0][1] is not None
    assert visits[1][1] is not None
    assert visits[2][1] is None
    assert idea.events.filter(kind=Event.Kind.DECISION, is_public=True).count() == 2
    assert idea.version == 3


def test_kill_closes_and_only_recycle_reopens(owner_client, idea, sluice):
    post_decision(owner_client, idea, outcome="kill")
    idea.refresh_from_db()
    assert idea.stage.kind == Stage.Kind.CLOSED
    response = post_decision(owner_client, idea, outcome="go")
    assert response.status_code == 200  # Go is not offered from a final stage
    idea.refresh_from_db()
    assert idea.stage.kind == Stage.Kind.CLOSED
    screening = sluice.stages.get(kind="screening")
    post_decision(owner_client, idea, outcome="recycle", to_stage=screening.pk)
    idea.refresh_from_db()
    assert idea.stage == screening


def test_hold_keeps_stage_and_its_start(owner_client, idea):
    entered = idea.stage_entered_at
    post_decision(owner_client, idea, outcome="hold")
    idea.refresh_from_db()
    assert idea.stage.kind == Stage.Kind.RECEIVED
    assert idea.stage_entered_at == entered
    assert idea.decisions.get().outcome == GateDecision.Outcome.HOLD
    assert StageVisit.objects.filter(idea=idea).count() == 1


def test_recycle_goes_back_to_the_chosen_earlier_stage(owner_client, make_idea, sluice):
    idea = make_idea(stage_kind="pilot")
    screening = sluice.stages.get(kind="screening")
    post_decision(owner_client, idea, outcome="recycle", to_stage=screening.pk)
    idea.refresh_from_db()
    assert idea.stage == screening


def test_recycle_to_a_later_stage_is_refused(owner, make_idea, sluice):
    idea = make_idea(stage_kind="screening")
    with pytest.raises(ValidationError) as exc:
        casework.gate_decide(
            idea=idea, outcome="recycle", rationale="x", by=owner, to_stage=sluice.stages.get(kind="pilot")
        )
    assert "to_stage" in exc.value.error_dict


def test_recycle_to_a_stage_of_another_sluice_is_refused(owner, make_idea):
    idea = make_idea(stage_kind="pilot")
    other = Sluice.create_default(lead_organisation=OrganisationFactory.create())
    with pytest.raises(ValidationError):
        casework.gate_decide(
            idea=idea, outcome="recycle", rationale="x", by=owner, to_stage=other.stages.get(kind="received")
        )


def test_go_from_the_last_stage_is_refused(owner, make_idea):
    idea = make_idea(stage_kind="spread")
    with pytest.raises(ValidationError):
        casework.gate_decide(idea=idea, outcome="go", rationale="x", by=owner)


def test_rationale_is_required(owner_client, idea):
    response = post_decision(owner_client, idea, outcome="go", rationale="  ")
    assert response.status_code == 200
    assert not GateDecision.objects.exists()
    idea.refresh_from_db()
    assert idea.stage.kind == Stage.Kind.RECEIVED


def test_scores_are_saved(owner_client, idea, sluice):
    need, feasibility = sluice.criteria.order_by("position")[:2]
    post_decision(owner_client, idea, outcome="go", **{f"score_{need.pk}": "5", f"score_{feasibility.pk}": "2"})
    scores = dict(CriterionScore.objects.values_list("criterion__kind", "score"))
    assert scores == {need.kind: 5, feasibility.kind: 2}


@pytest.mark.parametrize("bad", ["0", "6", "abc"])
def test_scores_outside_one_to_five_are_refused(owner_client, idea, sluice, bad):
    need = sluice.criteria.first()
    response = post_decision(owner_client, idea, outcome="go", **{f"score_{need.pk}": bad})
    assert response.status_code == 200
    assert not GateDecision.objects.exists()


def test_score_for_a_criterion_of_another_sluice_is_refused(owner, idea):
    other = Sluice.create_default(lead_organisation=OrganisationFactory.create())
    with pytest.raises(ValidationError) as exc:
        casework.gate_decide(idea=idea, outcome="go", rationale="x", by=owner, scores={other.criteria.all()[0].pk: 3})
    assert "scores" in exc.value.error_dict
    assert not GateDecision.objects.exists()


def test_public_decision_mails_the_submitter(owner_client, idea):
    post_decision(owner_client, idea, outcome="go", rationale="Bra idé, vi går vidare.")
    body = OutboundEmail.objects.get(to="kim@example.org").body
    assert "Bra idé, vi går vidare." in body


def test_internal_decision_is_not_mailed(owner_client, idea):
    idea.refresh_from_db()
    owner_client.post(decide_url(idea), {"outcome": "go", "rationale": "Internt", "version": idea.version})
    assert not OutboundEmail.objects.exists()
    assert idea.events.get(kind=Event.Kind.DECISION).is_public is False


def test_stale_decision_form_is_refused_with_a_message(owner_client, coordinator_client, idea):
    opened = idea.version
    coordinator_client.post(decide_url(idea), {"outcome": "go", "rationale": "Först", "version": opened})
    response = owner_client.post(decide_url(idea), {"outcome": "go", "rationale": "Min motivering", "version": opened})
    assert response.status_code == 200
    assert "Min motivering" in response.content.decode()
    idea.refresh_from_db()
    assert idea.stage.kind == Stage.Kind.SCREENING  # moved once, not twice
    assert idea.decisions.count() == 1


def test_withdrawn_idea_cannot_be_decided(owner, make_idea):
    from django.utils import timezone

    idea = make_idea(withdrawn_at=timezone.now())
    with pytest.raises(ValidationError):
        casework.gate_decide(idea=idea, outcome="go", rationale="x", by=owner)


def test_member_and_outsider_get_404(member_client, outsider_client, idea):
    assert post_decision(member_client, idea, outcome="go").status_code == 404
    assert post_decision(outsider_client, idea, outcome="go").status_code == 404
    assert not GateDecision.objects.exists()


def test_anonymous_goes_to_login(client, idea):
    response = post_decision(client, idea, outcome="go")
    assert response.status_code == 302
    assert not GateDecision.objects.exists()


# --------------------------------------------------------------------------- configuration


def settings_url(sluice: Sluice) -> str:
    return reverse("ideas-sluice-settings", args=[sluice.slug])


def formset_data(sluice: Sluice, *, stage_changes=None, new_stage=None, criterion_changes=None, new_criterion=None):
    stage_changes, criterion_changes = stage_changes or {}, criterion_changes or {}
    stages = list(sluice.stages.order_by("position"))
    criteria = list(sluice.criteria.order_by("position", "name"))
    data: dict[str, object] = {
        "stages-TOTAL_FORMS": len(stages) + 1,
        "stages-INITIAL_FORMS": len(stages),
        "criteria-TOTAL_FORMS": len(criteria) + 1,
        "criteria-INITIAL_FORMS": len(criteria),
    }
    for i, stage in enumerate(stages):
        row: dict[str, object] = {
            "id": stage.pk,
            "name": stage.name,
            "position": stage.position,
            "is_final": "on" if stage.is_final else "",
        }
        row.update(stage_changes.get(stage.kind, {}))
        data.update({f"stages-{i}-{k}": v for k, v in row.items() if v != ""})
    for k, v in (new_stage or {}).items():
        data[f"stages-{len(stages)}-{k}"] = v
    for i, criterion in enumerate(criteria):
        row = {"id": criterion.pk, "name": criterion.name, "description": criterion.description,
               "weight": criterion.weight, "position": criterion.position}  # fmt: skip
        row.update(criterion_changes.get(criterion.label, {}))
        data.update({f"criteria-{i}-{k}": v for k, v in row.items() if v != ""})
    # A browser posts the extra row's default weight and order even when it is left empty.
    for k, v in {"weight": "1", "position": "0", **(new_criterion or {})}.items():
        data[f"criteria-{len(criteria)}-{k}"] = v
    return data


def test_settings_page_for_lead_admin(owner_client, sluice):
    response = owner_client.get(settings_url(sluice))
    assert response.status_code == 200
    page = response.content.decode()
    assert sluice.stages.get(kind="screening").label in page
    assert sluice.criteria.order_by("position")[0].label in page


def test_settings_member_outsider_404_anonymous_login(member_client, outsider_client, client, sluice):
    assert member_client.get(settings_url(sluice)).status_code == 404
    assert outsider_client.get(settings_url(sluice)).status_code == 404
    assert client.get(settings_url(sluice)).status_code == 302


def test_add_a_custom_stage_between_concept_and_pilot(owner_client, sluice, idea):
    data = formset_data(sluice, new_stage={"name": "Behovsanalys", "position": "2"})
    # Move concept and everything after it one step down.
    for i, stage in enumerate(sluice.stages.order_by("position")):
        if stage.position >= 2:
            data[f"stages-{i}-position"] = stage.position + 1
    response = owner_client.post(settings_url(sluice), data)
    assert response.status_code == 302, (
        response.context["stages"].errors,
        response.context["stages"].non_form_errors(),
        response.context["criteria"].errors,
    )
    labels = [s.label for s in sluice.stages.order_by("position")]
    assert labels[2] == "Behovsanalys"
    assert len(labels) == 8
    assert [s.position for s in sluice.stages.order_by("position")] == list(range(8))
    # A Go from screening now leads to the new stage.
    screening = sluice.stages.get(kind="screening")
    following = screening.next_stage()
    assert following is not None
    assert following.name == "Behovsanalys"


def test_duplicate_positions_are_refused(owner_client, sluice):
    data = formset_data(sluice, stage_changes={"screening": {"position": 0}})
    response = owner_client.post(settings_url(sluice), data)
    assert response.status_code == 200
    assert sluice.stages.get(kind="screening").position == 1


def test_edit_criterion_weight_and_add_one(owner_client, sluice):
    cost = sluice.criteria.order_by("position").last()
    assert cost is not None
    data = formset_data(
        sluice,
        criterion_changes={cost.label: {"weight": 3}},
        new_criterion={"name": "Spridningspotential", "weight": "2", "position": "9"},
    )
    response = owner_client.post(settings_url(sluice), data)
    assert response.status_code == 302
    cost.refresh_from_db()
    assert cost.weight == 3
    assert sluice.criteria.filter(name="Spridningspotential", weight=2).exists()


def test_a_used_criterion_cannot_be_removed(owner, owner_client, sluice, idea):
    need = sluice.criteria.order_by("position")[0]
    casework.gate_decide(idea=idea, outcome="go", rationale="x", by=owner, scores={need.pk: 4})
    data = formset_data(sluice, criterion_changes={need.label: {"DELETE": "on"}})
    response = owner_client.post(settings_url(sluice), data)
    assert response.status_code == 200
    assert sluice.criteria.filter(pk=need.pk).exists()


def test_standard_stage_cannot_be_removed(owner_client, sluice):
    data = formset_data(sluice, stage_changes={"pilot": {"DELETE": "on"}})
    assert owner_client.post(settings_url(sluice), data).status_code == 200
    assert sluice.stages.filter(kind="pilot").exists()


def test_standard_stage_removal_says_why_on_the_page(owner_client, sluice):
    data = formset_data(sluice, stage_changes={"pilot": {"DELETE": "on"}})
    response = owner_client.post(settings_url(sluice), data)
    assert "Standardsteg kan inte tas bort" in response.content.decode()


def test_configure_sluice_takes_plain_data_as_an_api_would(owner, sluice):
    """The service needs no form: a caller names stages by id and gives plain values."""
    stages = list(sluice.stages.order_by("position"))
    changes = [
        casework.StageChange(pk=s.pk, name=s.name, position=i + (1 if i >= 2 else 0), is_final=s.is_final)
        for i, s in enumerate(stages)
    ]
    changes.append(casework.StageChange(name="Behovsanalys", position=2))
    need = sluice.criteria.order_by("position")[0]
    criteria = [casework.CriterionChange(pk=need.pk, name=need.name, weight=5, position=need.position)]
    casework.configure_sluice(sluice=sluice, stages=changes, criteria=criteria, by=owner)
    assert [s.label for s in sluice.stages.order_by("position")][2] == "Behovsanalys"
    assert [s.position for s in sluice.stages.order_by("position")] == list(range(len(stages) + 1))
    need.refresh_from_db()
    assert need.weight == 5


def test_configure_sluice_refuses_another_sluices_stage_and_writes_nothing(owner, sluice, make_idea):
    other = Sluice.create_default(lead_organisation=OrganisationFactory.create(name="Annan kommun"))
    foreign = other.stages.order_by("position")[0]
    before = list(sluice.stages.order_by("position").values_list("pk", "position"))
    changes = [casework.StageChange(name="Ny", position=0), casework.StageChange(pk=foreign.pk, name="x", position=1)]
    with pytest.raises(ValidationError):
        casework.configure_sluice(sluice=sluice, stages=changes, criteria=[], by=owner)
    assert list(sluice.stages.order_by("position").values_list("pk", "position")) == before
    foreign.refresh_from_db()
    assert foreign.sluice_id == other.pk


def test_timeline_names_default_stages_in_the_readers_language(coordinator, idea):
    """A decision made in Swedish reads 'Received → Screening' for an English reader."""
    from django.utils import translation

    from framja.ideas.models import Event, GateDecision
    from framja.ideas.services import casework as casework_services

    with translation.override("sv"):
        casework_services.gate_decide(
            idea=idea, outcome=GateDecision.Outcome.GO, rationale="Behovet är tydligt.", scores={}, by=coordinator
        )
    event = Event.objects.get(idea=idea, kind=Event.Kind.DECISION)
    with translation.override("en"):
        assert (event.from_stage_label, event.to_stage_label) == ("Received", "Screening")
    with translation.override("sv"):
        assert event.to_stage_label == "Sållning"


def test_standard_criteria_are_named_in_the_readers_language(owner_client, sluice):
    """A sluice created under one language shows its standard criteria in every reader's."""
    for prefix, name, help_text in [
        ("", "Genomförbarhet", "Går det att genomföra med de resurser som finns?"),
        ("/nb", "Gjennomførbarhet", "Kan det gjennomføres med de ressursene som finnes?"),
        ("/en", "Feasibility", "Can it be done with the means at hand?"),
    ]:
        with translation.override(prefix.strip("/") or "sv"):
            url = settings_url(sluice)
        page = owner_client.get(url).content.decode()
        assert f'value="{name}"' in page
        assert f'value="{help_text}"' in page


def test_standard_criterion_keeps_its_translated_name_when_posted(owner_client, sluice):
    need = sluice.criteria.get(kind="need")
    data = formset_data(sluice, criterion_changes={need.label: {"name": "Egen text", "weight": 2}})
    assert owner_client.post(settings_url(sluice), data).status_code == 302
    need.refresh_from_db()
    assert (need.kind, need.name, need.weight) == ("need", "", 2)


def test_a_new_criterion_needs_a_name(owner_client, sluice):
    data = formset_data(sluice, new_criterion={"description": "Utan namn", "weight": "2", "position": "9"})
    response = owner_client.post(settings_url(sluice), data)
    assert response.status_code == 200
    assert "Namnge kriteriet." in response.content.decode()
    assert not sluice.criteria.filter(description="Utan namn").exists()
