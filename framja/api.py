"""The REST API under /api/v1/: assembles the apps' ninja routers.

Authentication: `Authorization: Bearer <personal API token>` or the browser session (with CSRF).
Errors are JSON: 401/403/404 with {"detail": ...}; bad input 422 with field errors
({"detail": [{"loc": [...], "msg": ..., "type": ...}]}) — also for model validation errors.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from framja.accounts.api import router as accounts_router
from framja.accounts.auth import bearer_auth, session_auth
from framja.audit.api import router as audit_router
from framja.ideas.api import router as ideas_router
from framja.places.api import router as places_router

api = NinjaAPI(
    title="Främja API",
    version="1",
    urls_namespace="api",
    auth=[bearer_auth, session_auth],
    docs_url="/docs",
)


def validation_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    """Django's ValidationError in ninja's 422 shape, one item per field message."""
    if hasattr(exc, "error_dict"):
        return [
            {"loc": ["body", field], "msg": " ".join(str(m) for m in error.messages), "type": "value_error"}
            for field, errors in exc.error_dict.items()
            for error in errors
        ]
    return [{"loc": ["body"], "msg": " ".join(str(m) for m in exc.messages), "type": "value_error"}]


@api.exception_handler(DjangoValidationError)
def on_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": validation_errors(exc)}, status=422)


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
