"""How the fuzzer makes realistic requests of this API: shared by tests/test_api_fuzz.py and a
schemathesis CLI run against a live server (tests/fuzz_cli_hooks.py).

Only positive cases are touched, and only where a JSON Schema cannot say what the application
rightly requires of the state (a municipality code that names a real municipality, one
registration per address); invalid requests stay as generated."""

from __future__ import annotations

import itertools
import re
from typing import Any

from schemathesis import GenerationMode

from framja.places.schemas import MUNICIPALITY_CODE_PATTERN

#: A municipality that exists (a well-formed code that names none is a 422, as it should be).
REAL_MUNICIPALITY = "SE-2380"
#: A category of ideas that exists (a short name that names none is a 422 too).
REAL_CATEGORY = "mobility-transport"
_REGISTRATIONS = itertools.count()


def map_case(context: Any, case: Any) -> Any:
    """Realistic references: a well-formed municipality code names a real municipality, a
    category (an idea's tags, the public list's filter) names a real category, and a
    country-prefixed code is not contradicted by a `country` parameter."""
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return case  # invalid requests stay as generated
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("serves"), list):
        body["serves"] = [REAL_MUNICIPALITY] if body["serves"] else []
    if isinstance(body, dict) and re.fullmatch(MUNICIPALITY_CODE_PATTERN, str(body.get("municipality"))):
        body["municipality"] = REAL_MUNICIPALITY
        if "country" in body:  # an organisation: its municipality must be in its own country
            body["country"] = "SE"
        if "consent" in body:  # an idea: anonymous submitters must give an address and consent
            body.update(email="fuzz@example.org", consent=True)
        if isinstance(body.get("tags"), list):  # an idea's categories: short names that exist
            body["tags"] = [REAL_CATEGORY] if body["tags"] else []
        if body.get("kind") in ("municipality", "region"):
            # The demo's municipality has its municipal organisation already (a state conflict,
            # not a malformed request); another kind exercises the same operation.
            body["kind"] = "company"
    if isinstance(body, dict) and body.get("kind") == "municipality" and not body.get("municipality"):
        # A municipal organisation must name its municipality: a rule between two fields that the
        # schema states in words, not as JSON Schema; another kind exercises the same operation.
        body["kind"] = "company"
    if isinstance(body, dict) and "organisation_name" in body and "email" in body:
        # An event registration: one per address and event, so each case signs up a new address.
        body["email"] = f"fuzz{next(_REGISTRATIONS)}@example.org"
    if isinstance(body, dict) and body.get("organisation_number"):
        # The schema states the form; the check digit (Luhn, mod 11) is beyond a JSON Schema, and
        # a generated number is rarely right: leave it out (the number's rules have their own tests).
        body["organisation_number"] = ""
    if isinstance(body, dict) and body.get("website"):
        # Django's URL validator (real domain labels, a TLD) is beyond what a JSON Schema pattern
        # can say without rejecting valid addresses; a generated string is rarely a URL.
        body["website"] = "https://example.org/fuzz"
    query = case.query
    if isinstance(query, dict) and re.fullmatch(MUNICIPALITY_CODE_PATTERN, str(query.get("municipality"))):
        query["municipality"] = REAL_MUNICIPALITY
    if isinstance(query, dict) and query.get("category"):
        query["category"] = REAL_CATEGORY
    if case.path_parameters and isinstance(case.query, dict) and "country" in case.query:
        code = str(case.path_parameters.get("code", ""))
        if re.fullmatch(MUNICIPALITY_CODE_PATTERN, code) and re.search("[A-Za-z]", code):
            del case.query["country"]
    return case


#: The persona's own token is not revoked in the middle of a run (DELETE /me/tokens/{id} with
#: the id that GET /me/tokens showed): every later call would be a 401 and test nothing.
KEEP_TOKEN_METHOD, KEEP_TOKEN_PATH = "DELETE", "/api/v1/me/tokens/{token_id}"
