"""The audit page's filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from framja.audit.models import AuditEntry, AuditEntryQuerySet


def _plural_name(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(capfirst(model._meta.verbose_name_plural)) if model is not None else content_type.model


class AuditFilterForm(forms.Form):
    """Filter by action and by kind of object; the kinds offered are those in this log."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    type = forms.ChoiceField(label=_("Object type"), required=False)

    def __init__(self, *args: Any, entries: AuditEntryQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = cast(forms.ChoiceField, self.fields["action"])
        action.choices = [("", _("All actions")), *AuditEntry.Action.choices]
        types = ContentType.objects.filter(pk__in=entries.order_by().values("content_type").distinct())
        labelled = sorted(((str(ct.pk), _plural_name(ct)) for ct in types), key=lambda choice: choice[1])
        cast(forms.ChoiceField, self.fields["type"]).choices = [("", _("All types")), *labelled]

    def filter(self, entries: AuditEntryQuerySet) -> AuditEntryQuerySet:
        if not self.is_valid():
            return entries
        if self.cleaned_data["action"]:
            entries = entries.filter(action=self.cleaned_data["action"])
        if self.cleaned_data["type"]:
            entries = entries.filter(content_type_id=int(self.cleaned_data["type"]))
        return entries
