"""The site boots: front page in every language, health check, OpenAPI schema."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "lang"), [("", "sv"), ("/nb", "nb"), ("/en", "en")])
def test_front_page_in_each_language(client, prefix, lang):
    response = client.get(f"{prefix}/")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.content.decode()


@pytest.mark.django_db
def test_health_check_answers(client):
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_openapi_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Främja API"
