"""The catalogue's corpora in the shared similarity service: offerings and events.

The front door (`/start`, `GET /api/v1/catalogue/match`) searches their text through the
service instead of scanning rows in Python. Every save and delete, from anywhere, is written to
the service's change log in the same transaction (signals), so the writer's next snapshot has it.
Text is every language version at once: the similarity library bridges Swedish and Norwegian
spelling, so a need written in nb or en finds a Swedish offering.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.db.models.signals import post_delete, post_save

from framja.catalogue.models import Event, Offering
from framja.indexes import registry
from framja.indexes import services as indexes
from framja.indexes.models import IndexChange

OFFERINGS = "offerings"
EVENTS = "events"


def _offering_document(offering: Offering) -> registry.Document:
    text = "\n".join(
        part
        for part in (
            offering.name_sv,
            offering.name_nb,
            offering.name_en,
            offering.description_sv,
            offering.description_nb,
            offering.description_en,
        )
        if part
    )
    attrs = {
        "organisation": str(offering.organisation_id),
        "area": offering.area_country or "",
        "type": offering.offering_type,
        "stage": offering.stages,
        "status": offering.status,
    }
    return offering.pk, text, attrs


def _offering_documents(keys: Collection[int] | None) -> Iterable[registry.Document]:
    rows = Offering.objects.published().order_by("pk")
    if keys is None:
        return (_offering_document(o) for o in rows.iterator(chunk_size=2_000))
    return [_offering_document(o) for o in rows.filter(pk__in=list(keys))]


def _event_document(event: Event) -> registry.Document:
    attrs = {
        "organisation": str(event.organiser_id),
        "area": str(event.municipality_id or ""),
        "status": event.status,
        "start": event.start.isoformat(),
        "end": (event.series_end or event.end).isoformat() if event.series_end or event.end else "",
    }
    return event.pk, f"{event.title}\n{event.description}", attrs


def _event_documents(keys: Collection[int] | None) -> Iterable[registry.Document]:
    rows = Event.objects.published().order_by("pk")
    if keys is None:
        return (_event_document(e) for e in rows.iterator(chunk_size=2_000))
    return [_event_document(e) for e in rows.filter(pk__in=list(keys))]


def register_corpora() -> None:
    registry.register(
        registry.Corpus(
            name=OFFERINGS,
            documents=_offering_documents,
            count=lambda: Offering.objects.published().count(),
            filters=("organisation", "area", "type", "stage", "status"),
        )
    )
    registry.register(
        registry.Corpus(
            name=EVENTS,
            documents=_event_documents,
            count=lambda: Event.objects.published().count(),
            filters=("organisation", "area", "status", "start", "end"),
        )
    )


def _offering_saved(sender: type[Offering], instance: Offering, **kwargs: Any) -> None:
    indexes.record_change(OFFERINGS, instance.pk, IndexChange.Op.UPSERT)


def _offering_deleted(sender: type[Offering], instance: Offering, **kwargs: Any) -> None:
    indexes.record_change(OFFERINGS, instance.pk, IndexChange.Op.REMOVE)


def _event_saved(sender: type[Event], instance: Event, **kwargs: Any) -> None:
    indexes.record_change(EVENTS, instance.pk, IndexChange.Op.UPSERT)


def _event_deleted(sender: type[Event], instance: Event, **kwargs: Any) -> None:
    indexes.record_change(EVENTS, instance.pk, IndexChange.Op.REMOVE)


def connect_signals() -> None:
    post_save.connect(_offering_saved, sender=Offering, dispatch_uid="catalogue-corpora-offering-save")
    post_delete.connect(_offering_deleted, sender=Offering, dispatch_uid="catalogue-corpora-offering-delete")
    post_save.connect(_event_saved, sender=Event, dispatch_uid="catalogue-corpora-event-save")
    post_delete.connect(_event_deleted, sender=Event, dispatch_uid="catalogue-corpora-event-delete")
