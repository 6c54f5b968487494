"""The language switcher: the choice is kept in the URL, the session, the cookie and the profile;
dates and numbers follow the language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from framja.languages.middleware import LANGUAGE_SESSION_KEY

pytestmark = pytest.mark.django_db
SET_LANGUAGE = "/i18n/setlang/"


def choose(client: Client, language: str, next_url: str = "/"):
    return client.post(SET_LANGUAGE, {"language": language, "next": next_url})


def test_set_language_url_is_named():
    assert reverse("set_language") == SET_LANGUAGE


def test_choosing_norwegian_redirects_to_the_nb_url_and_remembers_it(client):
    response = choose(client, "nb", "/accounts/organisations/")
    assert response.status_code == 302
    assert response["Location"] == "/nb/accounts/organisations/"
    assert client.session[LANGUAGE_SESSION_KEY] == "nb"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nb"


def test_the_choice_survives_across_requests(client):
    choose(client, "nb")
    response = client.get("/accounts/organisations/?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/nb/accounts/organisations/?page=2"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert '<html lang="nb">' in page.content.decode()


def test_the_url_wins_over_the_choice(client):
    """A link to an English page shows English even to someone who chose Norwegian."""
    choose(client, "nb")
    response = client.get("/en/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_choosing_swedish_again_stops_the_redirect(client):
    choose(client, "en")
    response = choose(client, "sv", "/en/accounts/organisations/")
    assert response["Location"] == "/accounts/organisations/"
    page = client.get("/accounts/organisations/")
    assert page.status_code == 200
    assert '<html lang="sv">' in page.content.decode()


def test_without_a_choice_unprefixed_urls_are_swedish_whatever_the_browser_says(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="sv">' in response.content.decode()


def test_the_cookie_alone_keeps_the_choice_after_the_session_ends(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/")
    assert response["Location"] == "/en/"


def test_unknown_language_changes_nothing(client):
    response = choose(client, "de", "/accounts/organisations/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/organisations/"
    assert LANGUAGE_SESSION_KEY not in client.session
    assert client.get("/").status_code == 200


def test_set_language_rejects_get(client):
    assert client.get(SET_LANGUAGE, {"language": "nb", "next": "/"}).status_code == 405


def test_next_to_another_site_is_not_followed(client):
    response = choose(client, "nb", "https://evil.example.com/")
    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]


def test_api_and_health_check_are_never_redirected(client):
    choose(client, "nb")
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_posts_to_unprefixed_urls_are_not_redirected(client):
    choose(client, "nb")
    response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong-password"})
    assert response.status_code == 200


def test_htmx_requests_are_not_redirected(client):
    choose(client, "nb")
    assert client.get("/", HTTP_HX_REQUEST="true").status_code == 200


def test_signed_in_choice_is_saved_on_the_profile(owner_client, owner):
    choose(owner_client, "nb")
    owner.refresh_from_db()
    assert owner.preferred_language == "nb"


def test_profile_language_follows_the_person_to_a_new_browser(owner, password):
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    browser = Client()
    browser.force_login(owner)
    response = browser.get("/")
    assert response["Location"] == "/en/"


def test_language_switcher_offers_every_language_and_marks_the_current_one(client):
    html = client.get("/nb/").content.decode()
    assert f'action="{SET_LANGUAGE}"' in html
    for code, _name in settings.LANGUAGES:
        assert f'value="{code}"' in html
    assert 'aria-current="true"' in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("sv", "22 november 2026"), ("nb", "22. november 2026"), ("en", "Nov. 22, 2026")],
)
def test_dates_follow_the_language(language, expected):
    with translation.override(language):
        rendered = Template("{{ day|date }}").render(Context({"day": dt.date(2026, 11, 22)}))
    assert rendered == expected


@pytest.mark.parametrize(
    ("language", "expected_int", "expected_decimal"),
    [
        ("sv", "1\xa0234\xa0567", "1\xa0234,50"),
        ("nb", "1\xa0234\xa0567", "1\xa0234,50"),
        ("en", "1,234,567", "1,234.50"),
    ],
)
def test_numbers_follow_the_language(language, expected_int, expected_decimal):
    """Grouped numbers come from `intcomma` and `floatformat:"2g"` (USE_THOUSAND_SEPARATOR stays off,
    so ids and years are never grouped)."""
    template = Template('{% load humanize %}{{ n|intcomma }}|{{ d|floatformat:"2g" }}|{{ year }}')
    with translation.override(language):
        rendered = template.render(Context({"n": 1234567, "d": Decimal("1234.5"), "year": 2026}))
    assert rendered == f"{expected_int}|{expected_decimal}|2026"
