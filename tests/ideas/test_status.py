"""The submitter's private status link: timeline, adding information, withdrawing, and removing
personal data (pages and API)."""

from __future__ import annotations

import pytest
from django.core import mail

from framja.audit.models import AuditEntry
from framja.ideas.models import Comment, Event, Idea, StageVisit
from framja.ideas.services import public as services
from framja.notifications.models import OutboundEmail

pytestmark = pytest.mark.usefixtures("public_side")


@pytest.fixture
def submitted(municipality, municipality_organisation, municipal_coordinator):
    return services.idea_submit(
        title="Solceller på skolans tak",
        description="Skolan kan producera egen el och eleverna kan följa produktionen i undervisningen.",
        municipality=municipality,
        name="Alva Andersson",
        email="alva@example.org",
        consent=True,
        language="en",
    )


def _url(submitted, suffix=""):
    return f"/en/ideas/status/{submitted.status_token}/{suffix}"


def test_status_page_shows_the_public_timeline_but_not_internal_notes(client, submitted):
    idea = submitted.idea
    Event.objects.create(idea=idea, kind=Event.Kind.NOTE, is_public=False, text="Intern: kolla budget")
    Event.objects.create(
        idea=idea,
        kind=Event.Kind.DECISION,
        is_public=True,
        text="Stort behov och rimlig kostnad.",
        data={"outcome": "go", "from_stage": "Received", "to_stage": "Screening"},
    )
    response = client.get(_url(submitted))
    html = response.content.decode()
    assert response.status_code == 200
    assert idea.reference in html
    assert "Stort behov och rimlig kostnad." in html
    assert "Received → Screening" in html
    assert "Intern: kolla budget" not in html
    assert 'name="robots" content="noindex' in html


def test_wrong_or_malformed_token_is_404(client, submitted):
    assert client.get("/en/ideas/status/not-the-token/").status_code == 404
    assert client.get("/en/ideas/status/" + "x" * 500 + "/").status_code == 404
    assert client.post("/en/ideas/status/not-the-token/withdraw/", {"confirm": "on"}).status_code == 404


def test_only_the_hash_of_the_token_is_stored(submitted):
    idea = Idea.objects.get(pk=submitted.idea.pk)
    assert submitted.status_token not in idea.status_token_hash
    assert idea.status_token_hash == services.hash_token(submitted.status_token)


def test_adding_information_reaches_the_coordinators(client, submitted, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(submitted, "information/"), {"text": "Taket renoverades 2022."})
    assert response.status_code == 302
    comment = Comment.objects.get(idea=submitted.idea)
    assert comment.visibility == Comment.Visibility.SUBMITTER
    assert Event.objects.filter(idea=submitted.idea, kind=Event.Kind.INFO_ADDED).exists()
    assert [m.to for m in mail.outbox] == [["koordinator@ostersund.example"]]
    assert "Taket renoverades 2022." in mail.outbox[0].body
    assert "Taket renoverades 2022." in client.get(_url(submitted)).content.decode()


def test_empty_information_is_a_form_error(client, submitted):
    response = client.post(_url(submitted, "information/"), {"text": "  "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Comment.objects.exists()


def test_status_actions_reject_wrong_methods(client, submitted):
    assert client.get(_url(submitted, "information/")).status_code == 405
    assert client.post(_url(submitted)).status_code == 405


def test_withdrawing_needs_confirmation(client, submitted):
    assert client.get(_url(submitted, "withdraw/")).status_code == 200
    response = client.post(_url(submitted, "withdraw/"), {})
    assert response.status_code == 200
    assert Idea.objects.get(pk=submitted.idea.pk).withdrawn_at is None


def test_withdrawn_idea_leaves_public_pages_and_suggestions(client, submitted):
    idea = submitted.idea
    text = f"{idea.title} {idea.description}"
    assert [s.idea.pk for s in services_similar(text)] == [idea.pk]
    response = client.post(_url(submitted, "withdraw/"), {"confirm": "on"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.withdrawn_at is not None
    assert StageVisit.objects.filter(idea=idea, left_at=None).count() == 0
    assert Event.objects.filter(idea=idea, kind=Event.Kind.WITHDRAWN, is_public=True).exists()
    assert client.get(f"/en/ideas/{idea.pk}/").status_code == 404
    assert services_similar(text) == []
    assert "Withdrawn" in client.get(_url(submitted)).content.decode()  # the submitter still sees it


def services_similar(text):
    from framja.ideas import matching

    return matching.similar_ideas(text)


def test_removing_personal_data_keeps_the_idea(client, submitted, django_capture_on_commit_callbacks):
    idea = submitted.idea
    response = client.post(_url(submitted, "remove-personal-data/"), {"confirm": "on"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.submitter_name, idea.submitter_email, idea.consent_text) == ("", "", "")
    assert idea.consented_at is None
    assert idea.anonymised_at is not None
    assert idea.withdrawn_at is None
    assert client.get(f"/en/ideas/{idea.pk}/").status_code == 200
    assert Event.objects.filter(idea=idea, kind=Event.Kind.ANONYMISED).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_submitter(idea, subject="News", body="Something happened") is None
    assert mail.outbox == []
    html = client.get(_url(submitted)).content.decode()
    assert "alva@example.org" not in html
    assert "Removed at your request" in html
    # the audit log never held the address in clear
    assert "alva@example.org" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_notify_submitter_respects_consent_to_news(submitted, django_capture_on_commit_callbacks):
    idea = submitted.idea
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.notify_submitter(idea, subject="Nytt beslut", body="Idén går vidare.")
    assert queued is not None
    assert queued.to == "alva@example.org"
    assert queued.language == "en"
    Idea.objects.filter(pk=idea.pk).update(notify_submitter=False)
    idea.refresh_from_db()
    assert services.notify_submitter(idea, subject="x", body="y") is None


def test_notify_submitter_with_a_template_renders_in_the_submitters_language(submitted):
    queued = services.notify_submitter(submitted.idea, template="idea_withdrawn", context={"url": "https://x"})
    assert queued is not None
    assert submitted.idea.reference in queued.subject
    assert OutboundEmail.objects.filter(pk=queued.pk, language="en").exists()


# --- the same through the API -----------------------------------------------------------------


def test_api_status_and_actions(client, submitted):
    base = f"/api/v1/ideas/status/{submitted.status_token}"
    body = client.get(base).json()
    assert body["idea"]["reference"] == submitted.idea.reference
    assert body["timeline"][0]["kind"] == "submitted"
    assert "alva@example.org" not in str(body)

    added = client.post(f"{base}/information", {"text": "Mer info"}, content_type="application/json")
    assert added.status_code == 201
    assert added.json()["information"][0]["text"] == "Mer info"

    anonymised = client.post(f"{base}/anonymise", content_type="application/json")
    assert anonymised.json()["anonymised"] is True

    withdrawn = client.post(f"{base}/withdraw", content_type="application/json")
    assert withdrawn.json()["idea"]["withdrawn"] is True
    assert client.get("/api/v1/ideas/status/wrong").status_code == 404


def test_api_information_validation(client, submitted):
    response = client.post(
        f"/api/v1/ideas/status/{submitted.status_token}/information", {"text": ""}, content_type="application/json"
    )
    assert response.status_code == 422
