"""Real processes against a database of their own: `framja worker`, `framja rqworker`, and
`framja shell` to enqueue and to look. The database is migrated once per session and copied
for each test (a file SQLite database, or DATABASE_URL's PostgreSQL is not used here: the
worker must see committed rows, which pytest-django's test transaction never commits)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Site:
    """One throw-away installation: its environment, and helpers to run commands in it."""

    def __init__(self, directory: Path, env: dict[str, str]) -> None:
        self.directory = directory
        self.env = env
        self.processes: list[subprocess.Popen[bytes]] = []

    def command(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "framja.manage", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def python(self, code: str) -> Any:
        """Run `code` in a Django shell of this site; the value of `result` comes back as JSON."""
        script = f"import json\n{code}\nprint('RESULT=' + json.dumps(result))"
        out = self.command("shell", "-c", script)
        line = next(line for line in out.splitlines() if line.startswith("RESULT="))
        return json.loads(line.removeprefix("RESULT="))

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """Read the site's database directly (much faster than a Django shell per look)."""
        with sqlite3.connect(self.directory / "db.sqlite3", timeout=30) as connection:
            return connection.execute(query, params).fetchall()

    def start(self, *args: str, name: str) -> subprocess.Popen[bytes]:
        log = (self.directory / f"{name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, "-m", "framja.manage", *args], cwd=ROOT, env=self.env, stdout=log, stderr=log
        )
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)


def _env(directory: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FRAMJA_", "DATABASE_URL"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="framja.settings",
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
        FRAMJA_DATA_DIR=str(directory / "data"),
        FRAMJA_DEBUG="1",
        FRAMJA_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        FRAMJA_JOBS_LEASE_SECONDS="3",
        FRAMJA_LOG_LEVEL="INFO",
    )
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("jobs-template")
    Site(directory, _env(directory)).command("migrate", "--no-input", "-v", "0", timeout=300)
    return directory / "db.sqlite3"


@pytest.fixture
def site(migrated_database: Path, tmp_path: Path) -> Iterator[Any]:
    """A function that makes a Site on a fresh copy of the migrated database."""
    made: list[Site] = []

    def make(**extra: str) -> Site:
        shutil.copy(migrated_database, tmp_path / "db.sqlite3")
        created = Site(tmp_path, _env(tmp_path, **extra))
        made.append(created)
        return created

    yield make
    for created in made:
        created.stop_all()
