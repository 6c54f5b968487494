"""Benchmark of the inbox workbook export built by its background job, at scale.

    .venv/bin/python bench/export_job.py [--ideas 100000]
                                         [--database-url postgres://postgres@127.0.0.1:5432/framja_exports_bench]

Seeds the database with `bench/idea_pages.py`'s generator (reused when it already holds exactly
that many ideas), then gives every idea to one organisation ("bench-0"), so that its inbox holds
all N ideas. Then, each in a fresh child process (so each peak memory is its own):

* `job`: the export as a person starts it (the inbox's XLSX link, answered with a redirect to
  the export page), then `run_jobs()` as the worker runs it; the parent reads the export's
  progress while the child works. Prints the job's time, the child's peak memory (ru_maxrss)
  and its memory before the job, rows written, and the progress seen.
* `request`: the same workbook built in the request (the threshold raised), as every XLSX was
  before the job: the time a browser (and gunicorn's 30 s timeout) would wait.
* `trivial`: /healthz in the same kind of child, for the baseline of the machine.

The machine may be shared: compare the figures of one run with each other, not across runs.
The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "framja.settings")
    os.environ.setdefault("FRAMJA_DATA_DIR", tempfile.mkdtemp(prefix="bench-exports-"))
    os.environ["FRAMJA_REDIS_URL"] = ""
    os.environ["FRAMJA_TASKS_BACKEND"] = "db"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def _rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from the
    parent across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def prepare(ideas: int) -> None:
    import importlib.util

    from django.core.management import call_command
    from django.db import connection

    spec = importlib.util.spec_from_file_location("idea_pages", ROOT / "bench" / "idea_pages.py")
    assert spec is not None
    assert spec.loader is not None
    idea_pages = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(idea_pages)
    from framja.accounts.models import Organisation
    from framja.ideas.models import Export, Idea

    call_command("migrate", "--no-input", verbosity=0)
    started = time.perf_counter()
    idea_pages.seed(ideas)
    target = Organisation.objects.get(slug="bench-0")
    moved = Idea.objects.exclude(receiving_organisation=target).update(receiving_organisation=target)
    Export.objects.all().delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"seed: {time.perf_counter() - started:.1f} s ({moved} ideas moved to bench-0's inbox)", flush=True)


def child(mode: str) -> None:
    """One measurement, in this fresh process; prints one JSON line."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from framja.accounts.models import User
    from framja.ideas.models import Export
    from framja.jobs.services import run_jobs

    client = Client()
    client.force_login(User.objects.get(username="bench"))
    url = reverse("ideas-inbox-export", args=["xlsx"])
    before = _rss_mb()
    start_usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = start_usage.ru_utime + start_usage.ru_stime
    started = time.perf_counter()
    result: dict[str, Any] = {}
    if mode == "trivial":
        for _ in range(20):
            client.get("/healthz")
        result["seconds"] = (time.perf_counter() - started) / 20
    elif mode == "request":
        settings.FRAMJA_EXPORT_JOB_ROWS = 10**9
        response = client.get(url, {"organisation": "bench-0"})
        assert response.status_code == 200, response.status_code
        result["seconds"] = time.perf_counter() - started
        result["bytes"] = len(response.content)
    else:
        response = client.get(url, {"organisation": "bench-0"})
        assert response.status_code == 302, response.status_code
        result["request_seconds"] = time.perf_counter() - started
        export = Export.objects.get()
        print(json.dumps({"export": export.pk}), flush=True)
        started = time.perf_counter()
        run_jobs()
        result["seconds"] = time.perf_counter() - started
        export.refresh_from_db()
        assert export.status == Export.Status.READY, (export.status, export.error)
        result["rows"] = export.rows_done
        result["bytes"] = export.file.size
        download = client.get(reverse("ideas-export-download", args=[export.pk]))
        assert download.status_code == 200
        export.file.delete(save=False)
        export.delete()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result.update(
        rss_before_mb=round(before, 1),
        rss_peak_mb=round(_rss_mb(), 1),
        cpu_seconds=round(usage.ru_utime + usage.ru_stime - cpu_before, 1),
    )
    print(json.dumps(result), flush=True)


def measure(mode: str, database_url: str) -> dict[str, Any]:
    """Run `mode` in a child process; for the job, read its progress from here meanwhile."""
    command = [sys.executable, __file__, "--database-url", database_url, "--child", mode]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    progress: list[int] = []
    lines = []
    if mode == "job":
        from framja.ideas.models import Export

        first = process.stdout.readline()
        lines.append(first)
        export_id = json.loads(first)["export"]
        while process.poll() is None:
            done = Export.objects.filter(pk=export_id).values_list("rows_done", flat=True).first()
            if done is not None and (not progress or done != progress[-1]):
                progress.append(done)
            time.sleep(0.5)
    out, _err = process.communicate()
    lines.extend(out.splitlines())
    assert process.returncode == 0, (mode, process.returncode)
    result = json.loads([line for line in lines if line.strip()][-1])
    if mode == "job":
        result["progress_seen"] = progress
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=100_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/framja_exports_bench")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--skip-request", action="store_true", help="do not build the workbook in a request")
    args = parser.parse_args()
    _setup(args.database_url)
    if args.child:
        child(args.child)
        return
    prepare(args.ideas)
    results = {"trivial": measure("trivial", args.database_url)}
    print(f"trivial: {results['trivial']['seconds'] * 1000:.1f} ms per request", flush=True)
    results["job"] = measure("job", args.database_url)
    job = results["job"]
    print(
        f"job: {job['rows']} rows in {job['seconds']:.1f} s wall, {job['cpu_seconds']} s CPU in the child "
        f"(request answered in {job['request_seconds']:.2f} s), "
        f"peak memory {job['rss_peak_mb']} MB (before {job['rss_before_mb']} MB), file {job['bytes'] / 1e6:.1f} MB, "
        f"progress seen {job['progress_seen'][:3]}...{job['progress_seen'][-2:]} ({len(job['progress_seen'])} values)",
        flush=True,
    )
    if not args.skip_request:
        results["request"] = measure("request", args.database_url)
        req = results["request"]
        print(
            f"in the request: {req['seconds']:.1f} s wall, {req['cpu_seconds']} s CPU, "
            f"peak memory {req['rss_peak_mb']} MB (before {req['rss_before_mb']} MB)",
            flush=True,
        )
    print(json.dumps({"ideas": args.ideas, **results}))


if __name__ == "__main__":
    main()
