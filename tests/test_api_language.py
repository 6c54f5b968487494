"""API messages follow the caller's Accept-Language (the API has no /nb/ or /en/ prefix)."""

import pytest

from framja.places.models import County, Municipality


@pytest.fixture
def ambiguous_code(db):
    Municipality.objects.create(
        country="SE", code="1860", name="Laxå", county=County.objects.create(country="SE", code="18", name="Örebro län")
    )
    Municipality.objects.create(
        country="NO",
        code="1860",
        name="Vestvågøy",
        county=County.objects.create(country="NO", code="18", name="Nordland"),
    )


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("en", "Sweden and Norway"), ("nb", "Sverige og Norge"), ("sv", "Sverige och Norge"), ("", "Sverige och Norge")],
)
def test_api_error_is_in_the_language_asked_for(client, ambiguous_code, accept, expected):
    response = client.get("/api/v1/places/municipalities/1860", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 422
    assert expected in response.json()["detail"][0]["msg"]
    assert "Accept-Language" in response["Vary"]
