"""`Idempotency-Key` for ninja endpoints: turn the header into an attempt, or into the right error.

attempt = idempotency.attempt(request, caller=f"user:{user.pk}")
if attempt and attempt.replay:
    return idempotency.answer(*attempt.replay)
with transaction.atomic():
    obj = services.something_create(...)
    body = SomethingOut.from_orm(obj).model_dump(mode="json")  # built before the commit
    idempotency.finish(attempt, status=201, body=body)
return idempotency.answer(201, body)
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from framja.idempotency import services
from framja.idempotency.services import HEADER, Attempt, finish

__all__ = ["HEADER", "Attempt", "answer", "attempt", "finish"]


def answer(status: int, body: Any) -> JsonResponse:
    """A stored (already serialised) answer as the response, without validating it again."""
    return JsonResponse(body, status=status, safe=False)


def attempt(request: HttpRequest, *, caller: str) -> Attempt | None:
    """The request's attempt under its Idempotency-Key (None without the header).

    422 for a malformed key or a key used before for a different request; a retry of the same
    request comes back with `replay` set to the first answer."""
    key = request.headers.get(HEADER)
    try:
        return services.begin(scope=caller, key=key, operation=f"{request.method} {request.path}", body=request.body)
    except services.KeyInvalidError as exc:
        message = _("The Idempotency-Key must be 1 to 255 printable ASCII characters.")
        raise NinjaValidationError([{"loc": ["header", HEADER], "msg": message, "type": "value_error"}]) from exc
    except services.KeyReusedError as exc:
        message = _("This Idempotency-Key was already used for a different request. Use a new key for a new request.")
        raise NinjaValidationError([{"loc": ["header", HEADER], "msg": message, "type": "value_error"}]) from exc


def conflict() -> HttpError:
    """For KeyReusedError raised by finish(): a concurrent request with the same key won the race."""
    return HttpError(
        409, _("A request with the same Idempotency-Key was answered meanwhile. Send it again to get that answer.")
    )
