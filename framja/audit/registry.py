"""Automatic auditing of registered models through model signals.

Register a model once (in its app's `ready()` or at the bottom of its models module):

    audit.register(Organisation, organisation=lambda org: org.pk, exclude={"updated_at"})

Every save and delete of it (pages, API, admin, commands) then writes an AuditEntry with
the changed fields' before/after values and the current actor (framja.audit.context).
The entry is written in the same transaction as the change, so they commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from framja.audit.context import current_actor

REDACTED = "•••"


@dataclass(frozen=True)
class AuditedModel:
    organisation: Callable[[Any], int | None]
    exclude: frozenset[str] = field(default_factory=frozenset)
    redact: frozenset[str] = field(default_factory=frozenset)


_registry: dict[type[models.Model], AuditedModel] = {}


def register(
    model: type[models.Model],
    *,
    organisation: Callable[[Any], int | None],
    exclude: Collection[str] = (),
    redact: Collection[str] = (),
) -> None:
    """Audit `model`; `organisation(obj)` names whose admins see the entries."""
    _registry[model] = AuditedModel(organisation, frozenset(exclude), frozenset(redact))


def is_registered(model: type[models.Model]) -> bool:
    return model in _registry


def snapshot(instance: models.Model, config: AuditedModel) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in config.exclude:
            continue
        value = f.value_from_object(instance)
        if f.name in config.redact and value:
            value = REDACTED
        data[f.name] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
    return data


def record(
    instance: models.Model,
    action: str,
    changes: dict[str, list[Any]],
    *,
    organisation_id: int | None = None,
) -> None:
    """Write one AuditEntry (also for writes that signals cannot see, such as bulk updates)."""
    from framja.audit.models import AuditEntry

    actor = current_actor()
    config = _registry.get(type(instance))
    if organisation_id is None and config is not None:
        organisation_id = config.organisation(instance)
    AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(actor) if actor is not None else "system",
        organisation_id=organisation_id,
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes,
    )


def _before_save(sender: type[models.Model], instance: models.Model, raw: bool, **kwargs: Any) -> None:
    config = _registry.get(sender)
    if config is None or raw:
        return
    previous = None
    if instance.pk is not None and not instance._state.adding:
        old = sender._default_manager.filter(pk=instance.pk).first()
        previous = snapshot(old, config) if old is not None else None
    instance._audit_before = previous  # type: ignore[attr-defined]


def _after_save(sender: type[models.Model], instance: models.Model, created: bool, raw: bool, **kwargs: Any) -> None:
    config = _registry.get(sender)
    if config is None or raw:
        return
    after = snapshot(instance, config)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        changes = {name: [None, value] for name, value in after.items() if value not in (None, "")}
        record(instance, "create", changes)
        return
    changes = {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
    if changes:
        record(instance, "update", changes)


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    config = _registry.get(sender)
    if config is None:
        return
    before = snapshot(instance, config)
    record(instance, "delete", {name: [value, None] for name, value in before.items() if value not in (None, "")})


def _m2m_changed(sender: Any, instance: models.Model, action: str, pk_set: set[Any] | None, **kwargs: Any) -> None:
    config = _registry.get(type(instance))
    if config is None or action not in {"post_add", "post_remove", "post_clear"}:
        return
    field_name = next(
        (f.name for f in instance._meta.many_to_many if getattr(f.remote_field, "through", None) is sender),
        "relations",
    )
    if action == "post_add":
        changes = {field_name: [None, sorted(str(pk) for pk in pk_set or ())]}
    elif action == "post_remove":
        changes = {field_name: [sorted(str(pk) for pk in pk_set or ()), None]}
    else:
        changes = {field_name: ["*", None]}
    record(instance, "update", changes)


def connect_signals() -> None:
    pre_save.connect(_before_save, dispatch_uid="framja_audit_pre_save")
    post_save.connect(_after_save, dispatch_uid="framja_audit_post_save")
    post_delete.connect(_after_delete, dispatch_uid="framja_audit_post_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="framja_audit_m2m")
