"""Outgoing e-mail, queued in the same transaction as the change it reports (an outbox).

Sending is a background job per message (`framja.notifications.tasks`), enqueued in the same
transaction, with retries and back-off; a rolled-back change never sends mail. Each message keeps
one Message-ID for all its attempts, so a message delivered twice is shown once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundEmailQuerySet(models.QuerySet["OutboundEmail"]):
    def due(self, now: object) -> OutboundEmailQuerySet:
        return self.filter(sent_at=None, failed_at=None, next_attempt_at__lte=now)


class OutboundEmail(models.Model):
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=5, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up"), null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True)
    #: The body holds a secret (a reset or invitation link): it is erased once sent or given up.
    sensitive = models.BooleanField(_("sensitive"), default=False)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
