"""Equality fixtures: efforts with snapshots written directly (the support log's snapshot rules
have their own tests), so each test states exactly the population it attacks; the effort rollup
is recounted for them as the support services do on every write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from django.test import Client

from framja.accounts.models import Organisation, Role, User
from framja.support import rollup
from framja.support.models import Company, Effort
from tests.factories import MembershipFactory, UserFactory

_numbers = count(1)


def add_clients(
    organisation: Organisation,
    n: int,
    *,
    gender: str = "",
    leadership: str = "",
    age_band: str = "",
    background: str = "",
    given_on: date = date(2026, 2, 10),
    hours: int = 2,
    amount: int | None = None,
    currency: str = "",
    municipality=None,
    efforts: int = 1,
) -> list[Company]:
    """`n` client companies, each with `efforts` efforts of the given snapshot."""
    companies = []
    for _ in range(n):
        company = Company.objects.create(name=f"Kund {next(_numbers)} AB", country="SE")
        company.client_of.add(organisation)
        for _ in range(efforts):
            Effort.objects.create(
                organisation=organisation,
                company=company,
                given_on=given_on,
                kind="advice",
                hours=Decimal(hours),
                amount=amount,
                currency=currency,
                snapshot_gender=gender,
                snapshot_leadership_team=leadership,
                snapshot_age_band=age_band,
                snapshot_foreign_background=background,
                snapshot_municipality=municipality,
            )
        rollup.recount(clients=[company.pk * 2])
        companies.append(company)
    return companies


@pytest.fixture
def coordinator(organisation) -> User:
    user = UserFactory.create(username="coordinator")
    MembershipFactory.create(user=user, organisation=organisation, role=Role.COORDINATOR)
    return user


@pytest.fixture
def adviser_client(organisation) -> Client:
    user = UserFactory.create(username="adviser")
    MembershipFactory.create(user=user, organisation=organisation, role=Role.ADVISER)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coordinator_client(coordinator) -> Client:
    client = Client()
    client.force_login(coordinator)
    return client
