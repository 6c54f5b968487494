"""A path converter for database ids.

Django's `int` converter accepts any number of digits, and a 30-digit id makes SQLite raise
OverflowError (a 500). `<dbid:pk>` matches 1-18 digits, so every id it passes fits a BIGINT;
longer numbers simply do not match (404).
"""

from __future__ import annotations


class DatabaseIdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def database_id(text: str) -> int | None:
    """The id a text names ("12"), or None: only ASCII digits count ("¹".isdigit() is true, and
    int("¹") fails) and at most 18 of them, so the number fits a BIGINT."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None
