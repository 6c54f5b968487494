"""The dashboard page: who sees it, what it shows, that small groups stay hidden and that
every read is audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from framja.audit.models import AuditEntry
from framja.disclosure import HIDDEN_MARK
from framja.equality.models import ReferenceShare
from tests.equality.conftest import add_clients

pytestmark = pytest.mark.django_db


def url(organisation, **query) -> str:
    base = reverse("equality-dashboard", args=[organisation.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_anonymous_is_sent_to_sign_in(client, organisation):
    response = client.get(url(organisation))
    assert response.status_code == 302


def test_outsider_member_and_adviser_get_404(outsider_client, member_client, adviser_client, organisation):
    for visitor in (outsider_client, member_client, adviser_client):
        assert visitor.get(url(organisation)).status_code == 404


def test_admin_sees_shares_beside_the_reference_with_the_gap(owner_client, organisation):
    add_clients(organisation, 6, gender="woman")
    add_clients(organisation, 14, gender="man")
    ReferenceShare.objects.create(organisation=organisation, dimension="gender", category="woman", share=40)
    response = owner_client.get(url(organisation))
    assert response.status_code == 200
    gender = next(t for t in response.context["result"].tables if t.dimension == "gender")
    woman = next(r for r in gender.rows if r.category == "woman")
    assert woman.people == 6
    assert float(woman.shares["people"]) == pytest.approx(0.3)
    assert float(woman.gap) == pytest.approx(-10)
    assert "−10,0" in response.content.decode() or "-10,0" in response.content.decode()


def test_a_cell_of_fewer_than_five_clients_is_a_dash_and_its_partner_too(coordinator_client, organisation):
    add_clients(organisation, 3, gender="non_binary")
    add_clients(organisation, 20, gender="woman")
    add_clients(organisation, 30, gender="man")
    response = coordinator_client.get(url(organisation))
    gender = next(t for t in response.context["result"].tables if t.dimension == "gender")
    by = {r.category: r for r in gender.rows}
    assert by["non_binary"].people is None
    # A one-column table: the total would give the hidden cell away, unless another cell hides too.
    hidden = [r.category for r in gender.rows if r.people is None]
    assert len(hidden) >= 2
    total = by["total"].people
    shown = sum(r.people for r in gender.rows if not r.is_total and r.people is not None)
    assert total is None or total - shown >= 5 or total - shown == 0
    assert HIDDEN_MARK in response.content.decode()
    assert ">3<" not in response.content.decode()


def test_a_filter_of_fewer_than_five_clients_is_refused_with_a_message(owner_client, organisation):
    add_clients(organisation, 3, gender="woman", given_on=date(2026, 1, 5))
    add_clients(organisation, 20, gender="man", given_on=date(2026, 3, 5))
    response = owner_client.get(url(organisation, period="2026-01"))
    assert response.status_code == 200
    assert response.context["result"].refused == "too_few"
    assert "färre än 5" in response.content.decode()
    assert not response.context["result"].tables


def test_differencing_two_overlapping_filters_is_refused(owner_client, organisation):
    """January alone has 20 clients, the quarter 23: the quarter minus January would be 3 people."""
    add_clients(organisation, 20, gender="woman", given_on=date(2026, 1, 5))
    add_clients(organisation, 3, gender="man", given_on=date(2026, 2, 5))
    add_clients(organisation, 30, gender="man", given_on=date(2026, 6, 5))
    response = owner_client.get(url(organisation, period="2026-01"))
    assert response.context["result"].refused == "difference_too_few"
    # The quarter itself may be shown (the year minus it is 30): January is the one refused.
    response = owner_client.get(url(organisation, period="2026-Q1"))
    assert response.context["result"].refused is None


def test_a_cell_a_few_short_of_the_wider_filter_is_hidden(owner_client, organisation):
    """The quarter has 12 women, the year 14: the 2 women outside the quarter must not show."""
    add_clients(organisation, 12, gender="woman", given_on=date(2026, 2, 5))
    add_clients(organisation, 2, gender="woman", given_on=date(2026, 8, 5))
    add_clients(organisation, 20, gender="man", given_on=date(2026, 2, 5))
    add_clients(organisation, 20, gender="man", given_on=date(2026, 8, 5))
    response = owner_client.get(url(organisation, period="2026-Q1"))
    result = response.context["result"]
    assert result.refused is None
    gender = next(t for t in result.tables if t.dimension == "gender")
    woman = next(r for r in gender.rows if r.category == "woman")
    assert woman.people is None


def test_every_read_is_audited_once_with_the_filter(owner_client, organisation):
    add_clients(organisation, 10, gender="woman")
    before = AuditEntry.objects.filter(action=AuditEntry.Action.READ).count()
    owner_client.get(url(organisation, period="2026"))
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.READ).order_by("pk")
    assert entries.count() == before + 1
    entry = entries.get(pk=entries.last().pk)  # type: ignore[union-attr]
    assert entry.organisation_id == organisation.pk
    assert "page" in str(entry.changes)
    assert "period=2026" in str(entry.changes)


def test_bad_period_is_a_translated_form_error(owner_client, organisation):
    response = owner_client.get(url(organisation, period="2026-13"))
    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.context["form"].errors["period"]


def test_breakdown_by_quarter_hides_small_quarters(owner_client, organisation):
    add_clients(organisation, 10, gender="woman", given_on=date(2026, 2, 5))
    add_clients(organisation, 10, gender="man", given_on=date(2026, 2, 5))
    add_clients(organisation, 12, gender="man", given_on=date(2026, 5, 5))
    add_clients(organisation, 2, gender="woman", given_on=date(2026, 11, 5))
    response = owner_client.get(url(organisation, period="2026", breakdown="period", dimension="gender"))
    breakdown = response.context["result"].breakdown
    columns = {c.value: c for c in breakdown.columns}
    assert columns["2026-Q4"].refused is not None
    q1 = {r.category: r for r in columns["2026-Q1"].table.rows}
    # The year has 12 women, Q1 10: the 2 of Q4 could be subtracted, so Q1's women are hidden.
    assert q1["woman"].people is None
    assert None in (q1["man"].people, q1["total"].people)  # and it cannot be taken from the total
    assert columns["2026-Q2"].table is not None
    assert columns["2026-Q2"].table is not None
