"""One language per page in the idea sluice (issue 9, point 5): categories, goals, gate criteria,
the audit log's labels and percentages follow the reader's language, on pages and in the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from framja.ideas.models import Participant, Sluice
from tests.ideas.test_casework_api import API, Api

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]

GOAL_11 = {
    "sv": "11. Hållbara städer och samhällen",
    "nb": "11. Bærekraftige byer og lokalsamfunn",
    "en": "11. Sustainable cities and communities",
}
FEASIBILITY = {
    "sv": ("Genomförbarhet", "Går det att genomföra med de resurser som finns?"),
    "nb": ("Gjennomførbarhet", "Kan det gjennomføres med de ressursene som finnes?"),
    "en": ("Feasibility", "Can it be done with the means at hand?"),
}


def url(language: str, name: str, *args: object) -> str:
    with translation.override(language):
        return reverse(name, args=args)


@pytest.mark.parametrize("language", ["sv", "nb", "en"])
def test_inbox_filter_and_edit_page_name_goals_in_the_readers_language(owner_client, idea, language):
    for page in (url(language, "ideas-inbox"), url(language, "ideas-casework-edit", idea.pk)):
        text = owner_client.get(page).content.decode()
        assert GOAL_11[language] in text, page
        others = [name for code, name in GOAL_11.items() if code != language]
        assert not any(name in text for name in others), page


@pytest.mark.parametrize("language", ["sv", "nb", "en"])
def test_decision_form_names_and_explains_criteria_in_the_readers_language(owner_client, idea, language):
    text = owner_client.get(url(language, "ideas-casework-detail", idea.pk)).content.decode()
    name, help_text = FEASIBILITY[language]
    assert name in text
    assert help_text in text
    assert not any(FEASIBILITY[code][1] in text for code in FEASIBILITY if code != language)


def test_criteria_of_a_sluice_created_under_english_are_still_swedish_for_swedish_readers(owner_client, organisation):
    with translation.override("en"):
        sluice = Sluice.create_default(lead_organisation=organisation, slug="created-in-english")
    text = owner_client.get(url("sv", "ideas-sluice-settings", sluice.slug)).content.decode()
    assert 'value="Genomförbarhet"' in text
    assert "Feasibility" not in text


@pytest.mark.parametrize(("accept", "expected"), [("sv", "Behov"), ("nb", "Behov"), ("en", "Need")])
def test_api_scores_name_the_criterion_in_the_language_asked_for(owner, idea, sluice, accept, expected):
    need = sluice.criteria.get(kind="need")
    api = Api(owner)
    created = api.post(f"{API}/{idea.pk}/decisions", {"outcome": "go", "rationale": "Bra", "scores": {need.pk: 4}})
    assert created.status_code == 201
    listed = api.get(f"{API}/{idea.pk}/decisions", HTTP_ACCEPT_LANGUAGE=accept).json()
    assert listed[0]["scores"] == [{"criterion_id": need.pk, "criterion": expected, "score": 4}]


@pytest.mark.parametrize("accept", ["en", "nb"])
def test_api_tag_names_follow_the_language_asked_for(owner, make_idea, sluice, accept):
    from framja.ideas.models import Tag

    idea = make_idea()
    idea.tags.set([Tag.objects.get(slug="sdg-11")])
    detail = Api(owner).get(f"{API}/{idea.pk}", HTTP_ACCEPT_LANGUAGE=accept).json()
    assert GOAL_11[accept] in str(detail)
    assert GOAL_11["sv"] not in str(detail)


def _invite_and_split(owner_client, outsider_client, idea, other_organisation):
    owner_client.post(reverse("ideas-casework-invite", args=[idea.pk]), {"organisation": other_organisation.pk})
    partner = Participant.objects.get(organisation=other_organisation)
    outsider_client.post(reverse("ideas-participant-respond", args=[partner.pk]), {"answer": "accept"})
    lead = Participant.objects.get(idea=idea, role="lead")
    return lead, partner


@pytest.mark.parametrize(
    ("language", "invited_by", "share"),
    [("sv", "Inbjuden av:", "62,50"), ("nb", "Invitert av:", "62,50"), ("en", "Invited by:", "62.50")],
)
def test_audit_log_labels_and_decimals_follow_the_reader(
    owner_client, outsider_client, idea, other_organisation, organisation, language, invited_by, share
):
    lead, partner = _invite_and_split(owner_client, outsider_client, idea, other_organisation)
    data = {"currency": "SEK", "lead": lead.pk, f"share_{lead.pk}": "62.5", f"share_{partner.pk}": "37.5"}
    assert owner_client.post(reverse("ideas-casework-costs", args=[idea.pk]), data).status_code == 302
    text = owner_client.get(url(language, "audit-organisation-log", organisation.slug)).content.decode()
    assert invited_by in text
    assert share in text
    assert "Invited by:" not in text or language == "en"


@pytest.mark.parametrize(("language", "total"), [("sv", "90,50 %"), ("nb", "90,50 %"), ("en", "90.50 %")])
def test_share_total_in_the_error_uses_the_readers_decimal_mark(
    owner_client, outsider_client, idea, other_organisation, language, total
):
    lead, partner = _invite_and_split(owner_client, outsider_client, idea, other_organisation)
    data = {"currency": "SEK", "lead": lead.pk, f"share_{lead.pk}": "60.5", f"share_{partner.pk}": "30"}
    response = owner_client.post(url(language, "ideas-casework-costs", idea.pk), data)
    assert response.status_code == 200
    assert total in response.content.decode()


@pytest.mark.parametrize(
    ("language", "expected", "other"),
    [("sv", "Gå vidare: Mottagen → Sållning", "Go: Received"), ("en", "Go: Received → Screening", "Mottagen")],
)
def test_audit_log_names_stages_and_outcomes_in_the_readers_language(
    owner_client, owner, idea, organisation, language, expected, other
):
    from framja.ideas.services import casework

    with translation.override("nb"):  # written by a Norwegian-speaking coordinator
        casework.gate_decide(idea=idea, outcome="go", rationale="Bra", by=owner)
    text = owner_client.get(url(language, "audit-organisation-log", organisation.slug)).content.decode()
    assert expected in text
    assert other not in text
    api = Api(owner).get(f"/api/v1/organisations/{organisation.pk}/audit", HTTP_ACCEPT_LANGUAGE=language).json()
    entries = api["items"] if isinstance(api, dict) else api
    decision = next(e for e in entries if e["object_type"] == "ideas.gatedecision")
    assert decision["object_repr"] == expected
    changes = {c["field"]: c["after"] for c in decision["changes"]}
    assert changes["to_stage"] == expected.rsplit("→ ", 1)[1]


def test_migration_turns_stored_standard_criteria_into_kinds_and_keeps_custom_ones(organisation):
    """Sluices made before criteria had kinds stored the names in the language of the moment."""
    import importlib

    from django.apps import apps

    from framja.ideas.models import Criterion

    migration = importlib.import_module("framja.ideas.migrations.0004_criterion_kind")
    sluice = Sluice.objects.create(lead_organisation=organisation, name="Gammal", slug="gammal")
    old = {
        "need": ("Behov", "Hur stort är behovet, och för vem?"),
        "feasibility": ("Gjennomførbarhet", "Kan det gjennomføres med de ressursene som finnes?"),
        "effect": ("Effect", ""),
        "cost": ("Kostnad", "Vår egen fråga om kostnaden"),  # described by the coordinator: stays custom
    }
    for position, (name, description) in enumerate(old.values()):
        Criterion.objects.create(sluice=sluice, name=name, description=description, position=position)
    migration.to_kinds(apps, None)
    kinds = dict(sluice.criteria.values_list("kind", "name"))
    assert kinds == {"need": "", "feasibility": "", "effect": "", "custom": "Kostnad"}
    with translation.override("en"):
        assert [c.label for c in sluice.criteria.order_by("position")] == ["Need", "Feasibility", "Effect", "Kostnad"]
