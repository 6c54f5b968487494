"""POST /api/v1/ideas under a cut database connection and with `Idempotency-Key` (issue 7 item 4).

The answer of a submission is built before the commit, so a connection that dies right after
the commit no longer turns a stored idea into a 500; and a retry with the same key returns the
first answer (with the same private status link) and stores nothing.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.models import F

from framja.accounts.models import ApiToken
from framja.ideas.models import Idea
from framja.ideas.services import public as public_services
from framja.idempotency.models import StoredAnswer
from tests.factories import CountyFactory, MunicipalityFactory, UserFactory
from tests.ideas.test_submit import _form

API = "/api/v1/ideas"


@pytest.fixture
def municipality(db):
    county = CountyFactory.create(country="SE", code="23", name="Jämtlands län")
    return MunicipalityFactory.create(country="SE", code="2380", name="Östersund", county=county)


@pytest.fixture
def quiet(db, monkeypatch, similarity_snapshot):
    """A published (empty) similarity snapshot of this test's own and no duplicate-candidate
    job. Rate-limit counters start empty in every test (tests/conftest.py); the cache is never
    cleared here: on Redis that would empty parallel workers' counters too."""
    from framja.ideas import matching
    from framja.ideas.services import public

    matching.reset()
    monkeypatch.setattr(public, "schedule_candidate_refresh", lambda idea_id: None, raising=False)
    yield
    matching.reset()


def _payload(**extra):
    data = {
        "title": "Cykelparkering vid stationen",
        "description": "Fler säkra cykelställ med tak vid resecentrum.",
        "municipality": "2380",
        "email": "alva@example.org",
        "consent": True,
    }
    data.update(extra)
    return data


