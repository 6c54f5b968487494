"""Fixtures of the places tests: the shipped reference data, loaded into the test database."""

from __future__ import annotations

import pytest

from framja.places.services import SyncResult, load_reference


@pytest.fixture
def reference(db) -> list[SyncResult]:
    """All counties, municipalities and SNI codes, as `framja load_reference` loads them."""
    return load_reference()
