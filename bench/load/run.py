"""Load benchmark of the idea sluice (issue 10): gunicorn on PostgreSQL driven by locust.

    .venv/bin/python bench/load/run.py [--ideas 2000] [--users 10] [--seconds 20] [--workers 3]
                                       [--database-url postgres://postgres@127.0.0.1:5432/framja_scale_bench]

Seeds (or reuses) N ideas with bench/idea_pages.py's seed (20 municipalities and their
organisations, a region, supports, duplicate links, co-developed ideas), creates a session for
the bench caseworker, starts gunicorn with `--workers` sync workers on loopback and runs locust
headless from a separate process for `--seconds` with `--users` users (bench/load/locustfile.py:
the public submit page, as-you-type similar, the public idea page, the inbox with and without
a search, the casework page, the dashboard, the regional view, the API list and the CSV export,
beside /healthz). Prints requests, errors, p50 and p95 per endpoint; its last line is JSON:
{"endpoints": {NAME: {"requests", "errors", "p50_ms", "p95_ms"}}, "trivial": {...}, "ideas": N,
"users": U}.

A skeleton: submissions (and the check that each accepted one is stored once and indexed) are
not in the mix yet, and the issue's 100,000 ideas and 50 users are a matter of the arguments
and a machine to match.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=2_000)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/framja_scale_bench")
    args = parser.parse_args()
    data_dir = os.environ.get("FRAMJA_DATA_DIR") or tempfile.mkdtemp(prefix="bench-load-")
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "framja.settings",
        "FRAMJA_DATA_DIR": data_dir,
        "FRAMJA_REDIS_URL": os.environ.get("FRAMJA_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "FRAMJA_CACHE_KEY_PREFIX": "framja-bench-load",
        "FRAMJA_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FRAMJA_DEBUG": "0",
        "FRAMJA_SSL_REDIRECT": "0",
        "FRAMJA_SECRET_KEY": "bench-only-" + "k" * 50,
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection

    from framja.accounts.models import User
    from framja.ideas.models import Idea

    spec = importlib.util.spec_from_file_location("idea_pages", ROOT / "bench" / "idea_pages.py")
    assert spec is not None
    assert spec.loader is not None
    idea_pages = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(idea_pages)

    call_command("migrate", "--no-input", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    started = time.perf_counter()
    idea_pages.seed(args.ideas)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seed: {time.perf_counter() - started:.1f} s", flush=True)
    user = User.objects.get(username="bench")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    ideas = Idea.objects.filter(receiving_organisation__slug="bench-0").values_list("pk", flat=True)[:500]
    load_env = {
        **env,
        "LOAD_SESSION": session.session_key or "",
        "LOAD_IDEAS": ",".join(str(pk) for pk in ideas),
        "LOAD_WORDS": ",".join(idea_pages.WORDS),
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "framja.wsgi", "-w", str(args.workers), "-b",
         f"127.0.0.1:{args.port}", "--timeout", "120", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )  # fmt: skip
    prefix = Path(data_dir) / "locust"
    try:
        time.sleep(3)
        subprocess.run(
            [str(ROOT / ".venv/bin/locust"), "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
             "-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds}s", "--stop-timeout", "10",
             "--host", f"http://127.0.0.1:{args.port}", "--csv", str(prefix), "--only-summary",
             "--loglevel", "WARNING"],
            env=load_env,
            check=False,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    endpoints = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            endpoints[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "requests_per_s": round(float(row["Requests/s"]), 1),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
            }
    trivial = endpoints.pop("trivial", {})
    for name, figures in sorted(endpoints.items()):
        print(
            f"{name}: {figures['requests']} requests, {figures['errors']} errors, "
            f"{figures['requests_per_s']}/s, p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms"
        )
    print(f"trivial: {trivial}")
    print(json.dumps({"endpoints": endpoints, "trivial": trivial, "ideas": args.ideas, "users": args.users}))


if __name__ == "__main__":
    main()