def _post(client, payload, key=None, **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(API, payload, content_type="application/json", **headers)


@pytest.mark.usefixtures("quiet")
def test_retry_with_same_key_returns_first_answer_and_stores_nothing(client, municipality):
    first = _post(client, _payload(), key="7f0c-retry-1")
    assert first.status_code == 201
    again = _post(client, _payload(), key="7f0c-retry-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.json()["status_url"]  # the anonymous submitter still gets the private link
    assert Idea.objects.count() == 1


@pytest.mark.usefixtures("quiet")
def test_same_key_with_another_body_is_422(client, municipality):
    assert _post(client, _payload(), key="k-1").status_code == 201
    response = _post(client, _payload(title="Ett annat förslag"), key="k-1")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert Idea.objects.count() == 1


@pytest.mark.usefixtures("quiet")
def test_without_key_each_request_creates(client, municipality):
    assert _post(client, _payload()).status_code == 201
    assert _post(client, _payload()).status_code == 201
    assert Idea.objects.count() == 2


@pytest.mark.usefixtures("quiet")
def test_keys_are_scoped_to_the_caller(client, municipality):
    user = UserFactory.create()
    _token, raw = ApiToken.create_for(user, name="t") if hasattr(ApiToken, "create_for") else (None, None)
    if raw is None:
        from framja.accounts.services import api_token_create

        _token, raw = api_token_create(user=user, name="t")
    assert _post(client, _payload(), key="shared").status_code == 201
    signed_in = _post(client, _payload(), key="shared", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert signed_in.status_code == 201
    assert signed_in.json()["status_url"] != ""
    assert Idea.objects.count() == 2


@pytest.mark.usefixtures("quiet")
def test_key_expires_after_a_day(client, municipality):
    assert _post(client, _payload(), key="old").status_code == 201
    StoredAnswer.objects.update(created_at=StoredAnswer.objects.get().created_at - timedelta(hours=25))
    assert _post(client, _payload(), key="old").status_code == 201
    assert Idea.objects.count() == 2


@pytest.mark.usefixtures("quiet")
@pytest.mark.parametrize("key", ["", "x" * 256, "nyckel-ä"])
def test_malformed_key_is_422(client, municipality, key):
    response = _post(client, _payload(), key=key)
    assert response.status_code == 422
    assert Idea.objects.count() == 0


def _cut_connection_after_commit():
    """Kill this request's database connection as soon as the submission commits: on PostgreSQL
    by pg_terminate_backend from a second connection, elsewhere by failing every later query."""
    if connection.vendor == "postgresql":
        pid = connection.connection.info.backend_pid

        def cut():
            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            finally:
                other.close()
    else:

        def fail(execute, sql, params, many, context):
            raise OperationalError("connection lost (simulated)")

        def cut():
            connection.execute_wrappers.append(fail)

    transaction.on_commit(cut)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("quiet")
def test_submission_committed_before_connection_cut_is_answered_201(client, monkeypatch, municipality):
    real_submit = public_services.idea_submit

    def submit_then_cut(**kwargs):
        result = real_submit(**kwargs)
        _cut_connection_after_commit()
        return result

    monkeypatch.setattr(public_services, "idea_submit", submit_then_cut)
    try:
        response = _post(client, _payload(), key="cut-1")
    finally:
        connection.execute_wrappers[:] = []
        connection.close()
    assert response.status_code == 201
    assert response.json()["status_url"]
    monkeypatch.setattr(public_services, "idea_submit", real_submit)
    retry = _post(client, _payload(), key="cut-1")
    assert retry.json() == response.json()
    assert Idea.objects.count() == 1


# --- the submission page: the same under a cut connection, and a one-time form key ------------

PAGE = "/en/ideas/submit/"


def _form_key(client) -> str:
    found = re.search(r'name="submission_key" value="([0-9a-f]{32})"', client.get(PAGE).content.decode())
    assert found, "the submission form carries a one-time key"
    return found.group(1)


def _post_page_then_cut(client, monkeypatch, data):
    real_submit = public_services.idea_submit

    def submit_then_cut(**kwargs):
        result = real_submit(**kwargs)
        _cut_connection_after_commit()
        return result

    monkeypatch.setattr(public_services, "idea_submit", submit_then_cut)
    try:
        return client.post(PAGE, data)
    finally:
        connection.execute_wrappers[:] = []
        connection.close()
        monkeypatch.setattr(public_services, "idea_submit", real_submit)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("quiet")
def test_page_submission_committed_before_connection_cut_shows_its_receipt(client, monkeypatch, municipality):
    response = _post_page_then_cut(client, monkeypatch, _form(municipality, submission_key=_form_key(client)))
    assert response.status_code == 302
    assert response["Location"].endswith("/ideas/submitted/")
    idea = Idea.objects.get()
    receipt = client.get(response["Location"]).content.decode()
    assert idea.reference in receipt
    assert "/ideas/status/" in receipt  # the private status link, shown once


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("quiet")
def test_signed_in_page_submission_with_a_due_session_renewal_survives_a_cut_connection(
    client, monkeypatch, municipality
):
    from framja.accounts.middleware import LAST_SEEN

    client.force_login(UserFactory.create())
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 600  # renewed by this request: a session write
    session.save()
    data = _form(municipality, submission_key=_form_key(client))
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 600
    session.save()
    response = _post_page_then_cut(client, monkeypatch, data)
    assert response.status_code == 302
    assert Idea.objects.count() == 1
    assert client.get("/en/workspace/").status_code == 200  # still signed in: the renewal was saved


@pytest.mark.usefixtures("quiet")
def test_sending_the_same_form_twice_stores_one_idea_and_shows_the_first_receipt(client, municipality):
    data = _form(municipality, submission_key=_form_key(client))
    first = client.post(PAGE, data)
    first_receipt = client.get(first["Location"]).content.decode()
    again = client.post(PAGE, data)  # the back button and "send" once more
    assert again.status_code == 302
    assert Idea.objects.count() == 1
    second_receipt = client.get(again["Location"]).content.decode()
    assert "This idea was already sent" in second_receipt
    status_link = re.search(r"/ideas/status/[\w-]+/", first_receipt)
    assert status_link
    assert status_link.group(0) in second_receipt


@pytest.mark.usefixtures("quiet")
def test_two_forms_with_two_ideas_store_two_ideas(client, municipality):
    client.post(PAGE, _form(municipality, submission_key=_form_key(client)))
    client.post(PAGE, _form(municipality, submission_key=_form_key(client), title="Laddplatser vid stationen"))
    assert Idea.objects.count() == 2


@pytest.mark.usefixtures("quiet")
def test_the_same_idea_in_a_new_form_shows_the_first_receipt(client, municipality):
    """The back button re-fetches the form, with a new key, and the browser restores what was
    typed: sending it again is the same submission (issue 9.7, seen in Chromium)."""
    first = client.post(PAGE, _form(municipality, submission_key=_form_key(client)))
    first_receipt = client.get(first["Location"]).content.decode()
    # Only whitespace and the address's case differ, as a re-typed form may.
    again = client.post(
        PAGE,
        _form(
            municipality,
            submission_key=_form_key(client),
            title="  Cykelparkering  vid stationen",
            email="Alva@Example.org",
        ),
    )
    assert Idea.objects.count() == 1
    second_receipt = client.get(again["Location"]).content.decode()
    assert "This idea was already sent" in second_receipt
    status_link = re.search(r"/ideas/status/[\w-]+/", first_receipt)
    assert status_link
    assert status_link.group(0) in second_receipt


@pytest.mark.usefixtures("quiet")
def test_the_same_idea_to_another_municipality_or_an_hour_later_is_a_new_idea(client, municipality):
    client.post(PAGE, _form(municipality, submission_key=_form_key(client)))
    other = MunicipalityFactory.create(county=municipality.county)
    client.post(PAGE, _form(other, submission_key=_form_key(client)))
    assert Idea.objects.count() == 2
    StoredAnswer.objects.update(created_at=F("created_at") - timedelta(hours=1, minutes=1))
    client.post(PAGE, _form(municipality, submission_key=_form_key(client)))
    assert Idea.objects.count() == 3


@pytest.mark.usefixtures("quiet")
def test_the_same_idea_from_another_person_is_not_answered_with_the_first_receipt(client, municipality):
    """Another caller never gets someone else's receipt (it holds the private status link)."""
    first = client.post(PAGE, _form(municipality, submission_key=_form_key(client)), REMOTE_ADDR="192.0.2.10")
    first_receipt = client.get(first["Location"]).content.decode()
    status_link = re.search(r"/ideas/status/[\w-]+/", first_receipt)
    assert status_link
    client.cookies.clear()
    again = client.post(PAGE, _form(municipality, submission_key=_form_key(client)), REMOTE_ADDR="192.0.2.20")
    assert Idea.objects.count() == 2
    assert status_link.group(0) not in client.get(again["Location"]).content.decode()


@pytest.mark.usefixtures("quiet")
def test_a_tampered_form_key_still_submits_once(client, municipality):
    response = client.post(PAGE, _form(municipality, submission_key="ä" * 10))
    assert response.status_code == 302
    assert Idea.objects.count() == 1
