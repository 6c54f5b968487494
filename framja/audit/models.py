"""The audit log: who changed which object when, with the values before and after."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from framja.audit.languages import I18N, is_translated, localised

#: What the log shows for a missing value.
EMPTY = "—"
#: actor_label of writes without a signed-in person (commands, jobs, anonymous requests).
SYSTEM_LABEL = "system"


@dataclass(frozen=True)
class FieldChange:
    """One changed field as people read it: translated field name, before and after."""

    name: str
    label: str
    before: str
    after: str


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def for_organisation(self, organisation_id: int) -> AuditEntryQuerySet:
        return self.filter(organisation_id=organisation_id)


class AuditEntry(models.Model):
    """One write. Never updated or deleted by the application (append-only)."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        #: A read of special-category data (the support log's demographics): who looked, when.
        READ = "read", _("Read sensitive data")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=200, blank=True)
    # No database constraint: the entries outlive the organisation (its own deletion is logged
    # after the row is gone, and staff can still read the history by its id).
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, verbose_name=_("type"))
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    object_repr_translations = models.JSONField(
        _("object in each language"),
        default=dict,
        blank=True,
        help_text=_("{language: name}, where the object's name is translated (a standard stage)."),
    )
    changes = models.JSONField(_("changes"), default=dict, help_text=_("{field: [before, after]}"))

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    @property
    def actor_display(self) -> str:
        return gettext("System") if self.actor_label in ("", SYSTEM_LABEL) else self.actor_label

    @property
    def object_label(self) -> str:
        """The object's name as it was, in the reader's language where it is translated."""
        if self.object_repr_translations:
            return str(localised({I18N: self.object_repr_translations}))
        return self.object_repr

    @property
    def object_type(self) -> str:
        """The kind of object in the reader's language, e.g. "Membership" (needs content_type loaded)."""
        model = self.content_type.model_class()
        return str(capfirst(model._meta.verbose_name)) if model is not None else self.content_type.model

    def field_changes(self) -> list[FieldChange]:
        """The changes with translated field names and choice labels; no queries."""
        model = self.content_type.model_class()
        result = []
        for name, pair in (self.changes or {}).items():
            before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            field = None
            if model is not None:
                try:
                    field = model._meta.get_field(name)
                except FieldDoesNotExist:
                    field = None
            label = str(capfirst(getattr(field, "verbose_name", name)))
            result.append(FieldChange(name, label, _format(field, before), _format(field, after)))
        return result


def _format(field: Any, value: Any) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if is_translated(value):
        return str(localised(value))
    if isinstance(value, list):
        return ", ".join(str(localised(item)) for item in value)
    if isinstance(value, str) and isinstance(field, (models.DateTimeField, models.DateField)):
        return _format_date(field, value)
    if isinstance(field, (models.DecimalField, models.FloatField)) and not isinstance(value, bool):
        return _format_number(value)
    choices = getattr(field, "flatchoices", None)
    if choices:
        labels = {str(key): label for key, label in choices}
        if str(value) in labels:
            return str(labels[str(value)])
    return str(value)


def _format_number(value: Any) -> str:
    """A decimal or float from the snapshot, with the reader's decimal separator (12,5 in sv/nb)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return str(formats.number_format(number, use_l10n=True))


def _format_date(field: Any, value: str) -> str:
    """ISO text from the snapshot, shown in the reader's time zone and date format."""
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(value)
        if moment is None:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return str(formats.date_format(moment, "SHORT_DATETIME_FORMAT"))
    day = parse_date(value)
    return str(formats.date_format(day, "SHORT_DATE_FORMAT")) if day else value
