"""Guessing private status links is stopped: after too many unknown links from one address,
every status lookup answers 429 (page and API) until the window ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from framja.accounts import ratelimit
from framja.ideas.services import public as services

pytestmark = pytest.mark.usefixtures("public_side")

MISSES = ratelimit.STATUS_LINK_MISSES[0]


@pytest.fixture
def submitted(municipality, municipality_organisation, municipal_coordinator):
    return services.idea_submit(
        title="Laddstolpar vid biblioteket",
        description="Besökare till biblioteket kan ladda bilen medan de lånar böcker och läser tidningar.",
        municipality=municipality,
        name="Alva Andersson",
        email="alva@example.org",
        consent=True,
        language="en",
    )


def _guess(client, count: int) -> set[int]:
    return {client.get(f"/en/ideas/status/guess-{i}/").status_code for i in range(count)}


def test_too_many_unknown_links_close_the_status_page_even_for_the_real_link(client, submitted):
    real = f"/en/ideas/status/{submitted.status_token}/"
    assert _guess(client, MISSES) == {404}
    response = client.get(real)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert client.post(real + "withdraw/", {"confirm": "on"}).status_code == 429


def test_status_link_opens_again_when_the_window_ends(client, submitted, settings):
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip("Redis expires keys in real time; freezegun cannot move it")
    _guess(client, MISSES)
    real = f"/en/ideas/status/{submitted.status_token}/"
    assert client.get(real).status_code == 429
    with freeze_time(timezone.now() + timedelta(seconds=ratelimit.STATUS_LINK_MISSES[1] + 1)):
        assert client.get(real).status_code == 200


def test_status_limit_page_is_translated(client, submitted):
    _guess(client, MISSES)
    response = client.get(f"/ideas/status/{submitted.status_token}/")
    assert response.status_code == 429
    assert "För många försök" in response.content.decode()


def test_the_real_link_is_never_counted(client, submitted):
    for _ in range(MISSES * 2):
        assert client.get(f"/en/ideas/status/{submitted.status_token}/").status_code == 200


def test_api_answers_429_after_too_many_unknown_links(client, submitted):
    codes = {client.get(f"/api/v1/ideas/status/guess-{i}").status_code for i in range(MISSES)}
    assert codes == {404}
    response = client.get(f"/api/v1/ideas/status/{submitted.status_token}")
    assert response.status_code == 429
    assert "statuslänkar" in response.json()["detail"]  # the API speaks Swedish by default


def test_misses_on_pages_and_api_share_one_count(client, submitted):
    _guess(client, MISSES // 2)
    for i in range(MISSES - MISSES // 2):
        client.get(f"/api/v1/ideas/status/api-guess-{i}")
    assert client.get(f"/en/ideas/status/{submitted.status_token}/").status_code == 429


def test_another_address_is_not_affected(client, submitted):
    _guess(client, MISSES)
    response = client.get(f"/en/ideas/status/{submitted.status_token}/", REMOTE_ADDR="192.0.2.99")
    assert response.status_code == 200
