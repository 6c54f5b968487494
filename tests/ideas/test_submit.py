"""Submitting an idea through the page and the API: who receives it, its reference, mail,
attachments, consent, honeypot and rate limits."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from framja.accounts.models import ApiToken, Organisation, Role
from framja.ideas.models import Attachment, Event, Idea, Sluice, StageVisit
from framja.ideas.services import public as services
from framja.indexes.models import IndexChange
from framja.notifications.models import OutboundEmail
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, serve

pytestmark = pytest.mark.usefixtures("public_side")

SUBMIT = "/en/ideas/submit/"
API = "/api/v1/ideas"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(municipality, **extra):
    data = {
        "title": "Cykelparkering vid stationen",
        "description": "Fler säkra cykelställ med tak vid resecentrum, så att fler kan cykla till tåget.",
        "municipality": municipality.pk,
        "audience": "residents",
        "name": "Alva Andersson",
        "email": "alva@example.org",
        "consent": "on",
        "notify": "on",
        "website": "",
    }
    data.update(extra)
    return data


def _api_payload(**extra):
    data = {
        "title": "Cykelparkering vid stationen",
        "description": "Fler säkra cykelställ med tak vid resecentrum, så att fler kan cykla till tåget.",
        "municipality": "2380",
        "email": "alva@example.org",
        "consent": True,
    }
    data.update(extra)
    return data


# --- the page -------------------------------------------------------------------------------


def test_submit_page_asks_anonymous_visitors_for_email_and_consent(client, municipality):
    response = client.get(SUBMIT)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert 'name="email"' in html
    assert 'name="consent"' in html
    assert 'name="website"' in html  # honeypot
    assert "csrfmiddlewaretoken" in html
    assert 'hx-trigger="input changed delay:600ms"' in html
    assert "Östersund" in html  # every municipality is offered


def test_submit_page_for_signed_in_user_uses_the_account(member_client, municipality):
    html = member_client.get(SUBMIT).content.decode()
    assert 'name="email"' not in html
    assert 'name="consent"' not in html


def test_anonymous_submission_is_stored_received_and_mailed(
    client, municipality, municipal_coordinator, municipality_organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SUBMIT, _form(municipality))
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert re.fullmatch(rf"IDE-2380-{timezone.localdate().year}-0001", idea.reference)
    assert idea.receiving_organisation == municipality_organisation
    assert idea.sluice is not None
    assert idea.sluice.lead_organisation == municipality_organisation
    assert idea.stage is not None
    assert idea.stage.kind == "received"
    assert idea.submitter_email == "alva@example.org"
    assert idea.consent_text
    assert idea.consented_at
    assert idea.language == "en"
    assert StageVisit.objects.filter(idea=idea, left_at=None).count() == 1
    assert Event.objects.filter(idea=idea, kind=Event.Kind.SUBMITTED, is_public=True).exists()
    assert IndexChange.objects.filter(corpus="ideas", key=idea.pk, op="upsert").exists()

    receipt = client.get(response["Location"])
    assert idea.reference in receipt.content.decode()

    to_submitter = [m for m in mail.outbox if m.to == ["alva@example.org"]]
    to_coordinator = [m for m in mail.outbox if m.to == ["koordinator@ostersund.example"]]
    assert len(to_submitter) == 1
    assert len(to_coordinator) == 1
    link = re.search(r"https://framja\.test/en/ideas/status/([\w-]+)/", str(to_submitter[0].body))
    assert link, to_submitter[0].body
    assert idea.reference in to_submitter[0].subject
    assert client.get(f"/en/ideas/status/{link.group(1)}/").status_code == 200
    assert "/en/ideas/casework/" in to_coordinator[0].body  # in the coordinator's language
    assert OutboundEmail.objects.filter(sent_at__isnull=False).count() == 2


def test_missing_email_and_consent_are_form_errors(client, municipality):
    response = client.post(SUBMIT, _form(municipality, email="", consent=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert Idea.objects.count() == 0
    assert 'aria-describedby="id_email_helptext id_email_errors"' in html
    assert 'id="id_consent_errors"' in html


def test_signed_in_submission_records_the_account(
    member_client, member, municipality, django_capture_on_commit_callbacks
):
    data = _form(municipality)
    for field in ("name", "email", "consent"):
        data.pop(field)
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(SUBMIT, data)
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert idea.submitter == member
    assert idea.submitter_email == member.email
    assert [m.to for m in mail.outbox] == [[member.email]]  # no organisation: no coordinators yet


def test_honeypot_pretends_success_and_stores_nothing(client, municipality):
    response = client.post(SUBMIT, _form(municipality, website="http://spam.example"), follow=True)
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert Idea.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_anonymous_submissions_are_rate_limited(client, municipality):
    limit, _window = services.ANONYMOUS_SUBMITS
    for n in range(limit):
        assert client.post(SUBMIT, _form(municipality, title=f"Idé {n}")).status_code == 302
    response = client.post(SUBMIT, _form(municipality, title="En till"))
    assert response.status_code == 429
    assert "Too many ideas" in response.content.decode()
    assert Idea.objects.count() == limit


def test_pdf_attachment_is_stored_under_a_random_name(client, municipality):
    upload = SimpleUploadedFile("skiss.pdf", PDF, content_type="application/pdf")
    response = client.post(SUBMIT, {**_form(municipality), "attachments": [upload]})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "skiss.pdf"
    assert attachment.content_type == "application/pdf"
    assert "skiss" not in str(attachment.file.name)


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def test_several_attachments_of_allowed_types(client, municipality):
    files = [
        SimpleUploadedFile("plan.docx", _docx()),
        SimpleUploadedFile("notes.txt", "Anteckningar om idén\n".encode()),
        SimpleUploadedFile("bild.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
    ]
    assert client.post(SUBMIT, {**_form(municipality), "attachments": files}).status_code == 302
    assert sorted(Attachment.objects.values_list("original_name", flat=True)) == ["bild.png", "notes.txt", "plan.docx"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("program.exe", b"MZ\x90\x00", "is not an accepted type"),
        ("faktura.pdf", b"MZ\x90\x00 not a pdf", "does not contain what its name says"),
        ("plan.docx", b"PK\x03\x04broken", "does not contain what its name says"),
        ("tom.txt", b"", "is empty"),
    ],
)
def test_attachment_of_wrong_type_is_refused(client, municipality, name, content, message):
    upload = SimpleUploadedFile(name, content)
    response = client.post(SUBMIT, {**_form(municipality), "attachments": [upload]})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Idea.objects.count() == 0


def test_attachment_over_10_mb_is_refused(client, municipality):
    upload = SimpleUploadedFile("stor.pdf", PDF + b"0" * (10 * 1024 * 1024))
    response = client.post(SUBMIT, {**_form(municipality), "attachments": [upload]})
    assert "larger than 10 MB" in response.content.decode()
    assert Idea.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_submit_page_rejects_other_methods(client):
    assert client.put(SUBMIT).status_code == 405


# --- who receives the idea, and its reference -------------------------------------------------


def test_references_count_up_per_municipality_and_year(municipality, norway):
    first = services.idea_submit(
        title="A", description="a", municipality=municipality, email="a@example.org", consent=True
    )
    second = services.idea_submit(
        title="B", description="b", municipality=municipality, email="b@example.org", consent=True
    )
    other = services.idea_submit(title="C", description="c", municipality=norway, email="c@example.org", consent=True)
    year = timezone.localdate().year
    assert first.idea.reference == f"IDE-2380-{year}-0001"
    assert second.idea.reference == f"IDE-2380-{year}-0002"
    assert other.idea.reference == f"IDE-5001-{year}-0001"


def test_reference_clash_with_a_concurrent_submission_takes_the_next_number(municipality, monkeypatch):
    taken = services.idea_submit(
        title="A", description="a", municipality=municipality, email="a@example.org", consent=True
    )
    calls = []
    real = services._next_reference

    def stale_then_real(place, year):
        calls.append(1)
        return taken.idea.reference if len(calls) == 1 else real(place, year)  # as if read before the other commit

    monkeypatch.setattr(services, "_next_reference", stale_then_real)
    second = services.idea_submit(
        title="B", description="b", municipality=municipality, email="b@example.org", consent=True
    )
    assert second.idea.reference.endswith("-0002")
    assert len(calls) == 2


def test_same_code_in_both_countries_gets_distinct_references(laxa, norway):
    vestvagoy = norway.__class__.objects.get(country="NO", code="1860")
    se = services.idea_submit(title="A", description="a", municipality=laxa, email="a@example.org", consent=True)
    no = services.idea_submit(title="B", description="b", municipality=vestvagoy, email="b@example.org", consent=True)
    assert se.idea.reference != no.idea.reference


def test_sluice_organisation_serving_the_municipality_receives_when_it_has_no_own(municipality):
    skaraborg: Organisation = OrganisationFactory.create(name="Skaraborgs idésluss", kind=Organisation.Kind.OTHER)
    serve(skaraborg, municipality)
    Sluice.create_default(lead_organisation=skaraborg)
    region: Organisation = OrganisationFactory.create(name="Region Jämtland", kind=Organisation.Kind.REGION)
    serve(region, municipality)
    idea = services.idea_submit(
        title="A", description="a", municipality=municipality, email="a@example.org", consent=True
    ).idea
    assert idea.receiving_organisation == skaraborg
    assert idea.sluice is not None
    assert idea.sluice.lead_organisation == skaraborg


def test_region_receives_when_no_municipality_or_sluice_organisation(municipality):
    region: Organisation = OrganisationFactory.create(name="Region Jämtland", kind=Organisation.Kind.REGION)
    serve(region, municipality)
    idea = services.idea_submit(
        title="A", description="a", municipality=municipality, email="a@example.org", consent=True
    ).idea
    assert idea.receiving_organisation == region
    assert Sluice.objects.filter(lead_organisation=region).count() == 1
    second = services.idea_submit(
        title="B", description="b", municipality=municipality, email="b@example.org", consent=True
    )
    assert second.idea.sluice == idea.sluice  # created once, then reused


def test_without_any_organisation_platform_staff_hear_of_it(municipality, django_capture_on_commit_callbacks):
    UserFactory(username="staff", email="staff@framja.example", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        idea = services.idea_submit(
            title="A", description="a", municipality=municipality, email="a@example.org", consent=True
        ).idea
    assert idea.receiving_organisation is None
    assert idea.stage is None
    with translation.override("en"):
        assert idea.stage_label == "Received"
    assert ["staff@framja.example"] in [m.to for m in mail.outbox]


def test_no_mail_leaves_when_the_transaction_rolls_back(municipality, django_capture_on_commit_callbacks):
    with (  # noqa: PT012
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError, match="later"),
        transaction.atomic(),
    ):
        services.idea_submit(title="A", description="a", municipality=municipality, email="a@example.org", consent=True)
        raise RuntimeError("something later failed")
    assert Idea.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


# --- the API ---------------------------------------------------------------------------------


def test_api_anonymous_submission_answers_201_with_idea_and_similar(client, municipality, make_idea):
    make_idea(
        title="Cykelparkering vid resecentrum", description="Säkra cykelställ med tak vid stationen för pendlare."
    )
    response = client.post(API, _api_payload(), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("IDE-2380-")
    assert body["stage"] == "received"
    assert body["municipality"] == {
        "code": "2380",
        "country": "SE",
        "qualified_code": "SE-2380",
        "name": "Östersund",
    }
    assert body["status_url"].startswith("https://framja.test/")
    assert body["similar"]
    assert set(body["similar"][0]) >= {"id", "reference", "title", "municipality", "stage", "score"}
    assert "email" not in response.content.decode().replace('"email"', "")  # no personal data keys
    assert "alva@example.org" not in response.content.decode()


def test_api_ambiguous_municipality_code_is_422_on_the_field(client, laxa, norway):
    response = client.post(API, _api_payload(municipality="1860"), content_type="application/json")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["body", "municipality"]
    assert "SE-1860" in detail[0]["msg"]
    assert Idea.objects.count() == 0


def test_api_country_qualified_code_picks_the_right_municipality(client, laxa, norway):
    response = client.post(API, _api_payload(municipality="NO-1860"), content_type="application/json")
    assert response.status_code == 201
    assert response.json()["municipality"]["name"] == "Vestvågøy"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"municipality": "9999"}, "municipality"),
        ({"municipality": "abc"}, "municipality"),
        ({"consent": False}, "consent"),
        ({"email": ""}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"tags": ["no-such-tag"]}, "tags"),
        ({"audience": "martians"}, "audience"),
    ],
)
def test_api_bad_input_is_422_naming_the_field(client, municipality, changes, field):
    response = client.post(API, _api_payload(**changes), content_type="application/json")
    assert response.status_code == 422, response.content
    assert field in str(response.json()["detail"])
    assert Idea.objects.count() == 0


def test_api_tags_by_short_name(client, municipality):
    response = client.post(API, _api_payload(tags=["sdg-11", "mobility-transport"]), content_type="application/json")
    assert response.status_code == 201
    assert {t["slug"] for t in response.json()["tags"]} == {"sdg-11", "mobility-transport"}


def test_api_submission_with_token_is_the_accounts(client, member, municipality):
    _token, raw = ApiToken.issue(user=member, name="test")
    payload = _api_payload()
    payload.pop("email")
    payload.pop("consent")
    response = client.post(API, payload, content_type="application/json", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 201
    assert Idea.objects.get().submitter == member


def test_api_invalid_token_is_401(client, municipality):
    response = client.post(
        API, _api_payload(), content_type="application/json", headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/{pk}", None),
        ("get", "/similar?text=cykelbana", None),
        ("post", "/{pk}/supports", {"email": "a@example.org"}),
        ("get", "", None),
    ],
)
def test_api_a_bad_token_is_401_everywhere_never_anonymous(client, idea, method, path, body):
    """One authentication for the whole ideas API: an unknown token is refused, not read as "nobody"."""
    url = API + path.format(pk=idea.pk)
    headers = {"Authorization": "Bearer nope"}
    if body is None:
        response = getattr(client, method)(url, headers=headers)
    else:
        response = getattr(client, method)(url, body, content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert client.get(API + f"/{idea.pk}").status_code == 200  # without a token the idea is public


def test_api_session_submission_needs_the_csrf_token(member, municipality):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(API, _api_payload(), content_type="application/json")
    assert response.status_code == 403
    assert Idea.objects.count() == 0


def test_api_honeypot_stores_nothing(client, municipality):
    response = client.post(API, _api_payload(website="x"), content_type="application/json")
    assert response.status_code == 202
    assert Idea.objects.count() == 0


def test_api_anonymous_rate_limit_is_shared_with_the_page(client, municipality):
    limit, _window = services.ANONYMOUS_SUBMITS
    for n in range(limit - 1):
        assert client.post(API, _api_payload(title=f"Idé {n}"), content_type="application/json").status_code == 201
    assert client.post(SUBMIT, _form(municipality)).status_code == 302
    response = client.post(API, _api_payload(title="En till"), content_type="application/json")
    assert response.status_code == 429
    assert "detail" in response.json()


def test_api_signed_in_submissions_are_not_rate_limited(client, member, municipality):
    _token, raw = ApiToken.issue(user=member, name="test")
    for n in range(services.ANONYMOUS_SUBMITS[0] + 2):
        response = client.post(
            API,
            {"title": f"Idé {n}", "description": "d", "municipality": "2380"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"},
        )
        assert response.status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        "{}",
        "[]",
        "null",
        '{"title": 5, "description": [], "municipality": {}}',
        '{"title": "' + "x" * 5000 + '", "description": "d", "municipality": "2380"}',
        '{"title": "\\u0000", "description": "\\ud800", "municipality": "2380", "email": "a@b.se", "consent": true}',
        "not json",
    ],
)
def test_api_odd_input_never_500(client, municipality, body):
    response = client.post(API, body, content_type="application/json")
    assert 400 <= response.status_code < 500


def test_coordinator_mail_goes_to_admins_and_coordinators_only(
    municipality, municipality_organisation, django_capture_on_commit_callbacks
):
    admin = UserFactory(username="kadmin", email="admin@ostersund.example")
    MembershipFactory(user=admin, organisation=municipality_organisation, role=Role.ADMIN)
    plain = UserFactory(username="kmember", email="member@ostersund.example")
    MembershipFactory(user=plain, organisation=municipality_organisation, role=Role.MEMBER)
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_submit(title="A", description="a", municipality=municipality, email="a@example.org", consent=True)
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {"a@example.org", "admin@ostersund.example"}


def test_submitted_at_is_now(municipality):
    idea = services.idea_submit(
        title="A", description="a", municipality=municipality, email="a@example.org", consent=True
    ).idea
    assert timezone.now() - idea.created_at < timedelta(seconds=5)
    assert reverse("ideas-public-detail", args=[idea.pk]) in services.public_url(idea)


def test_collection_url_takes_post_from_anyone_and_get_only_from_casework(client, municipality):
    assert client.post(API, _api_payload(), content_type="application/json").status_code == 201
    assert client.get(API).status_code == 401  # the casework list at the same URL, no trailing slash


def test_agenda_2030_goals_exist_in_three_languages(db):
    from framja.ideas.models import Tag

    goals = Tag.objects.filter(kind=Tag.Kind.SDG).order_by("number")
    assert [goal.number for goal in goals] == list(range(1, 18))
    eleven = goals.get(number=11)
    assert (eleven.name_sv, eleven.name_nb, eleven.name_en) == (
        "Hållbara städer och samhällen",
        "Bærekraftige byer og lokalsamfunn",
        "Sustainable cities and communities",
    )
    with translation.override("nb"):
        assert eleven.display_name == "11. Bærekraftige byer og lokalsamfunn"
    assert Tag.objects.filter(kind=Tag.Kind.TOPIC).count() >= 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_consecutive_references(municipality, municipality_organisation):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL")
    workers = 4
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def submit(n: int) -> None:
        try:
            barrier.wait()
            services.idea_submit(
                title=f"Idé {n}", description="d", municipality=municipality, email=f"p{n}@example.org", consent=True
            )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in Idea.objects.values_list("reference", flat=True))
    assert numbers == list(range(1, workers + 1))
    assert Sluice.objects.filter(lead_organisation=municipality_organisation).count() == 1
