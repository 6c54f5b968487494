"""`framja create_api_token USERNAME [--name NAME]`: print a new personal API token.

Only the raw token goes to standard output, so scripts can capture it:
    TOKEN=$(framja create_api_token anna --name "Nightly export")
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from framja.accounts import services
from framja.accounts.models import User


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="Command line", help="What the token is for (default: Command line).")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user with the username {username!r}.")
        if not user.is_active:
            raise CommandError(f"The user {username!r} is inactive; its tokens would not work.")
        try:
            _token, raw = services.api_token_create(user=user, name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(raw)
