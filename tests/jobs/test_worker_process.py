"""Real `framja worker` processes: killed in the middle of a job, and two at once on one schedule."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from typing import Any

WORKER = ("worker", "--interval", "0.2", "--tick", "0.5")


def wait_until(check: Callable[[], Any], *, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_in_the_middle_of_a_job_does_it_exactly_once_after_restart(site, tmp_path):
    installation = site()
    runs = tmp_path / "runs.log"
    installation.python(
        "from django.db import transaction\n"
        "from framja.jobs.services import enqueue\n"
        "from tests.jobs.tasks import effect_then_slow_work\n"
        "with transaction.atomic():\n"
        f"    job = enqueue(effect_then_slow_work, 'kill-test', {str(runs)!r})\n"
        "result = job.pk"
    )
    first = installation.start(*WORKER, name="worker-1")
    wait_until(lambda: runs.exists(), seconds=60, what="the job to start")

    def look() -> list[Any]:
        groups = installation.sql("SELECT count(*) FROM auth_group WHERE name = 'kill-test'")[0][0]
        job = installation.sql("SELECT state, attempts FROM jobs_job WHERE name LIKE '%effect_then_slow_work'")[0]
        return [groups, *job]

    wait_until(lambda: look()[0] == 1, seconds=30, what="the job's effect")
    first.send_signal(signal.SIGKILL)  # in the middle of the job: effect written, job not finished
    first.wait(timeout=10)
    assert look() == [1, "running", 1]

    installation.start(*WORKER, name="worker-2")
    done = wait_until(
        lambda: (state := look())[1] == "done" and state,
        seconds=90,
        what="the restarted worker to finish the job",
    )
    assert done == [1, "done", 2]  # the effect exactly once, after two runs
    assert runs.read_text().count("run") == 2
    assert "re-queued" in installation.log("worker-2")


def test_two_workers_enqueue_each_schedule_entry_once(site):
    installation = site()
    installation.start(*WORKER, "--worker-id", "one", name="worker-one")
    installation.start(*WORKER, "--worker-id", "two", name="worker-two")
    count = "SELECT count(*) FROM jobs_scheduledrun"
    wait_until(lambda: installation.sql(count)[0][0] >= 3, seconds=60, what="the schedule to run")
    time.sleep(3)  # several more ticks of both workers
    by_name = dict(installation.sql("SELECT name, count(*) FROM jobs_scheduledrun GROUP BY name"))
    due_times = installation.sql("SELECT count(*) FROM (SELECT DISTINCT name, due_at FROM jobs_scheduledrun)")[0][0]
    jobs = installation.sql("SELECT count(*) FROM jobs_job")[0][0]
    assert by_name["ideas-duplicate-candidates"] == 1
    assert by_name["jobs-prune-finished"] == 1
    assert by_name["notifications-send-due-mail"] in (1, 2)  # 2 only if a minute turned meanwhile
    assert jobs == due_times == sum(by_name.values())  # one job per entry and due time
    assert "Traceback" not in installation.log("worker-one") + installation.log("worker-two")
