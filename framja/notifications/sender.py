"""The in-process background sender: mail leaves after commit without delaying the response.

One daemon thread per process takes e-mail ids from a queue and sends them; after a failure it
wakes again when the retry is due. The outbox row is the source of truth, so a mail whose
process dies before sending is picked up by `framja send_queued_mail`.

With `FRAMJA_MAIL_SYNC = True` (tests) the mail is sent at once, in the committing thread.
"""

from __future__ import annotations

import logging
import os
import queue
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

#: Longest sleep while retries wait, so a changed schedule is noticed.
MAX_SLEEP_SECONDS = 300.0

_lock = threading.Lock()
_queue: queue.Queue[int] = queue.Queue()
_thread: threading.Thread | None = None
_pid: int | None = None


def wake(pk: int) -> None:
    """Send e-mail `pk` soon, outside the current request (called from transaction.on_commit)."""
    from framja.notifications.services import send_one

    if getattr(settings, "FRAMJA_MAIL_SYNC", False):
        send_one(pk)
        return
    _ensure_thread()
    _queue.put(pk)


def _ensure_thread() -> None:
    global _thread, _pid, _queue
    with _lock:
        if _thread is not None and _thread.is_alive() and _pid == os.getpid():
            return
        if _pid != os.getpid():  # forked (e.g. gunicorn --preload): the parent's queue is not ours
            _queue = queue.Queue()
        _pid = os.getpid()
        _thread = threading.Thread(target=_run, name="framja-mail-sender", daemon=True)
        _thread.start()


def _run() -> None:
    from framja.notifications.services import next_due_at, send_due, send_one

    timeout: float | None = None
    while True:
        try:
            pk = _queue.get(timeout=timeout)
        except queue.Empty:
            pk = None
        try:
            close_old_connections()
            if pk is None or send_one(pk) is False:
                send_due()
            due = next_due_at()
            timeout = None if due is None else min(max((due - timezone.now()).total_seconds(), 1.0), MAX_SLEEP_SECONDS)
        except Exception:  # never let the thread die; the outbox keeps the mail
            logger.exception("Background mail sender failed; retrying later")
            timeout = MAX_SLEEP_SECONDS
        finally:
            connection.close()
