"""The outbox: mail is queued in the change's transaction, sent after commit outside the
request, claimed once, retried with back-off and given up after the last attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from framja.jobs import services as jobs
from framja.jobs.models import Job
from framja.jobs.services import run_jobs
from framja.notifications import services
from framja.notifications.models import OutboundEmail
from tests.notifications.backends import FlakyBackend

pytestmark = pytest.mark.django_db


def test_mail_is_sent_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = services.queue_email(to="a@example.org", subject="Hej", body="Text", language="sv")
        assert mail.outbox == []  # nothing leaves inside the transaction
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"
    assert mail.outbox[0].extra_headers["Content-Language"] == "sv"
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 1


def test_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    with (  # noqa: PT012
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValueError, match="later"),
        transaction.atomic(),
    ):
        services.queue_email(to="a@example.org", subject="Hej", body="Text")
        raise ValueError("something later failed")
    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


def test_a_claimed_mail_is_not_sent_twice():
    email = services.queue_email(to="a@example.org", subject="Hej", body="Text")
    assert services.send_one(email.pk) is True
    assert services.send_one(email.pk) is None
    OutboundEmail.objects.filter(pk=email.pk).update(sent_at=None, claimed_until=timezone.now() + timedelta(minutes=1))
    assert services.send_one(email.pk) is None  # another process holds it
    assert len(mail.outbox) == 1


def test_failure_is_retried_with_back_off(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures_left = 1
    with django_capture_on_commit_callbacks(execute=True):
        email = services.queue_email(to="a@example.org", subject="Hej", body="Text")
    email.refresh_from_db()
    assert mail.outbox == []
    assert email.attempts == 1
    assert email.sent_at is None
    assert email.failed_at is None
    assert "mail server unavailable" in email.last_error
    assert email.next_attempt_at > timezone.now() + timedelta(seconds=30)
    assert services.send_due().sent == 0  # not due yet
    result = services.send_due(now=email.next_attempt_at + timedelta(seconds=1))
    assert result.sent == 1
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 2
    assert email.last_error == ""
    assert len(mail.outbox) == 1


def test_gives_up_after_the_last_attempt(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    settings.FRAMJA_MAIL_MAX_ATTEMPTS = 3
    FlakyBackend.failures_left = 10
    email = services.queue_email(to="a@example.org", subject="Hej", body="Text")
    now = timezone.now()
    for _ in range(3):
        services.send_one(email.pk, now=now)
        email.refresh_from_db()
        now = email.next_attempt_at
    assert email.failed_at is not None
    assert email.attempts == 3
    assert services.send_due(now=now + timedelta(days=1)).sent == 0
    FlakyBackend.failures_left = 0


def test_back_off_doubles_and_is_capped():
    assert services.backoff(1) == timedelta(minutes=1)
    assert services.backoff(2) == timedelta(minutes=2)
    assert services.backoff(3) == timedelta(minutes=4)
    assert services.backoff(30) == timedelta(hours=6)


def test_send_queued_mail_command_is_rerunnable(capsys):
    OutboundEmail.objects.create(to="a@example.org", subject="S", body="B", next_attempt_at=timezone.now())
    call_command("send_queued_mail")
    call_command("send_queued_mail")
    assert len(mail.outbox) == 1
    assert "sent 1" in capsys.readouterr().out


def test_templates_render_in_the_recipients_language():
    subject, body = services.render_email(
        "idea_withdrawn", {"idea": {"reference": "IDE-2380-2026-0001", "title": "T"}, "url": "u"}, language="en"
    )
    assert subject == "Idea IDE-2380-2026-0001 was withdrawn"
    assert "\n" not in subject
    assert body.endswith("\n")
    email = services.queue_templated_email(
        to="a@example.org", template="idea_withdrawn", context={"idea": {"reference": "R", "title": "T"}}, language="nb"
    )
    assert email.language == "nb"


def test_mail_is_a_job_written_with_the_change(settings):
    """With the database backend the send job's row commits (or rolls back) with the change;
    a worker sends the mail outside the request."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with pytest.raises(ValueError, match="later"), transaction.atomic():  # noqa: PT012
        services.queue_email(to="lost@example.org", subject="Hej", body="Text")
        raise ValueError("something later failed")
    assert not DBTaskResult.objects.exists()
    with transaction.atomic():
        email = services.queue_email(to="a@example.org", subject="Hej", body="Text")
        assert DBTaskResult.objects.ready().count() == 1
    assert mail.outbox == []  # nothing is sent inside the request
    assert run_jobs() == 1
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    email.refresh_from_db()
    assert email.sent_at is not None
    assert Job.objects.get().state == Job.State.DONE


def test_scheduled_sweep_sends_due_retries(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    OutboundEmail.objects.create(to="a@example.org", subject="S", body="B", next_attempt_at=timezone.now())
    assert "notifications-send-due-mail" in jobs.run_schedule()
    run_jobs()
    assert len(mail.outbox) == 1


class DeliveredThenLost(FlakyBackend):
    """Delivers the message, then the connection drops before the sender learns it (as a sender
    killed between delivery and marking the row sent): the outbox tries again later."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise ConnectionResetError("connection lost after delivery")


def test_a_message_keeps_one_message_id_on_every_attempt(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.DeliveredThenLost"
    FlakyBackend.failures_left = 0
    email = services.queue_email(to="a@example.org", subject="Hej", body="Text")
    assert email.message_id.startswith("<")
    assert email.message_id.endswith("@framja.localhost>")
    services.send_one(email.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    email.refresh_from_db()
    services.send_one(email.pk, now=email.next_attempt_at)
    assert len(mail.outbox) == 2  # delivered twice ...
    ids = {m.message()["Message-ID"] for m in mail.outbox}
    assert ids == {email.message_id}  # ... as one message, so mail clients show it once


def test_a_message_is_marked_sent_before_the_connection_closes(settings):
    """A sender that dies while closing the SMTP connection has already marked the mail sent."""
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.FailingClose"
    FlakyBackend.failures_left = 0
    FailingClose.sent_when_closing = []
    email = services.queue_email(to="a@example.org", subject="Hej", body="Text")
    assert services.send_one(email.pk) is True
    email.refresh_from_db()
    assert email.sent_at is not None
    assert FailingClose.sent_when_closing == [True]


class FailingClose(FlakyBackend):
    sent_when_closing: list[bool] = []

    def close(self):
        FailingClose.sent_when_closing.append(OutboundEmail.objects.filter(sent_at__isnull=False).exists())
        raise OSError("QUIT failed")
