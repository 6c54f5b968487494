"""Queueing and sending e-mail through the outbox (`OutboundEmail`).

Rules (the only place in Främja that sends mail):
- `queue_email()` is called inside the transaction of the change it reports. The row commits
  with the change; a rolled-back change leaves no mail behind.
- After commit the row is handed to a background sender (`framja.notifications.sender`), so the
  request never waits for the mail server. `framja send_queued_mail` (cron or `--loop`) sends
  whatever is due, e.g. retries and mail queued by a process that died.
- Every send claims its row atomically first, so several processes never send one mail twice;
  a failure is retried with exponential back-off and given up after `FRAMJA_MAIL_MAX_ATTEMPTS`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
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


def queue_email(*, to: str, subject: str, body: str, language: str = "") -> OutboundEmail:
    """Put one e-mail in the outbox; it is sent after the surrounding transaction commits."""
    email = OutboundEmail.objects.create(
        to=to.strip(),
        subject=" ".join(str(subject).split())[:250],
        body=str(body),
        language=language[:5],
        next_attempt_at=timezone.now(),
    )
    # robust: a failure to hand over (the mail stays queued) must not turn a committed request into a 500.
    transaction.on_commit(lambda: _hand_to_sender(email.pk), robust=True)
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


def _hand_to_sender(pk: int) -> None:
    from framja.notifications import sender

    sender.wake(pk)


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
    try:
        message = EmailMessage(
            subject=email.subject,
            body=email.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
            headers={
                "Auto-Submitted": "auto-generated",
                **({"Content-Language": email.language} if email.language else {}),
            },
        )
        message.send(fail_silently=False)
    except Exception as exc:  # any backend error: record it and retry later
        attempts = email.attempts + 1
        gave_up = attempts >= max_attempts()
        OutboundEmail.objects.filter(pk=pk).update(
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=now + backoff(attempts),
            failed_at=now if gave_up else None,
            claimed_until=None,
        )
        logger.warning(
            "Sending e-mail %s failed (attempt %s%s): %s", pk, attempts, ", giving up" if gave_up else "", exc
        )
        return False
    OutboundEmail.objects.filter(pk=pk).update(
        attempts=email.attempts + 1, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return True


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0


def send_due(*, now: datetime | None = None, limit: int = 500) -> SendResult:
    """Send every due e-mail (at most `limit`): what cron and the background sender run."""
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


def next_due_at() -> datetime | None:
    """When the earliest waiting e-mail is due (the background sender sleeps until then)."""
    return (
        OutboundEmail.objects.filter(sent_at=None, failed_at=None)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
