"""The catalogue's offerings and events in the shared similarity service."""

from __future__ import annotations

from framja.catalogue import corpora
from framja.indexes import services as indexes
from framja.indexes.models import IndexChange
from tests.catalogue.conftest import make_event, make_offering


def test_saving_and_deleting_an_offering_reaches_the_change_log(organisation):
    offering = make_offering(organisation)
    key = offering.pk
    offering.delete()
    ops = list(IndexChange.objects.filter(corpus=corpora.OFFERINGS, key=key).values_list("op", flat=True))
    assert ops[0] == IndexChange.Op.UPSERT
    assert ops[-1] == IndexChange.Op.REMOVE


def test_saving_an_event_reaches_the_change_log(organisation):
    event = make_event(organisation)
    assert IndexChange.objects.filter(corpus=corpora.EVENTS, key=event.pk).exists()


def test_norwegian_need_finds_swedish_offering(organisation):
    wanted = make_offering(
        organisation,
        name_sv="Exportrådgivning",
        name_nb="",
        name_en="",
        description_sv="Hjälp att sälja till utländska kunder och hitta nya marknader utomlands.",
    )
    make_offering(organisation, name_sv="Bokföringskurs", name_nb="", name_en="", description_sv="Lär dig bokföring.")
    indexes.reset_readers()
    indexes.rebuild(corpora.OFFERINGS)
    hits = indexes.reader(corpora.OFFERINGS).query("hjelp til å selge til utenlandske kunder, nye markeder", k=2)
    indexes.reset_readers()
    assert [hit.key for hit in hits][:1] == [wanted.pk]
