"""The audit log through the API."""

from __future__ import annotations

import pytest

from framja.accounts import services
from framja.audit.context import acting_as

pytestmark = pytest.mark.django_db


def test_admin_reads_the_log_both_ways(token_client, owner, organisation):
    with acting_as(owner):
        services.organisation_update(organisation=organisation, fields={"phone": "123"})
    client = token_client(owner)
    by_query = client.get("/api/v1/audit", {"organisation": organisation.pk, "action": "update"}).json()
    by_path = client.get(f"/api/v1/organisations/{organisation.pk}/audit", {"action": "update"}).json()
    assert by_query == by_path
    [entry] = by_query["items"]
    assert entry["actor"] == {"id": owner.pk, "name": str(owner)}
    assert entry["object_type"] == "accounts.organisation"
    assert entry["changes"] == [{"field": "phone", "label": entry["changes"][0]["label"], "before": "", "after": "123"}]


def test_filter_by_object_type(token_client, owner, organisation):
    data = (
        token_client(owner)
        .get(f"/api/v1/organisations/{organisation.pk}/audit", {"object_type": "accounts.membership"})
        .json()
    )
    assert data["count"] >= 1
    assert {e["object_type"] for e in data["items"]} == {"accounts.membership"}


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_non_admins_get_404(request, token_client, persona, organisation):
    client = token_client(request.getfixturevalue(persona))
    assert client.get("/api/v1/audit", {"organisation": organisation.pk}).status_code == 404
    assert client.get(f"/api/v1/organisations/{organisation.pk}/audit").status_code == 404


def test_anonymous_gets_401(client, organisation):
    assert client.get("/api/v1/audit", {"organisation": organisation.pk}).status_code == 401


def test_whole_log_is_for_staff_only(token_client, owner, staff):
    assert token_client(owner).get("/api/v1/audit").status_code == 404
    assert token_client(staff).get("/api/v1/audit").status_code == 200


def test_odd_parameters_are_4xx(token_client, owner, organisation):
    client = token_client(owner)
    assert client.get("/api/v1/audit", {"organisation": "9" * 30}).status_code in (404, 422)
    assert client.get("/api/v1/audit", {"organisation": "-1"}).status_code == 404
    assert client.get("/api/v1/audit", {"organisation": organisation.pk, "object_type": "'; drop"}).status_code == 422
    assert client.get("/api/v1/audit", {"organisation": organisation.pk, "action": "explode"}).status_code == 422


def test_log_list_has_few_queries(token_client, owner, organisation, django_assert_max_num_queries):
    with acting_as(owner):
        for n in range(30):
            services.organisation_update(organisation=organisation, fields={"phone": str(n)})
    client = token_client(owner)
    with django_assert_max_num_queries(6):
        data = client.get(f"/api/v1/organisations/{organisation.pk}/audit").json()
    assert data["count"] >= 30
