"""Fixtures of the accounts tests: places to serve, staff, API clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import translate_url
from django.utils import translation

from framja.accounts.models import ApiToken, User
from framja.places.models import Municipality
from tests.factories import CountyFactory, MunicipalityFactory, UserFactory


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (a request to /en/ leaves English active)."""
    with translation.override("sv"):
        yield


def english(url: str) -> str:
    """The English version of a page's URL: assert English source texts there, not on Swedish pages."""
    return translate_url(url, "en")


@pytest.fixture
def places(db) -> dict[str, Municipality]:
    """A few municipalities, including the code 1860 that exists in both countries."""
    jamtland = CountyFactory.create(country="SE", code="23", name="Jämtlands län")
    orebro = CountyFactory.create(country="SE", code="18", name="Örebro län")
    nordland = CountyFactory.create(country="NO", code="18", name="Nordland")
    trondelag = CountyFactory.create(country="NO", code="50", name="Trøndelag")
    return {
        "ostersund": MunicipalityFactory.create(country="SE", code="2380", name="Östersund", county=jamtland),
        "are": MunicipalityFactory.create(country="SE", code="2321", name="Åre", county=jamtland),
        "laxa": MunicipalityFactory.create(country="SE", code="1860", name="Laxå", county=orebro),
        "vestvagoy": MunicipalityFactory.create(country="NO", code="1860", name="Vestvågøy", county=nordland),
        "trondheim": MunicipalityFactory.create(country="NO", code="5001", name="Trondheim", county=trondelag),
    }


@pytest.fixture
def staff(db) -> User:
    return UserFactory.create(username="staff", is_staff=True)


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def token_client() -> Callable[[User], Client]:
    """A client that sends a fresh personal API token of `user`."""

    def make(user: User) -> Client:
        _token, raw = ApiToken.issue(user=user, name="test")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make
