"""Limit/offset pagination for the API's lists, with bounds the schema states and the server enforces.

ninja's own offset has no upper bound, so `?offset=296127700137621258240` reached the database
and overflowed (a 500). Past these bounds the answer is 422 with the query field's location.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

#: The most items one page holds (also the default page size).
MAX_LIMIT = 100
#: No list is anywhere near this long; beyond it an offset is a mistake, not a page.
MAX_OFFSET = 1_000_000


class BoundedPagination(LimitOffsetPagination):
    """`limit` 1..100 (default 100) and `offset` 0..1 000 000."""

    class Input(Schema):
        limit: int = Field(MAX_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
