"""Queueing and sending e-mail through the outbox (`OutboundEmail`).

Rules (the only place in Främja that sends mail):
- `queue_email()` is called inside the transaction of the change it reports. The row and its
  send job (`tasks.send_email`) commit with the change; a rolled-back change leaves no mail.
- A worker sends it outside the request; the scheduled sweep (`tasks.send_due_mail`, also
  `framja send_queued_mail`) sends retries that are due and anything a job missed.
- Every send claims its row atomically first, so several processes never send one mail twice;
  a failure is retried with exponential back-off and given up after `FRAMJA_MAIL_MAX_ATTEMPTS`.
- Each message gets its Message-ID when queued and keeps it on every attempt: should a sender
  die between delivery and marking the row sent (one UPDATE, before the SMTP connection is
  closed), the second delivery carries the same Message-ID and mail clients show it once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from framja.notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

#: How long a sender may hold a claimed row before another process may take it over.
CLAIM_SECONDS = 300
#: First retry after this many seconds; doubled for each further failure, capped at MAX_BACKOFF.
FIRST_BACKOFF_SECONDS = 60
MAX_BACKOFF_SECONDS = 6 * 60 * 60


def max_attempts() -> int:
    return int(getattr(settings, "FRAMJA_MAIL_MAX_ATTEMPTS", 6))


def backoff(attempts: int) -> timedelta:
    """Delay before the next attempt after `attempts` failures: 1 min, 2 min, 4 min, ... ≤ 6 h."""
    return timedelta(seconds=min(FIRST_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def new_message_id() -> str:
    """A Message-ID in the sender's domain (no DNS lookup, unlike Django's DNS_NAME)."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "framja.localhost"
    return make_msgid(domain=domain)


def queue_email(*, to: str, subject: str, body: str, language: str = "", sensitive: bool = False) -> OutboundEmail:
    """Put one e-mail in the outbox with its send job; both commit with the surrounding
    transaction. `sensitive`: the body holds a secret link and is erased once sent."""
    from framja.jobs.services import enqueue
    from framja.notifications.tasks import send_email

    with transaction.atomic():
        email = OutboundEmail.objects.create(
            to=to.strip(),
            subject=" ".join(str(subject).split())[:250],
            body=str(body),
            language=language[:5],
            next_attempt_at=timezone.now(),
            message_id=new_message_id(),
            sensitive=sensitive,
        )
        enqueue(send_email, email.pk)
    return email


def render_email(template: str, context: dict[str, Any], *, language: str = "") -> tuple[str, str]:
    """Render `notifications/<template>.txt` in `language`: first line subject, the rest body."""
    with translation.override(language or settings.LANGUAGE_CODE):
        text = render_to_string(f"notifications/{template}.txt", {"site_url": settings.SITE_URL, **context})
    subject, _, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def queue_templated_email(*, to: str, template: str, context: dict[str, Any], language: str = "") -> OutboundEmail:
    """`render_email()` in the recipient's language, then `queue_email()`."""
    language = language or settings.LANGUAGE_CODE
    subject, body = render_email(template, context, language=language)
    return queue_email(to=to, subject=subject, body=body, language=language)


ERASED_BODY = "[erased after sending: it held a personal link]"


def send_one(pk: int, *, now: datetime | None = None) -> bool | None:
    """Claim and send one due e-mail. True: sent; False: failed (retry scheduled or given up);
    None: not due, already sent or claimed by another process."""
    now = now or timezone.now()
    claimed = (
        OutboundEmail.objects.due(now)
        .filter(pk=pk)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    if not claimed:
        return None
    email = OutboundEmail.objects.get(pk=pk)
    message_id = email.message_id or new_message_id()  # rows queued before Message-IDs were kept
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={
            "Message-ID": message_id,
            "Auto-Submitted": "auto-generated",
            **({"Content-Language": email.language} if email.language else {}),
        },
    )
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
        connection.send_messages([message])
    except Exception as exc:  # any backend error: record it and retry later
        _close_quietly(connection)
        attempts = email.attempts + 1
        gave_up = attempts >= max_attempts()
        OutboundEmail.objects.filter(pk=pk).update(
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=now + backoff(attempts),
            failed_at=now if gave_up else None,
            claimed_until=None,
            message_id=message_id,
            **({"body": ERASED_BODY} if gave_up and email.sensitive else {}),
        )
        logger.warning(
            "Sending e-mail %s failed (attempt %s%s): %s", pk, attempts, ", giving up" if gave_up else "", exc
        )
        return False
    # Marked sent at once, before the connection is closed: the window in which a dying sender
    # leaves a delivered mail unmarked is this one UPDATE.
    OutboundEmail.objects.filter(pk=pk).update(
        attempts=email.attempts + 1,
        sent_at=timezone.now(),
        claimed_until=None,
        last_error="",
        message_id=message_id,
        **({"body": ERASED_BODY} if email.sensitive else {}),
    )
    _close_quietly(connection)
    return True


def _close_quietly(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # the mail is already delivered or already failed; a QUIT error changes nothing
        logger.info("Closing the mail connection failed", exc_info=True)


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0


def send_due(*, now: datetime | None = None, limit: int = 500) -> SendResult:
    """Send every due e-mail (at most `limit`): the scheduled sweep and `send_queued_mail`."""
    now = now or timezone.now()
    result = SendResult()
    pks = list(OutboundEmail.objects.due(now).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    for pk in pks:
        outcome = send_one(pk, now=now)
        if outcome is True:
            result.sent += 1
        elif outcome is False:
            result.failed += 1
    return result
