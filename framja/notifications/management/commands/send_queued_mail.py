"""`framja send_queued_mail [--loop]`: send due e-mail from the outbox (cron-safe, re-runnable)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from framja.notifications.services import send_due


class Command(BaseCommand):
    help = "Send queued e-mail that is due (first attempts and retries). Safe to run from cron."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep running, checking every --interval seconds.")
        parser.add_argument("--interval", type=float, default=15.0, help="Seconds between checks with --loop.")

    def handle(self, *args: Any, loop: bool, interval: float, **options: Any) -> None:
        while True:
            result = send_due()
            if result.sent or result.failed or not loop:
                self.stdout.write(f"sent {result.sent}, failed {result.failed}")
            if not loop:
                return
            time.sleep(max(interval, 1.0))
            close_old_connections()  # a long-running loop must not keep a dead connection
