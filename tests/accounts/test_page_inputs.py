"""No 500 for any input on the accounts pages: odd form posts and query strings get 2xx-4xx."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framja.accounts.models import Membership, Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

FIELDS = [
    "name", "kind", "country", "organisation_number", "municipality", "serves", "website", "email", "phone",
    "description_sv", "role", "first_name", "last_name", "preferred_language", "username", "password1",
    "password2", "q", "page", "action", "type",
]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=40),
    st.text(min_size=200, max_size=3000),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from(["\x00", "9" * 30, "1860", "municipality", "admin", "SE", "NO", "556036-0793", "a@b.se", "-1"]),
)
FORM = st.dictionaries(st.sampled_from(FIELDS), st.one_of(VALUES, st.lists(VALUES, max_size=3)), max_size=8)
HYPOTHESIS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture
def admin_client(db) -> tuple[Client, str, int]:
    organisation = OrganisationFactory.create(name="Form AB")
    admin = UserFactory.create(username="form-admin")
    MembershipFactory.create(user=admin, organisation=organisation, role=Role.ADMIN)
    other = MembershipFactory.create(organisation=organisation).user
    client = Client()
    client.force_login(admin)
    return client, organisation.slug, other.pk


@HYPOTHESIS
@given(data=FORM)
def test_odd_form_posts_never_fail_with_500(admin_client, data):
    client, slug, other = admin_client
    for url in [
        reverse("accounts-organisation-create"),
        reverse("accounts-organisation-edit", args=[slug]),
        reverse("accounts-invitation-create", args=[slug]),
        reverse("accounts-member-role", args=[slug, other]),
        reverse("accounts-profile"),
        reverse("accounts-token-create"),
        reverse("accounts-login"),
        reverse("accounts-password-reset"),
    ]:
        assert client.post(url, data).status_code < 500
        assert client.get(url.replace("/role/", "/remove/"), data).status_code < 500
    Membership.objects.filter(user__username="form-admin").update(role=Role.ADMIN)
    client.force_login(Membership.objects.get(user__username="form-admin").user)
