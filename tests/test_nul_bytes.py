"""NUL characters (U+0000) are refused with 422 wherever input enters: path, query string,
form fields and JSON bodies (also as the escape \\u0000); never a 500 from PostgreSQL.
Uploaded files are not inspected: they may be binary."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


def _api_error(response) -> list:
    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()["detail"][0]["loc"]


@pytest.mark.parametrize(
    ("url", "loc"),
    [
        ("/api/v1/ideas?q=a%00b", ["query", "q"]),
        ("/api/v1/ideas?organisation=%00", ["query", "organisation"]),
        ("/api/v1/ideas/candidates?region=%00x", ["query", "region"]),
        ("/api/v1/ideas/stages?sluice=1%00", ["query", "sluice"]),
        ("/api/v1/organisations?q=%00", ["query", "q"]),
        ("/api/v1/places/municipalities?q=x%00", ["query", "q"]),
        ("/api/v1/organisations/a%00b", ["path"]),
        ("/api/v1/ideas?x%00=1", ["query", "x\x00"]),
    ],
)
@pytest.mark.parametrize("signed_in", [False, True])
def test_nul_in_api_url_is_422_with_location(client, owner_client, url, loc, signed_in):
    response = (owner_client if signed_in else client).get(url)
    assert _api_error(response) == loc


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ('{"title": "a\\u0000b", "description": "d", "municipality": "2380"}', ["body", "title"]),
        ('{"title": "t", "description": "d", "tags": ["ok", "sdg\\u0000"]}', ["body", "tags", 1]),
        ('{"title": "t", "description": "d", "na\\u0000me": "x"}', ["body", "na\x00me"]),
    ],
)
def test_nul_in_json_body_is_422_with_location(client, body, loc):
    response = client.post("/api/v1/ideas", body, content_type="application/json")
    assert _api_error(response) == loc


def test_nul_in_json_body_with_charset_is_refused(owner_client):
    response = owner_client.post(
        "/api/v1/ideas/1/notes", '{"text": "\\u0000"}', content_type="application/json; charset=utf-8"
    )
    assert _api_error(response) == ["body", "text"]


def test_nul_in_page_query_is_translated_422_page(client):
    response = client.get("/ideas/?q=a%00b", HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    assert "NUL-tecken" in response.content.decode()


def test_nul_in_page_form_is_422(client):
    response = client.post("/ideas/submit/", {"title": "a\x00b", "description": "x"})
    assert response.status_code == 422
    assert "U+0000" in response.content.decode()


def test_nul_in_page_path_is_422(client):
    response = client.get("/ideas/status/ab%00cd/")
    assert response.status_code == 422


def test_binary_upload_is_not_inspected(client):
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\x00\x00binary", content_type="application/pdf")
    response = client.post("/ideas/submit/", {"title": "A title", "attachment": upload})
    assert response.status_code != 422


def test_text_without_nul_passes(client):
    response = client.get("/api/v1/organisations?q=almi")
    assert response.status_code == 200
