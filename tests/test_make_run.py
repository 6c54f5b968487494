"""`make run` on another port: links in e-mails must point where the server actually runs (issue 9.4)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _dry_run(*arguments: str, **environment: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "FRAMJA_SITE_URL"} | environment
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", *arguments], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("arguments", "site_url"),
    [
        ((), "http://127.0.0.1:8000"),
        (("PORT=8080",), "http://127.0.0.1:8080"),
        (("HOST=0.0.0.0", "PORT=9000"), "http://127.0.0.1:9000"),
    ],
)
def test_server_and_worker_link_to_where_make_run_serves(arguments, site_url):
    commands = _dry_run(*arguments)
    assert commands.count(f"FRAMJA_SITE_URL={site_url} ") == 2  # the worker (mail) and the server


def test_a_configured_public_address_wins():
    commands = _dry_run("PORT=8080", FRAMJA_SITE_URL="https://framja.example.org")
    assert commands.count("FRAMJA_SITE_URL=https://framja.example.org ") == 2
