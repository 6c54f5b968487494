"""The first answer to a request sent with an `Idempotency-Key`, kept so that a retry gets it again."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredAnswer(models.Model):
    """One caller's key: what the request was (operation and a hash of its body) and what it was answered."""

    scope = models.CharField(_("caller"), max_length=100, help_text=_("The account or the anonymous client."))
    key = models.CharField(_("key"), max_length=255)
    operation = models.CharField(_("operation"), max_length=200)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"))
    body = models.JSONField(_("body"))
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("stored answer")
        verbose_name_plural = _("stored answers")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_scope_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
