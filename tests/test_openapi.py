"""The OpenAPI document matches the API (issue 7 item 12)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_member_role_and_participant_role_are_distinct_enums(document, owner_client):
    schemas = document["components"]["schemas"]
    assert set(schemas["Role"]["enum"]) == {"admin", "coordinator", "adviser", "member"}
    assert schemas["ParticipantRole"]["enum"] == ["lead", "partner"]
    roles = {m["role"] for m in owner_client.get("/api/v1/me").json()["memberships"]}
    assert roles <= set(schemas["Role"]["enum"])


def test_public_directory_declares_optional_sign_in(document, client):
    security = document["paths"]["/api/v1/organisations"]["get"]["security"]
    assert {} in security
    assert client.get("/api/v1/organisations").status_code == 200
    assert {} not in document["paths"]["/api/v1/me"]["get"]["security"]


def test_every_operation_documents_its_error_answers(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status in ("400", "401", "403", "404", "409", "422", "429"):
                assert status in {str(code) for code in operation["responses"]}, (method, path, status)
    assert "Error" in document["components"]["schemas"]


@pytest.mark.parametrize(
    ("url", "loc"),
    [
        ("/api/v1/organisations?municipality=SE-9999", None),  # a code that names nothing: no matches
        ("/api/v1/ideas/similar?text=cykel&municipality=1234", ["query", "municipality"]),
        ("/api/v1/places/municipalities/SE-9999?country=NO", ["query", "country"]),
    ],
)
def test_query_errors_are_reported_in_the_query(owner_client, url, loc):
    response = owner_client.get(url)
    if loc is None:
        assert response.status_code == 200
        assert response.json()["items"] == []
    else:
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == loc


def test_path_errors_are_reported_in_the_path(client):
    response = client.get("/api/v1/places/municipalities/abc")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["path", "code"]


def test_unknown_api_url_is_json_404(client):
    response = client.get("/api/v1/ideas/not-a-number/notes")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_bodies_refuse_what_the_schema_refuses(owner_client):
    response = owner_client.post(
        "/api/v1/organisations", {"name": " ", "kind": "company", "country": "SE"}, content_type="application/json"
    )
    assert response.status_code == 422
    response = owner_client.post("/api/v1/me/tokens", {"name": ""}, content_type="application/json")
    assert response.status_code == 422


def test_no_two_api_schemas_share_a_name():
    """OpenAPI components are keyed by class name: a second schema of the same name silently
    replaces the first, and the document then describes one answer with another's shape
    (the fuzzer found `IdeaListOut.assignee` described as the support log's person)."""
    import importlib
    import inspect
    import pkgutil

    from ninja import Schema

    import framja

    seen: dict[str, str] = {}
    clashes = []
    for module_info in pkgutil.walk_packages(framja.__path__, "framja."):
        if module_info.name.rsplit(".", 1)[-1] not in {"api", "schemas", "browsing", "casework", "submission"}:
            continue
        module = importlib.import_module(module_info.name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Schema) and obj is not Schema and obj.__module__ == module.__name__:
                if name in seen and seen[name] != obj.__module__:
                    clashes.append(f"{name}: {seen[name]} and {obj.__module__}")
                seen.setdefault(name, obj.__module__)
    assert not clashes, clashes
