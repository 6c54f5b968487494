"""The support log's pages: the client list and a client's page, logging an effort, and the
referral inbox with its answer form; outsiders and plain members get 404, anonymous visitors
sign in first, and the workspace counts referrals to answer."""

from datetime import date

import pytest
from django.urls import reverse

from framja.support import services
from framja.support.models import Effort, Referral, ReferralStatus
from tests.support.conftest import make_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(organisation, other_organisation):
    theirs = make_company(other_organisation, country="NO", organisation_number="923609016", name="Fjellbakeriet AS")
    return services.referral_send(
        from_organisation=other_organisation, to_organisation=organisation, company=theirs, reason="Trenger lån"
    )


def _urls(organisation, company, referral):
    slug = organisation.slug
    return [
        reverse("support-clients", args=[slug]),
        reverse("support-company-detail", args=[slug, company.pk]),
        reverse("support-effort-create", args=[slug]),
        reverse("support-referrals", args=[slug]),
        reverse("support-referral-detail", args=[slug, referral.pk]),
    ]


def test_outsider_and_member_get_404(outsider_client, member_client, organisation, company, received):
    for url in _urls(organisation, company, received):
        assert outsider_client.get(url).status_code == 404, url
        assert member_client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_sign_in(client, organisation, company, received):
    for url in _urls(organisation, company, received):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_list_pages_reject_post(adviser_client, organisation, company):
    assert adviser_client.post(reverse("support-clients", args=[organisation.slug])).status_code == 405
    assert adviser_client.post(reverse("support-referrals", args=[organisation.slug])).status_code == 405


def test_client_list_and_detail_show_our_efforts(adviser_client, organisation, company, person):
    services.person_link_company(person=person, company=company, role="ceo")
    services.effort_log(
        organisation=organisation, company=company, given_on=date(2026, 2, 3), kind="advice", outcome="Affärsplan klar"
    )
    html = adviser_client.get(reverse("support-clients", args=[organisation.slug])).content.decode()
    assert "Fjällbageriet AB" in html
    assert "556036-0793" in html
    assert "Karin Berg" in html
    detail = adviser_client.get(reverse("support-company-detail", args=[organisation.slug, company.pk]))
    assert "Affärsplan klar" in detail.content.decode()


def test_another_organisations_client_is_404(adviser_client, organisation, other_organisation):
    theirs = make_company(other_organisation, organisation_number="5560125790", name="Deras AB")
    url = reverse("support-company-detail", args=[organisation.slug, theirs.pk])
    assert adviser_client.get(url).status_code == 404


def test_log_an_effort(adviser_client, organisation, company, adviser):
    url = reverse("support-effort-create", args=[organisation.slug])
    response = adviser_client.post(
        url,
        {
            "company": company.pk,
            "kind": "financing",
            "given_on": "2026-02-03",
            "hours": "1.5",
            "amount": "20000",
            "currency": "SEK",
            "adviser": adviser.pk,
            "outcome": "Lån beviljat",
        },
    )
    assert response.status_code == 302
    effort = Effort.objects.get()
    assert (effort.kind, effort.amount, effort.adviser) == ("financing", 20000, adviser)


def test_effort_errors_are_shown_in_swedish_and_nothing_is_saved(adviser_client, organisation, company):
    url = reverse("support-effort-create", args=[organisation.slug])
    response = adviser_client.post(url, {"kind": "financing", "given_on": "2026-02-03", "hours": "1", "amount": "5"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ange kunden: ett företag eller en person." in html
    assert not Effort.objects.exists()


def test_referral_inbox_answer_and_effort(owner_client, organisation, received, other_organisation):
    inbox = owner_client.get(reverse("support-referrals", args=[organisation.slug])).content.decode()
    assert "Fjellbakeriet AS" in inbox
    url = reverse("support-referral-detail", args=[organisation.slug, received.pk])
    assert owner_client.post(url, {"accept": "no"}).status_code == 200  # a decline needs a message
    assert Referral.objects.get().status == ReferralStatus.SENT
    assert owner_client.post(url, {"accept": "yes", "answer": "Vi ringer dem"}).status_code == 302
    assert Referral.objects.get().status == ReferralStatus.ACCEPTED
    create = reverse("support-effort-create", args=[organisation.slug]) + f"?referral={received.pk}"
    page = owner_client.get(create).content.decode()
    assert 'name="company"' not in page  # the client is the referral's
    response = owner_client.post(create, {"kind": "financing", "given_on": "2026-02-03", "hours": "1"})
    assert response.status_code == 302
    assert Referral.objects.get().status == ReferralStatus.COMPLETED


def test_the_sender_sees_the_outcome_but_cannot_answer(adviser_client, organisation, other_organisation, company):
    referral = services.referral_send(
        from_organisation=organisation, to_organisation=other_organisation, company=company, reason="Export"
    )
    services.referral_answer(referral=referral, by=None, accept=False, answer="Inte vårt område")
    url = reverse("support-referral-detail", args=[organisation.slug, referral.pk])
    html = adviser_client.get(url).content.decode()
    assert "Inte vårt område" in html
    assert 'name="accept"' not in html
    adviser_client.post(url, {"accept": "yes"})
    assert Referral.objects.get().status == ReferralStatus.DECLINED


def test_workspace_counts_referrals_to_answer(owner_client, organisation, received):
    html = owner_client.get(reverse("workspace")).content.decode()
    assert "Hänvisningar att besvara" in html
    assert reverse("support-referrals", args=[organisation.slug]) in html


def test_menu_shows_the_support_log_to_casework_roles_only(adviser_client, member_client, organisation):
    clients = reverse("support-clients", args=[organisation.slug])
    assert clients in adviser_client.get(reverse("workspace")).content.decode()
    assert clients not in member_client.get(reverse("workspace")).content.decode()


def test_person_page_shows_demographics_to_admins_only_and_audits_each_read(
    owner_client, adviser_client, organisation, person, owner
):
    from framja.audit.models import AuditEntry
    from tests.support.conftest import give_demographics

    give_demographics(person, owner, birth_year=1985, foreign_background="yes")
    url = reverse("support-person-detail", args=[organisation.slug, person.pk])
    html = adviser_client.get(url).content.decode()
    assert "Karin Berg" in html
    assert "Bara er organisations administratörer" in html
    assert "Uppföljning av jämlikt stöd" not in html
    assert not AuditEntry.objects.filter(action="read").exists()
    html = owner_client.get(url).content.decode()
    assert "Kvinna" in html
    assert "30–49" in html  # the band, never the year
    assert "1985" not in html
    assert AuditEntry.objects.filter(action="read", actor=owner).count() == 1


def test_another_organisations_person_is_404(outsider_client, other_organisation, person):
    url = reverse("support-person-detail", args=[other_organisation.slug, person.pk])
    assert outsider_client.get(url).status_code == 404
