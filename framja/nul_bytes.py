"""Refuse NUL characters wherever input enters, before any view or database sees them.

PostgreSQL cannot store U+0000 in text and answers an error for it (a 500); SQLite stores it
silently. No field of Främja has a use for it, so one middleware rejects it in the path, the
query string (names and values), form fields and JSON bodies (also the escape \\u0000), with
a 422: JSON with the field's location for the API, a translated page for everything else.
Uploaded files are not read: they may be binary.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _in_json(value: Any, loc: list[str | int]) -> Iterator[list[str | int]]:
    if isinstance(value, str):
        if NUL in value:
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield [*loc, key]
            else:
                yield from _in_json(item, [*loc, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _in_json(item, [*loc, index])


def nul_location(request: HttpRequest) -> list[str | int] | None:
    """Where the first NUL of the request is (["query", "q"], ["body", "title"], ...), or None."""
    if NUL in request.path:
        return ["path"]
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return ["query", key]
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return None
    content_type = request.content_type or ""
    if content_type in FORM_TYPES:
        try:
            fields = request.POST
        except MultiPartParserError:
            return None  # the view answers the broken upload as it always did
        for key, values in fields.lists():
            if NUL in key or any(NUL in value for value in values):
                return ["form", key]
    elif content_type == "application/json" or content_type.endswith("+json"):
        body = request.body
        if b"\\u0000" not in body and b"\x00" not in body:
            return None
        try:
            data = json.loads(body)
        except ValueError:
            return ["body"] if b"\x00" in body else None
        return next(_in_json(data, ["body"]), None)
    return None


class RejectNulMiddleware:
    """Answer 422 to a request with a NUL character in its path, query string, form or JSON body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        loc = nul_location(request)
        if loc is None:
            return self.get_response(request)
        message = _("The text contains a NUL character (U+0000), which is not allowed.")
        if request.path.startswith("/api/"):
            detail = [{"loc": loc, "msg": message, "type": "value_error"}]
            return JsonResponse({"detail": detail}, status=422)
        return render(request, "input_rejected.html", {"message": message}, status=422)
