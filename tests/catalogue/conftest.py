"""Catalogue fixtures: an offering and events of `organisation` (owned by the `owner` persona)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from framja.accounts.models import Organisation, Role, User
from framja.catalogue.models import Event, Offering, OfferingType, RegistrationMode
from framja.places.models import Municipality
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


@pytest.fixture
def municipality(db) -> Municipality:
    return MunicipalityFactory.create(code="2380", name="Östersund")


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


def make_offering(organisation: Organisation, **fields) -> Offering:
    defaults = {
        "name_sv": "Rådgivning för nya företag",
        "name_nb": "Rådgivning for nye bedrifter",
        "name_en": "Advice for new businesses",
        "description_sv": "Kostnadsfri rådgivning om affärsplan och finansiering.",
        "offering_type": OfferingType.ADVICE,
        "stages": "idea start_up",
        "languages": "sv en",
    }
    offering = Offering.objects.create(organisation=organisation, **{**defaults, **fields})
    return offering


def make_event(organisation: Organisation, **fields) -> Event:
    start = (
        (timezone.now() + timedelta(days=3)).astimezone(STOCKHOLM).replace(hour=10, minute=0, second=0, microsecond=0)
    )
    defaults = {
        "title": "Frukostmöte om finansiering",
        "description": "Hur finansierar du din idé?",
        "start": start,
        "end": start + timedelta(hours=2),
        "venue": "Stadshuset, Rådhusgatan 42, Östersund",
    }
    event = Event(organiser=organisation, **{**defaults, **fields})
    event.full_clean()
    event.save()
    return event


@pytest.fixture
def offering(organisation, municipality) -> Offering:
    offering = make_offering(organisation)
    offering.area_municipalities.add(municipality)
    return offering


@pytest.fixture
def event(organisation) -> Event:
    return make_event(organisation)


@pytest.fixture
def small_event(organisation) -> Event:
    """Built-in registration with two places."""
    return make_event(
        organisation, title="Workshop: prissättning", registration_mode=RegistrationMode.BUILT_IN, capacity=2
    )


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)
