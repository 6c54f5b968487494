"""Automatic auditing of registered models through model signals.

Register a model once (in its app's `ready()` or at the bottom of its models module):

    audit.register(Organisation, organisation=lambda org: org.pk, exclude={"updated_at"})

Every save and delete of it (pages, API, admin, commands) then writes an AuditEntry with
the changed fields' before/after values and the current actor (framja.audit.context).
Values are kept as people read them: related objects by their str() (in every language where that
is translated, see framja.audit.languages), many-to-many fields as the full sorted lists before
and after, `redact` fields as "•••" (a change is still recorded).
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
from framja.audit.languages import I18N, default_text, in_every_language, is_translated

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


def audited_fields(model: type[models.Model]) -> list[Any]:
    """The fields whose values the log keeps for a registered model (none if it is not registered)."""
    config = _registry.get(model)
    if config is None:
        return []
    return [f for f in model._meta.concrete_fields if f.name not in config.exclude and not _is_bookkeeping(f)]


def _plain(value: Any) -> Any:
    """A JSON-safe value: primitives as they are, anything else (dates, decimals, UUIDs) as text."""
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def snapshot(instance: models.Model, config: AuditedModel) -> dict[str, Any]:
    """The audited fields' raw values (foreign keys as ids); compared to find what changed."""
    return {
        f.name: _plain(f.value_from_object(instance))
        for f in instance._meta.concrete_fields
        if f.name not in config.exclude and not _is_bookkeeping(f)
    }


def _is_bookkeeping(f: Any) -> bool:
    """The primary key and automatic timestamps: the entry records those itself."""
    return bool(f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))


def _related_label(instance: models.Model, field: Any, pk: Any) -> Any:
    """How the log names a related object: its str() in every language (framja.audit.languages),
    from the instance's cache when possible."""
    cached = field.get_cached_value(instance, None) if field.is_cached(instance) else None
    related = cached if cached is not None and cached.pk == pk else None
    if related is None:
        related = field.related_model._base_manager.filter(pk=pk).first()
    return in_every_language(lambda: related) if related is not None else str(pk)


def _present(instance: models.Model, config: AuditedModel, name: str, value: Any) -> Any:
    """The value as the log keeps it: secrets redacted, related objects by their label."""
    if value is None or value == "":
        return value
    if name in config.redact:
        return REDACTED
    field = instance._meta.get_field(name)
    if field.many_to_one or field.one_to_one:
        return _related_label(instance, field, value)
    return value


def record(
    instance: models.Model,
    action: str,
    changes: dict[str, list[Any]],
    *,
    organisation_id: int | None = None,
) -> None:
    """Write one AuditEntry (also for writes that signals cannot see, such as bulk updates)."""
    from framja.audit.models import SYSTEM_LABEL, AuditEntry

    actor = current_actor()
    config = _registry.get(type(instance))
    if organisation_id is None and config is not None:
        organisation_id = config.organisation(instance)
    has_pk = getattr(actor, "pk", None) is not None
    name: Any = in_every_language(lambda: instance)
    AuditEntry.objects.create(
        actor=actor if has_pk else None,
        actor_label=str(actor)[:200] if has_pk else SYSTEM_LABEL,
        organisation_id=organisation_id,
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=default_text(name),
        object_repr_translations=name[I18N] if is_translated(name) else {},
        changes=changes,
    )


def _before_save(sender: type[models.Model], instance: models.Model, raw: bool, **kwargs: Any) -> None:
    config = _registry.get(sender)
    if config is None or raw:
        return
    previous = None
    if instance.pk is not None and not instance._state.adding:
        old = sender._base_manager.filter(pk=instance.pk).first()
        previous = snapshot(old, config) if old is not None else None
    instance._audit_before = previous  # type: ignore[attr-defined]


def _after_save(sender: type[models.Model], instance: models.Model, created: bool, raw: bool, **kwargs: Any) -> None:
    config = _registry.get(sender)
    if config is None or raw:
        return
    after = snapshot(instance, config)
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = after  # type: ignore[attr-defined]  # a second save compares with this one
    if created or before is None:
        changes = {
            name: [None, _present(instance, config, name, value)]
            for name, value in after.items()
            if value not in (None, "")
        }
        record(instance, "create", changes)
        return
    changes = {
        name: [_present(instance, config, name, before.get(name)), _present(instance, config, name, value)]
        for name, value in after.items()
        if before.get(name) != value
    }
    if changes:
        record(instance, "update", changes)


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    config = _registry.get(sender)
    if config is None:
        return
    before = snapshot(instance, config)
    record(
        instance,
        "delete",
        {
            name: [_present(instance, config, name, value), None]
            for name, value in before.items()
            if value not in (None, "")
        },
    )


def _labels_of(obj: models.Model) -> Any:
    return in_every_language(lambda: obj)


def _m2m_labels(instance: models.Model, field_name: str) -> list[Any]:
    labels = [_labels_of(obj) for obj in getattr(instance, field_name).all()]
    return sorted(labels, key=default_text)


def _m2m_changed(sender: Any, instance: models.Model, action: str, reverse: bool, **kwargs: Any) -> None:
    """Log a many-to-many change of a registered model as one field's full before/after lists.

    Changes made from the other side (`municipality.served_by.add(org)`) are not seen.
    """
    config = _registry.get(type(instance))
    if config is None or reverse:
        return
    field_name = next(
        (f.name for f in instance._meta.many_to_many if getattr(f.remote_field, "through", None) is sender),
        None,
    )
    if field_name is None or field_name in config.exclude:
        return
    pending: dict[str, list[Any]] = instance.__dict__.setdefault("_audit_m2m_before", {})
    if action in {"pre_add", "pre_remove", "pre_clear"}:
        pending[field_name] = _m2m_labels(instance, field_name)
    elif action in {"post_add", "post_remove", "post_clear"}:
        before = pending.pop(field_name, None)
        after = _m2m_labels(instance, field_name)
        if before != after:
            record(instance, "update", {field_name: [before, after]})


def connect_signals() -> None:
    pre_save.connect(_before_save, dispatch_uid="framja_audit_pre_save")
    post_save.connect(_after_save, dispatch_uid="framja_audit_post_save")
    post_delete.connect(_after_delete, dispatch_uid="framja_audit_post_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="framja_audit_m2m")


def redact_entries(
    model: type[models.Model], object_ids: Collection[Any], *, fields: Collection[str] = (), name: bool = True
) -> int:
    """Erasure of personal data (GDPR art. 17): scrub what past entries of these objects kept of
    a person. Their name (`object_repr`, when `name`) and the values of `fields` become "•••";
    who did what when stays. The one exception to the log being append-only. Returns the number
    of entries changed."""
    from framja.audit.models import AuditEntry

    if not object_ids:
        return 0
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in object_ids]
    )
    changed = 0
    for entry in entries.only("pk", "object_repr", "changes"):
        changes = dict(entry.changes or {})
        for key in fields:
            pair = changes.get(key)
            if isinstance(pair, list):
                changes[key] = [REDACTED if value not in (None, "") else value for value in pair]
        update: dict[str, Any] = {"changes": changes}
        if name:
            update |= {"object_repr": REDACTED, "object_repr_translations": {}}
        if changes != entry.changes or (name and entry.object_repr != REDACTED):
            AuditEntry.objects.filter(pk=entry.pk).update(**update)
            changed += 1
    return changed
