"""Load benchmark of the idea sluice (issue 10): gunicorn on PostgreSQL driven by locust.

    .venv/bin/python bench/load/run.py [--ideas 100000] [--users 10,50] [--seconds 60] [--workers 3]
                                       [--database-url postgres://postgres@127.0.0.1:5432/framja_scale_bench]

Seeds (or reuses) N ideas with bench/idea_pages.py's seed (20 municipalities and their
organisations, a region, supports, duplicate links, co-developed ideas), publishes the
similarity snapshot (as `make run` does; without one the similar endpoint would answer empty
lists), creates a session for the bench caseworker and an API token for a submitter, starts
gunicorn with `--workers` sync workers on loopback and runs locust headless from a separate
process for `--seconds` at each level of `--users` (bench/locustfile.py: the public submit
page, as-you-type similar, submissions, the public idea page, the inbox with and without a
search, the casework page, the dashboard, the regional view, the API list and the CSV export,
beside /healthz, the trivial endpoint served by the same server in the same run).

Per level it prints requests, errors, requests/s, p50/p95/p99 per endpoint and one JSON line
{"endpoints": {NAME: {"requests", "errors", "p50_ms", "p95_ms", ...}}, "trivial": {...},
"ideas": N, "users": U}. Then it checks the submissions: every accepted one (201) is stored
exactly once (its title carries the run's marker) and was indexed (an index change was
logged with it, and a reader in this process finds it as the best match of its own text). The
last line is the JSON of the last level with "submissions": {"accepted", "stored", "indexed"}.
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
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=2_000)
    parser.add_argument("--users", default="10,50", help="comma-separated levels, run one after the other")
    parser.add_argument("--seconds", type=int, default=60)
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

    from framja.accounts.models import ApiToken, User
    from framja.ideas.models import Idea
    from framja.indexes import services as indexes
    from framja.indexes.models import IndexChange

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
    started = time.perf_counter()
    call_command("index_publish", verbosity=0)
    print(f"similarity snapshot: {time.perf_counter() - started:.1f} s", flush=True)
    submitter = User.objects.filter(username="bench-submitter").first() or User.objects.create_user(
        username="bench-submitter", email="bench-submitter@example.org", password=None
    )
    _token, raw_token = ApiToken.issue(user=submitter, name="bench/load")
    run = f"lb{uuid.uuid4().hex[:10]}"
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
        "LOAD_TOKEN": raw_token,
        "LOAD_RUN": run,
        "LOAD_MUNICIPALITY": "SE-9900",
        "LOAD_ACCEPTED": str(Path(data_dir) / "accepted.txt"),
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "framja.wsgi", "-w", str(args.workers), "-b",
         f"127.0.0.1:{args.port}", "--timeout", "120", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )  # fmt: skip
    levels = [int(u) for u in str(args.users).split(",") if u.strip()]
    results = []
    try:
        time.sleep(3)
        for users in levels:
            prefix = Path(data_dir) / f"locust-{users}"
            subprocess.run(
                [str(ROOT / ".venv/bin/locust"), "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
                 "-u", str(users), "-r", str(users), "-t", f"{args.seconds}s", "--stop-timeout", "10",
                 "--host", f"http://127.0.0.1:{args.port}", "--csv", str(prefix), "--only-summary",
                 "--loglevel", "WARNING"],
                env=load_env,
                check=False,
            )  # fmt: skip
            results.append(report(prefix, ideas=args.ideas, users=users))
    finally:
        server.terminate()
        server.wait(timeout=30)
    accepted_file = Path(load_env["LOAD_ACCEPTED"])
    accepted = accepted_file.read_text(encoding="utf-8").split("\n")[:-1] if accepted_file.exists() else []
    stored = list(Idea.objects.filter(title__contains=run).values_list("pk", "title", "description"))
    count = dict.fromkeys(accepted, 0)
    for _pk, title, _d in stored:
        count[title] = count.get(title, 0) + 1
    logged = set(
        IndexChange.objects.filter(corpus="ideas", key__in=[pk for pk, _t, _d in stored]).values_list("key", flat=True)
    )
    reader = indexes.reader("ideas")
    reader.sync(force=True)
    wanted = set(accepted)
    indexed = sum(
        1
        for pk, title, description in stored
        if title in wanted and pk in logged and any(h.key == pk for h in reader.query(f"{title}\n{description}", k=3))
    )
    submissions = {
        "accepted": len(accepted),
        "stored_once": sum(1 for title in accepted if count[title] == 1),
        "missing": sum(1 for title in accepted if count[title] == 0),
        "duplicated": sum(1 for n in count.values() if n > 1),
        "indexed": indexed,
        # Answered after locust stopped listening: stored, not acknowledged (not an error).
        "unacknowledged": sum(1 for title in count if title not in wanted),
    }
    ok = submissions["stored_once"] == submissions["indexed"] == len(accepted) and not submissions["duplicated"]
    print(f"submissions: {submissions} -> {'every accepted submission stored once and indexed' if ok else 'MISMATCH'}")
    print(json.dumps({**results[-1], "submissions": submissions, "levels": levels}))
    if not ok:
        sys.exit(1)


def report(prefix: Path, *, ideas: int, users: int) -> dict:
    """Per-endpoint figures of one locust run (its CSV), printed and returned."""
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
    print(f"--- {users} users, {ideas} ideas")
    for name, figures in sorted(endpoints.items()):
        print(
            f"{name}: {figures['requests']} requests, {figures['errors']} errors, "
            f"{figures['requests_per_s']}/s, p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
            f"p99 {figures['p99_ms']} ms"
        )
    print(f"trivial: {trivial}")
    result = {"endpoints": endpoints, "trivial": trivial, "ideas": ideas, "users": users}
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    main()
