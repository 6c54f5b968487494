"""The similarity service across real processes: two gunicorn web workers and the writer on
one SQLite database; and the probes of a web worker whose database is down."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))

SEED = textwrap.dedent(
    """
    import django
    django.setup()
    from framja.ideas.services.public import idea_submit
    from framja.places.models import County, Municipality
    county = County.objects.create(country="SE", code="23", name="Jämtlands län")
    place = Municipality.objects.create(country="SE", code="2380", name="Östersund", county=county)
    for title, text in [
        ("Cykelparkering vid resecentrum", "Tak över cykelställen för pendlare som tar tåget."),
        ("Fler bänkar i parken", "Sittplatser för äldre längs promenadstråket vid ån."),
        ("Simhall i centrum", "En ny simhall med bassäng för skolsim och motionärer."),
    ]:
        idea_submit(title=title, description=text, municipality=place, email="a@example.org", consent=True)
    """
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, Any, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            body = response.read().decode()
            return response.status, json.loads(body), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        body = error.read().decode()
        return error.code, json.loads(body), error.headers.get("Content-Type", "")


def _post(url: str, payload: dict[str, Any]) -> tuple[int, Any]:
    request = urllib.request.Request(  # noqa: S310 - loopback
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return response.status, json.loads(response.read().decode())


def _environment(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "framja.settings",
        "DATABASE_URL": database_url,
        "FRAMJA_DATA_DIR": str(tmp_path / "data"),
        "FRAMJA_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "FRAMJA_MAIL_SYNC": "1",
        "FRAMJA_REDIS_URL": "",
    }


def _start_worker(env: dict[str, str], tmp_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    log = open(tmp_path / f"gunicorn-{port}.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [GUNICORN, "framja.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "60"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(base + "/healthz")[0] in (200, 503):  # serving (503: it cannot reach its database)
                return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError((tmp_path / f"gunicorn-{port}.log").read_text())


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        process.terminate()
    for process in started:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _similar(base: str, text: str) -> list[tuple[int, float]]:
    status, body, _ = _get(base + "/api/v1/ideas/similar?" + urllib.parse.urlencode({"text": text}))
    assert status == 200, body
    return [(item["id"], round(item["score"], 6)) for item in body]


def test_two_web_workers_and_the_writer_share_one_index(tmp_path, workers):
    env = _environment(tmp_path, f"sqlite:///{tmp_path / 'shared.sqlite3'}")

    def framja(*args: str) -> None:
        subprocess.run([PYTHON, "-m", "framja.manage", *args], env=env, cwd=ROOT, check=True, timeout=300)

    framja("migrate", "--no-input", "-v", "0")
    subprocess.run([PYTHON, "-c", SEED], env=env, cwd=ROOT, check=True, timeout=120)

    first, a = _start_worker(env, tmp_path)
    workers.append(first)
    # No snapshot yet: no request builds one; suggestions are empty and /readyz says why.
    assert _similar(a, "cykelparkering vid resecentrum") == []
    status, body, content_type = _get(a + "/readyz")
    assert (status, content_type) == (503, "application/json")
    assert "index_rebuild" in body["checks"]["indexes"]["corpora"]["ideas"]["reason"]

    framja("index_rebuild", "--no-progress")  # the writer
    second, b = _start_worker(env, tmp_path)
    workers.append(second)
    query = "Cykelparkering med tak vid resecentrum"
    from_a, from_b = _similar(a, query), _similar(b, query)
    assert from_a
    assert from_a == from_b
    for base in (a, b):
        status, body, _ = _get(base + "/readyz")
        assert status == 200, body
        assert body["checks"]["indexes"]["corpora"]["ideas"]["documents"] == 3

    # An idea saved through one worker is suggested by the other within a second.
    status, created = _post(
        a + "/api/v1/ideas",
        {
            "title": "Väderskydd för cyklar vid busstationen",
            "description": "Cykelställ under tak vid busstationen för pendlare.",
            "municipality": "2380",
            "email": "b@example.org",
            "consent": True,
        },
    )
    assert status == 201
    saved = time.monotonic()
    while created["id"] not in [key for key, _ in _similar(b, "väderskydd cyklar busstationen")]:
        assert time.monotonic() - saved < 1.0, "not suggested by the other worker within 1 s"
        time.sleep(0.02)

    # The writer folds the tail into a new snapshot; both workers move to it.
    framja("index_publish", "--force")
    time.sleep(0.3)
    names = {_get(base + "/readyz")[1]["checks"]["indexes"]["corpora"]["ideas"]["snapshot"] for base in (a, b)}
    assert len(names) == 1
    assert _similar(a, query) == _similar(b, query)


def test_probes_answer_json_when_the_database_is_down(tmp_path, workers):
    env = _environment(tmp_path, "postgres://postgres@127.0.0.1:9/nowhere")  # a closed port
    process, base = _start_worker(env, tmp_path)
    workers.append(process)
    status, body, content_type = _get(base + "/healthz")
    assert (status, content_type) == (503, "application/json")
    assert body["checks"]["database"]["ok"] is False
    status, body, content_type = _get(base + "/readyz")
    assert (status, content_type) == (503, "application/json")
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError"}
