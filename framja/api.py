"""The REST API under /api/v1/: assembles the apps' ninja routers.

Authentication: `Authorization: Bearer <personal API token>` or the browser session (with CSRF).
Errors are JSON: 401/403/404 with {"detail": ...}; bad input 422 with field errors
({"detail": [{"loc": [...], "msg": ..., "type": ...}]}) — also for model validation errors,
whose `loc` names "query", "path" or "body" by where the field came from; a clash with stored
data (a uniqueness rule) is a 409. A NUL character anywhere in the input is a 422
(framja.nul_bytes). POST /ideas accepts an `Idempotency-Key` header (framja.idempotency).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.parser import Parser

from framja.accounts.api import audit_router
from framja.accounts.api import router as accounts_router
from framja.accounts.auth import bearer_auth, session_auth
from framja.catalogue.api import hsds_router
from framja.catalogue.api import router as catalogue_router
from framja.equality.api import router as equality_router
from framja.ideas.api import router as ideas_router
from framja.places.api import router as places_router
from framja.support.api import router as support_router

#: The error answers every operation may give, documented once for all (with the Error schema):
#: 400 malformed body, 401 bad or missing credentials, 403 not allowed, 404 not found or not
#: visible, 409 conflicting edit or repeated Idempotency-Key, 422 bad input (also a NUL
#: character anywhere), 429 too many requests.
ERROR_RESPONSES = {
    400: "Malformed request",
    401: "Bad or missing credentials",
    403: "Not allowed",
    404: "Not found (or not visible to you)",
    409: "Conflict",
    422: "Invalid input: field errors",
    429: "Too many requests",
}
ERROR_SCHEMAS = {
    "FieldError": {
        "type": "object",
        "required": ["loc", "msg", "type"],
        "properties": {
            "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "msg": {"type": "string"},
            "type": {"type": "string"},
        },
    },
    "Error": {
        "type": "object",
        "required": ["detail"],
        "properties": {
            "detail": {
                "anyOf": [
                    {"type": "string"},
                    {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
                ]
            }
        },
    },
}


class FramjaOpenAPISchema(OpenAPISchema):
    """ninja's document plus what it leaves out: the error answers of every operation, and
    optional sign-in (an endpoint that also serves anonymous callers lists "no credentials")."""

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        result = super().operation_details(operation)
        self.schemas.update(ERROR_SCHEMAS)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for status, description in ERROR_RESPONSES.items():
            result["responses"].setdefault(status, {"description": description, "content": error})
        callbacks = operation.auth_callbacks or []
        if result.get("security") and any(not hasattr(auth, "openapi_security_schema") for auth in callbacks):
            result["security"].append({})
        return result


class BodyNotObjectError(ValueError):
    """The JSON body is an array, a string, a number or null."""


class ObjectBodyParser(Parser):
    """Every request body of this API is a JSON object; anything else is a 400 (see http_error).
    (Ninja would read a non-object as "no fields given", so an operation whose fields are all
    optional accepted `[null, null]` as an empty request.)"""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise BodyNotObjectError
        return data


class FramjaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return FramjaOpenAPISchema(self, path_prefix)


api = FramjaAPI(
    title="Främja API",
    version="1",
    urls_namespace="api",
    auth=[bearer_auth, session_auth],
    docs_url="/docs",
    parser=ObjectBodyParser(),
)


def _source(request: HttpRequest, field: str) -> str:
    """Where a field named in a Django ValidationError came from: the path, the query string or the body."""
    match = request.resolver_match
    if match is not None and field in match.kwargs:
        return "path"
    if field in request.GET:
        return "query"
    return "body"


def validation_errors(exc: DjangoValidationError, request: HttpRequest) -> list[dict[str, Any]]:
    """Django's ValidationError in ninja's 422 shape, one item per field message."""
    if hasattr(exc, "error_dict"):
        return [
            {
                "loc": [_source(request, field), field],
                "msg": " ".join(str(m) for m in error.messages),
                "type": "value_error",
            }
            for field, errors in exc.error_dict.items()
            for error in errors
        ]
    return [{"loc": ["body"], "msg": " ".join(str(m) for m in exc.messages), "type": "value_error"}]


#: Validation error codes that mean "conflicts with what is stored", answered 409 instead of 422:
#: a uniqueness rule, or `code="conflict"` from a service when the request is well-formed but
#: the state of what it names forbids it (an event without registration here, a link that is
#: not there to remove).
CONFLICT_CODES = {"unique", "unique_together", "conflict"}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own errors, with a translated reason for a body it could not read (ninja says
    "Cannot parse request body" in English, whatever the language)."""
    detail: str = str(exc)
    if exc.status_code == 400 and isinstance(exc.__cause__, BodyNotObjectError):
        detail = _("The request body must be a JSON object.")
    elif exc.status_code == 400 and isinstance(exc.__cause__, ValueError):  # json.JSONDecodeError
        detail = _("The request body is not valid JSON.")
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(DjangoValidationError)
def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    codes = {error.code for error in exc.error_list} if not hasattr(exc, "error_dict") else set()
    if hasattr(exc, "error_dict"):
        codes = {error.code for errors in exc.error_dict.values() for error in errors}
    status = 409 if codes and codes <= CONFLICT_CODES else 422
    return api.create_response(request, {"detail": validation_errors(exc, request)}, status=status)


@api.exception_handler(ObjectDoesNotExist)
@api.exception_handler(Http404)
@api.exception_handler(OverflowError)  # an id too large for the database cannot name a stored object
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """The last line behind the schemas' bounds: a number or text the database cannot hold is
    bad input (422), not a server error."""
    detail = [{"loc": ["body"], "msg": _("A value is out of the range the server can store."), "type": "value_error"}]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("You do not have permission to do this.")}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": _("Sign in or send a valid API token.")}, status=401)


api.add_router("/", accounts_router)
api.add_router("/audit", audit_router)
api.add_router("/places", places_router)
api.add_router("/ideas", ideas_router)
api.add_router("/catalogue", catalogue_router)
api.add_router("/hsds", hsds_router)
api.add_router("/support", support_router)
api.add_router("/equality", equality_router)
