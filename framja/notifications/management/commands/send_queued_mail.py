"""`framja send_queued_mail`: send due e-mail from the outbox now (what the scheduled sweep runs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from framja.jobs.services import run_now
from framja.notifications.tasks import send_due_mail


class Command(BaseCommand):
    help = "Send queued e-mail that is due (first attempts and retries), as the worker's sweep does."

    def handle(self, *args: Any, **options: Any) -> None:
        result = run_now(send_due_mail)
        self.stdout.write(f"sent {result['sent']}, failed {result['failed']}")
