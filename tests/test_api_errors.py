"""No 500 for any input: odd JSON, odd paths and odd query strings get 4xx answers.

Hypothesis throws wrong types, nulls, huge and unicode strings (NUL included), missing and
unknown fields at every write endpoint of accounts, as an administrator so the input reaches
the deepest validation. The test client re-raises server errors, so a 500 fails loudly.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from framja.accounts.models import ApiToken, Membership, Organisation, Role, User
from tests.factories import CountyFactory, MembershipFactory, MunicipalityFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

FIELDS = [
    "name",
    "kind",
    "country",
    "organisation_number",
    "municipality",
    "serves",
    "website",
    "email",
    "phone",
    "description_sv",
    "description_nb",
    "description_en",
    "role",
    "slug",
    "is_active",
    "id",
]
INTERESTING_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "1860",
        "SE-1860",
        "NO-5001",
        "2380",
        "se-2380",
        "SE--2380",
        "municipality",
        "admin",
        "SE",
        "NO",
        "556036-0793",
        "974760673",
        "a@b",
        "x@example.org",
        "https://",
        "javascript:alert(1)",
        "💥" * 300,
        "9" * 40,
        "Ö" * 201,
        "' OR 1=1 --",
        "<script>",
        "null",
        "-1",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=50),
    st.text(min_size=300, max_size=12000, alphabet=st.characters(codec="utf-8")),
    INTERESTING_TEXT,
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=10,
)
PAYLOADS = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), st.one_of(JSON, st.lists(INTERESTING_TEXT, max_size=4)), max_size=8),
    JSON,
)
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture
def world(db):
    """An admin with a token, a member, and municipalities including the ambiguous code 1860."""
    se = CountyFactory.create(country="SE", code="18", name="Örebro län")
    no = CountyFactory.create(country="NO", code="18", name="Nordland")
    MunicipalityFactory.create(country="SE", code="1860", name="Laxå", county=se)
    MunicipalityFactory.create(country="NO", code="1860", name="Vestvågøy", county=no)
    MunicipalityFactory.create(
        country="SE", code="2380", name="Östersund", county=CountyFactory.create(country="SE", code="23")
    )
    MunicipalityFactory.create(
        country="NO", code="5001", name="Trondheim", county=CountyFactory.create(country="NO", code="50")
    )
    organisation = OrganisationFactory.create(name="Fuzz AB")
    admin = UserFactory.create(username="fuzz-admin")
    MembershipFactory.create(user=admin, organisation=organisation, role=Role.ADMIN)
    member = MembershipFactory.create(organisation=organisation, role=Role.MEMBER).user
    _token, raw = ApiToken.issue(user=admin, name="fuzz")
    session = Client()
    session.force_login(admin)
    return {
        "client": Client(headers={"Authorization": f"Bearer {raw}"}),
        "session": session,
        "org": organisation,
        "member": member,
    }


def _send(client: Client, method: str, url: str, payload: object) -> int:
    body = json.dumps(payload)
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, body, content_type="application/json")
    assert response.status_code < 500, (method, url, body[:300], response.content[:300])
    return response.status_code


def _restore(world: dict) -> None:
    """Keep the admin an admin, so every example reaches validation again."""
    Membership.objects.filter(organisation=world["org"], user__username="fuzz-admin").update(role=Role.ADMIN)


@HYPOTHESIS
@given(payload=PAYLOADS)
def test_create_organisation_never_fails_with_500(world, payload):
    _send(world["client"], "post", "/api/v1/organisations", payload)


@HYPOTHESIS
@given(payload=PAYLOADS)
def test_update_organisation_never_fails_with_500(world, payload):
    _send(world["client"], "patch", f"/api/v1/organisations/{world['org'].pk}", payload)
    assert Organisation.objects.filter(pk=world["org"].pk).exists()


@HYPOTHESIS
@given(payload=PAYLOADS)
def test_member_role_never_fails_with_500(world, payload):
    _send(world["client"], "patch", f"/api/v1/organisations/{world['org'].pk}/members/{world['member'].pk}", payload)
    _restore(world)


@HYPOTHESIS
@given(payload=PAYLOADS)
def test_invitation_never_fails_with_500(world, payload):
    _send(world["client"], "post", f"/api/v1/organisations/{world['org'].pk}/invitations", payload)


@HYPOTHESIS
@given(payload=PAYLOADS)
def test_token_create_never_fails_with_500(world, payload):
    # Tokens are created with the signed-in session only (a token may not mint tokens).
    _send(world["session"], "post", "/api/v1/me/tokens", payload)


PATH_PARTS = st.one_of(
    st.text(min_size=1, max_size=60).map(lambda s: s.replace("/", "").replace("?", "").replace("#", "") or "x"),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    INTERESTING_TEXT.filter(lambda s: s.strip() and "/" not in s),
)


@HYPOTHESIS
@given(ref=PATH_PARTS, other=PATH_PARTS)
def test_odd_paths_never_fail_with_500(world, ref, other):
    from urllib.parse import quote

    ref, other = quote(ref, safe=""), quote(other, safe="")
    client = world["client"]
    for method, url in [
        ("get", f"/api/v1/organisations/{ref}"),
        ("get", f"/api/v1/organisations/{ref}/members"),
        ("get", f"/api/v1/organisations/{ref}/audit"),
        ("patch", f"/api/v1/organisations/{ref}/members/{other}"),
        ("delete", f"/api/v1/organisations/{ref}/members/{other}"),
        ("delete", f"/api/v1/organisations/{ref}/invitations/{other}"),
        ("delete", f"/api/v1/me/tokens/{other}"),
        ("get", f"/accounts/organisations/{ref}/"),
        ("get", f"/accounts/invitations/{ref}/"),
    ]:
        _send(client, method, url, {"role": "member"})
    _restore(world)
    assert User.objects.filter(username="fuzz-admin", is_active=True).exists()


@HYPOTHESIS
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "q",
                "kind",
                "country",
                "municipality",
                "limit",
                "offset",
                "organisation",
                "action",
                "object_type",
                "page",
                "type",
            ]
        ),
        SCALARS.map(str),
        max_size=5,
    )
)
def test_odd_query_strings_never_fail_with_500(world, params):
    client = world["client"]
    for url in [
        "/api/v1/organisations",
        "/api/v1/audit",
        f"/api/v1/organisations/{world['org'].pk}/audit",
        "/accounts/organisations/",
        f"/audit/organisations/{world['org'].slug}/",
    ]:
        response = client.get(url, params)
        assert response.status_code < 500


def test_body_that_is_not_json_is_4xx(world):
    response = world["client"].generic("POST", "/api/v1/organisations", b"{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json() == {"detail": "Anropets innehåll är inte giltig JSON."}  # Swedish by default
