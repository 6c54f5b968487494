"""Support-log fixtures: an adviser of `organisation`, a client company and person of it."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from framja.accounts.models import Organisation, Role, User
from framja.support import services
from framja.support.models import Company, Person
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory

#: Valid organisation numbers (check digits right).
SWEDISH_NUMBER = "556036-0793"
OTHER_SWEDISH_NUMBER = "5560125790"
NORWEGIAN_NUMBER = "923609016"


@pytest.fixture
def adviser(organisation) -> User:
    user = UserFactory.create(username="adviser")
    MembershipFactory.create(user=user, organisation=organisation, role=Role.ADVISER)
    return user


@pytest.fixture
def adviser_client(adviser) -> Client:
    client = Client()
    client.force_login(adviser)
    return client


@pytest.fixture
def outsider_adviser(other_organisation) -> User:
    user = UserFactory.create(username="outsider-adviser")
    MembershipFactory.create(user=user, organisation=other_organisation, role=Role.ADVISER)
    return user


def make_company(organisation: Organisation, **fields) -> Company:
    defaults = {"country": "SE", "organisation_number": SWEDISH_NUMBER, "name": "Fjällbageriet AB"}
    company, _created = services.company_register(organisation=organisation, **{**defaults, **fields})
    return company


def make_person(organisation: Organisation, **fields) -> Person:
    return services.person_create(organisation=organisation, **{"name": "Karin Berg", **fields})


def give_demographics(person: Person, by: User, **values) -> None:
    services.demographics_record(
        person=person,
        by=by,
        purpose="Uppföljning av jämlikt stöd",
        given_on=date(2026, 1, 10),
        **{"gender": "woman", "birth_year": 1985, "foreign_background": "no", **values},
    )


@pytest.fixture
def company(organisation) -> Company:
    return make_company(organisation, municipality=MunicipalityFactory.create(code="2380", name="Östersund"))


@pytest.fixture
def person(organisation) -> Person:
    return make_person(organisation)
