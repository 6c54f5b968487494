"""The matrix's own rules, without the world: what makes it fail, and how a cell is written."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect

from tests.matrix.test_permission_matrix import PERSONAS, describe, differences, minimal

ALL_404 = dict.fromkeys(PERSONAS, "404")


def test_a_request_without_a_row_asks_for_a_permission_decision() -> None:
    problems = differences({"GET catalogue-new-view": ALL_404}, {})
    assert problems == [
        "add a permission decision for GET catalogue-new-view (today: " + ", ".join(f"{p}=404" for p in PERSONAS) + ")"
    ]


def test_a_changed_answer_a_stale_row_and_a_server_error_fail() -> None:
    observed = {"GET ideas-inbox": {**ALL_404, "outsider": "200", "staff": "500"}}
    expected = {"GET ideas-inbox": ALL_404, "GET ideas-gone": ALL_404}
    problems = differences(observed, expected)
    assert "GET ideas-inbox: outsider expected 404, got 200" in problems
    assert "GET ideas-inbox: staff expected 404, got 500" in problems
    assert "GET ideas-gone: in the table but no longer asked; remove the row" in problems
    assert "GET ideas-inbox: staff got a server error" in problems


def test_a_matching_table_passes() -> None:
    assert differences({"GET home": dict.fromkeys(PERSONAS, "200")}, {"GET home": dict.fromkeys(PERSONAS, "200")}) == []


def test_redirects_name_their_target() -> None:
    assert describe(HttpResponse(status=403)) == "403"
    assert describe(HttpResponseRedirect("/accounts/login/?next=/ideas/inbox/")) == "302→login"
    assert describe(HttpResponseRedirect("/en/accounts/login/")) == "302→login"
    assert describe(HttpResponseRedirect("/admin/login/?next=/admin/")) == "302→admin-login"
    assert describe(HttpResponseRedirect("/ideas/submit/")) == "302→ideas-submit"
    assert describe(HttpResponseRedirect("https://evil.example/")) == "302→external"


def test_the_smallest_body_fills_required_fields_only() -> None:
    document = {
        "components": {"schemas": {"Kind": {"enum": ["municipality", "region"]}}},
    }
    schema = {
        "type": "object",
        "required": ["name", "email", "kind", "count", "tags"],
        "properties": {
            "name": {"type": "string"},
            "email": {"type": "string"},
            "kind": {"$ref": "#/components/schemas/Kind"},
            "count": {"type": "integer", "minimum": 5},
            "tags": {"type": "array"},
            "optional": {"type": "string"},
        },
    }
    assert minimal(schema, document) == {
        "name": "Matrisprov",
        "email": "matrix@example.org",
        "kind": "municipality",
        "count": 5,
        "tags": [],
    }
