"""Outbox tests send synchronously after commit unless a test asks for the background thread."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _mail_sync(settings):
    settings.FRAMJA_MAIL_SYNC = True
