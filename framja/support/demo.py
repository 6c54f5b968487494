"""The support log's part of the demo region (`framja seed_demo`): none yet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SECTIONS: list[Callable[[Any], Any]] = []
