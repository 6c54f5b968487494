"""The audit tests use the accounts fixtures (places, staff, token clients)."""

from tests.accounts.conftest import _default_language, places, staff, staff_client, token_client

__all__ = ["_default_language", "places", "staff", "staff_client", "token_client"]
