"""A real Django mail backend for tests: fails the first N sends, then delivers to mail.outbox."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    failures_left = 1

    def send_messages(self, messages: Sequence[Any]) -> int:
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise ConnectionRefusedError("mail server unavailable")
        return super().send_messages(messages)
