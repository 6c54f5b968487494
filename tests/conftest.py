"""Shared fixtures. The personas every view test uses:

- owner: admin of `organisation`
- member: plain member of the same organisation
- outsider: admin of another organisation
- anonymous: not signed in (the default `client`)
"""

from __future__ import annotations

import pytest
from django.test import Client

from framja.accounts.models import Organisation, Role, User
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

# Browser fixtures (browser, page, visit, assert_accessible, login) for any test directory;
# page_parameters: the data that fills the URLs of the site-wide page checks.
pytest_plugins = ["tests.browser.fixtures", "tests.fixtures_pages"]


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Jobs run in this process when the test's transaction "commits" (django-tasks' immediate
    # backend, enqueued on commit), so tests see what a worker would do; tests/jobs/ run the
    # database backend and real worker processes.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def organisation(db) -> Organisation:
    return OrganisationFactory.create(name="Almi Mitt", organisation_number="5565945689")


@pytest.fixture
def other_organisation(db) -> Organisation:
    return OrganisationFactory.create(name="Innovasjon Trøndelag", country="NO", organisation_number="974760673")


@pytest.fixture
def owner(organisation) -> User:
    user = UserFactory.create(username="owner")
    MembershipFactory.create(user=user, organisation=organisation, role=Role.ADMIN)
    return user


@pytest.fixture
def member(organisation) -> User:
    user = UserFactory.create(username="member")
    MembershipFactory.create(user=user, organisation=organisation, role=Role.MEMBER)
    return user


@pytest.fixture
def outsider(other_organisation) -> User:
    user = UserFactory.create(username="outsider")
    MembershipFactory.create(user=user, organisation=other_organisation, role=Role.ADMIN)
    return user


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner) -> Client:
    return _client_for(owner)


@pytest.fixture
def member_client(member) -> Client:
    return _client_for(member)


@pytest.fixture
def outsider_client(outsider) -> Client:
    return _client_for(outsider)
