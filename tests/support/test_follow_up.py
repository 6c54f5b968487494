"""Clients to follow up: an effort's follow-up date, the list of those due, and the workspace
count; logging the client's next effort is the follow-up."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from framja.support import services
from framja.support.models import Effort
from tests.support.conftest import make_company

pytestmark = pytest.mark.django_db


def _log(organisation, **fields):
    return services.effort_log(organisation=organisation, kind="advice", **fields)


def test_an_effort_with_a_passed_follow_up_date_is_due(organisation, company):
    today = timezone.localdate()
    due = _log(organisation, company=company, given_on=today - timedelta(days=30), follow_up_on=today)
    assert list(Effort.objects.follow_up_due(today)) == [due]
    assert list(Effort.objects.follow_up_due(today - timedelta(days=1))) == []


def test_the_next_effort_for_the_client_is_the_follow_up(organisation, company, person):
    today = timezone.localdate()
    _log(organisation, company=company, given_on=today - timedelta(days=30), follow_up_on=today - timedelta(days=2))
    _log(organisation, person=person, given_on=today - timedelta(days=20), follow_up_on=today - timedelta(days=1))
    _log(organisation, company=company, given_on=today)
    assert [e.person for e in Effort.objects.follow_up_due(today)] == [person]


def test_another_organisations_effort_does_not_answer_ours(organisation, other_organisation, company):
    today = timezone.localdate()
    mine = _log(organisation, company=company, given_on=today - timedelta(days=9), follow_up_on=today)
    make_company(other_organisation)  # the same company becomes their client too
    _log(other_organisation, company=company, given_on=today)
    assert list(Effort.objects.of_organisation(organisation).follow_up_due(today)) == [mine]


def test_the_follow_up_comes_after_the_effort(organisation, company):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        _log(organisation, company=company, given_on=date(2026, 2, 3), follow_up_on=date(2026, 2, 3))
    assert "follow_up_on" in caught.value.message_dict


def test_the_effort_form_sets_the_follow_up(adviser_client, organisation, company):
    url = reverse("support-effort-create", args=[organisation.slug])
    adviser_client.post(
        url,
        {"company": company.pk, "kind": "advice", "given_on": "2026-02-03", "hours": "1", "follow_up_on": "2026-03-03"},
    )
    assert Effort.objects.get().follow_up_on == date(2026, 3, 3)


def test_the_list_and_the_workspace_show_clients_to_follow_up(adviser_client, organisation, company):
    today = timezone.localdate()
    _log(organisation, company=company, given_on=today - timedelta(days=30), follow_up_on=today)
    url = reverse("support-follow-up", args=[organisation.slug])
    html = adviser_client.get(url).content.decode()
    assert reverse("support-company-detail", args=[organisation.slug, company.pk]) in html
    workspace = adviser_client.get(reverse("workspace")).content.decode()
    assert "Kunder att följa upp" in workspace
    assert url in workspace


def test_the_list_is_for_casework_roles(outsider_client, member_client, client, organisation):
    url = reverse("support-follow-up", args=[organisation.slug])
    assert outsider_client.get(url).status_code == 404
    assert member_client.get(url).status_code == 404
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("rows", [1, 5])
def test_the_list_query_count_does_not_grow(adviser_client, organisation, adviser, rows, django_assert_num_queries):
    today = timezone.localdate()
    for n in range(rows):
        company = make_company(organisation, organisation_number="", name=f"Företag {n}")
        person = services.person_create(organisation=organisation, name=f"Person {n}")
        _log(
            organisation,
            company=company,
            person=person,
            adviser=adviser,
            given_on=today - timedelta(days=3),
            follow_up_on=today,
        )
    url = reverse("support-follow-up", args=[organisation.slug])
    adviser_client.get(url)  # warm the session and the navigation's caches
    with django_assert_num_queries(QUERIES_FOLLOW_UP):
        response = adviser_client.get(url)
    assert response.content.decode().count("Företag ") == rows


#: The session, the user, the memberships, the organisation, the menu's sluices (settings and
#: shared inbox) and the due efforts with their clients.
QUERIES_FOLLOW_UP = 6
