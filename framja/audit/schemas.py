"""Shapes of the audit API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StringConstraints

from framja.audit.languages import localised
from framja.audit.models import AuditEntry


class AuditFilter(Schema):
    action: AuditEntry.Action | None = None
    object_type: Annotated[str, StringConstraints(max_length=100, pattern=r"^[a-z_]+\.[a-z_]+$")] | None = Field(
        None, description='App and model, e.g. "accounts.membership".'
    )
    object_id: Annotated[str, StringConstraints(max_length=64, pattern=r"^[-\w]+$")] | None = None


class ActorOut(Schema):
    id: int | None
    name: str


class FieldChangeOut(Schema):
    field: str
    label: str
    before: Any
    after: Any


class AuditEntryOut(Schema):
    id: int
    created_at: datetime
    actor: ActorOut
    organisation_id: int | None
    action: AuditEntry.Action
    object_type: str = Field(description='App and model, e.g. "accounts.membership".')
    object_type_label: str
    object_id: str
    object_repr: str = Field(description="The object's name when it changed, in the language asked for.")
    changes: list[FieldChangeOut] = Field(description="Per field: the raw values before and after, and its label.")

    @staticmethod
    def resolve_actor(obj: AuditEntry) -> dict[str, Any]:
        return {"id": obj.actor_id, "name": obj.actor_display}

    @staticmethod
    def resolve_object_type(obj: AuditEntry) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"

    @staticmethod
    def resolve_object_repr(obj: AuditEntry) -> str:
        return obj.object_label

    @staticmethod
    def resolve_object_type_label(obj: AuditEntry) -> str:
        return obj.object_type

    @staticmethod
    def resolve_changes(obj: AuditEntry) -> list[dict[str, Any]]:
        labels = {change.name: change.label for change in obj.field_changes()}
        result = []
        for name, pair in (obj.changes or {}).items():
            before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            label = labels.get(name, name)
            result.append({"field": name, "label": label, "before": _localised(before), "after": _localised(after)})
        return result


def _localised(value: Any) -> Any:
    """A kept label in the language asked for (framja.audit.languages); lists item by item."""
    if isinstance(value, list):
        return [localised(item) for item in value]
    return localised(value)
