"""The RQ backend (several hosts): the mail job end to end through Redis and an `rq` worker.

Skipped when Redis at 127.0.0.1:6379 is unreachable, except in CI (`CI` set), where it fails."""

from __future__ import annotations

import os

import pytest

REDIS_URL = os.environ.get("FRAMJA_TEST_RQ_URL", "redis://127.0.0.1:6379/8")


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_URL} is needed in CI: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable: {exc}")
    client.flushdb()
    yield client
    client.flushdb()


def test_mail_is_sent_by_an_rq_worker_only_after_commit(site, redis_db):
    installation = site(FRAMJA_TASKS_BACKEND="rq", FRAMJA_REDIS_URL=REDIS_URL)
    email_ids = installation.python(
        "from django.db import transaction\n"
        "from framja.notifications.services import queue_email\n"
        "try:\n"
        "    with transaction.atomic():\n"
        "        queue_email(to='lost@example.org', subject='Rolled back', body='Text')\n"
        "        raise ValueError\n"
        "except ValueError:\n"
        "    pass\n"
        "with transaction.atomic():\n"
        "    email = queue_email(to='a@example.org', subject='Hej', body='Text')\n"
        "result = [email.pk]"
    )
    assert redis_db.llen("rq:queue:default") == 1  # only the committed mail reached the queue
    installation.command("rqworker", "--burst", "--job-class", "django_tasks_rq.backend.Job", "default")
    state = installation.python(
        "from framja.jobs.models import Job\nfrom framja.notifications.models import OutboundEmail\n"
        f"email = OutboundEmail.objects.get(pk={email_ids[0]})\n"
        "result = [email.sent_at is not None, email.attempts, list(Job.objects.values_list('state', flat=True))]"
    )
    assert state == [True, 1, ["done"]]
    assert redis_db.llen("rq:queue:default") == 0
