"""The change log of every similarity corpus."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexChange(models.Model):
    """ "Document `key` of `corpus` changed": written in the transaction of the change.

    Readers apply the rows newer than their snapshot (the tail) in memory; the writer folds
    them into the next snapshot, and rows a snapshot includes are pruned.
    """

    class Op(models.TextChoices):
        UPSERT = "upsert", _("Added or changed")
        REMOVE = "remove", _("Removed")

    corpus = models.CharField(_("corpus"), max_length=40)
    key = models.BigIntegerField(_("document"))
    op = models.CharField(_("operation"), max_length=6, choices=Op.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("index change")
        verbose_name_plural = _("index changes")
        indexes = [models.Index(fields=["corpus", "id"], name="indexes_change_corpus_id")]

    def __str__(self) -> str:
        return f"{self.corpus} {self.op} {self.key}"
