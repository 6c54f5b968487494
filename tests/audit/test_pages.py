"""The audit log page of an organisation: admins only, filters, pagination, few queries."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from framja.accounts import services
from framja.accounts.models import Membership, Role
from framja.audit.context import acting_as

pytestmark = pytest.mark.django_db


def _url(organisation) -> str:
    return reverse("audit-organisation-log", args=[organisation.slug])


def test_owner_sees_who_changed_what(owner_client, owner, organisation, member):
    with acting_as(owner):
        services.organisation_update(organisation=organisation, fields={"phone": "+46 63 12 34 56"})
        services.member_set_role(membership=Membership.objects.get(user=member), role=Role.ADVISER)
    response = owner_client.get(_url(organisation))
    assert response.status_code == 200
    content = response.content.decode()
    assert str(owner) in content
    assert "+46 63 12 34 56" in content
    assert "<del>" in content
    assert "<ins>" in content
    assert str(Role.ADVISER.label) in content  # choice values shown by their label
    assert content.count("<h1") == 1
    assert '<caption id="audit-caption">' in content
    assert 'tabindex="0" role="region" aria-labelledby="audit-caption"' in content  # Tab reaches the wide table
    assert 'scope="col"' in content


@pytest.mark.parametrize("persona", ["member_client", "outsider_client"])
def test_others_get_404(request, persona, organisation):
    assert request.getfixturevalue(persona).get(_url(organisation)).status_code == 404


def test_anonymous_goes_to_login(client, organisation):
    response = client.get(_url(organisation))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts-login"))


def test_staff_sees_any_log(staff_client, organisation):
    assert staff_client.get(_url(organisation)).status_code == 200


def test_filters_by_action_and_type(owner_client, owner, organisation, member):
    with acting_as(owner):
        services.organisation_update(organisation=organisation, fields={"phone": "555-FILTER"})
        services.member_remove(membership=Membership.objects.get(user=member))
    membership_type = ContentType.objects.get(app_label="accounts", model="membership").pk
    deleted = owner_client.get(_url(organisation), {"action": "delete"}).content.decode()
    assert "555-FILTER" not in deleted
    assert str(member) in deleted
    by_type = owner_client.get(_url(organisation), {"type": membership_type}).content.decode()
    assert "555-FILTER" not in by_type
    assert owner_client.get(_url(organisation), {"type": "999999", "action": "x", "page": "z"}).status_code == 200


def test_log_is_paginated_with_few_queries(owner_client, owner, organisation, django_assert_max_num_queries):
    with acting_as(owner):
        for n in range(60):
            services.organisation_update(organisation=organisation, fields={"phone": f"phone-{n:02d}"})
    with django_assert_max_num_queries(8):
        first = owner_client.get(_url(organisation)).content.decode()
    assert "phone-59" in first
    assert "phone-00" not in first
    assert "phone-00" in owner_client.get(_url(organisation), {"page": 2}).content.decode()
