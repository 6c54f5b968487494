from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from framja.catalogue.models import Event, Offering, OfferingStatus, RegistrationMode
from tests.catalogue.conftest import local, make_event, make_offering
from tests.factories import CountyFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_serving_covers_municipality_county_and_whole_country(organisation, municipality):
    by_municipality = make_offering(organisation, name_sv="Kommunens")
    by_municipality.area_municipalities.add(municipality)
    by_county = make_offering(organisation, name_sv="Länets")
    by_county.area_counties.add(municipality.county)
    by_country = make_offering(organisation, name_sv="Rikets", area_country="SE")
    elsewhere = make_offering(organisation, name_sv="Norges", area_country="NO")
    other_county = CountyFactory.create(code="22", name="Västernorrlands län")
    far = make_offering(organisation, name_sv="Annat län")
    far.area_counties.add(other_county)

    found = set(Offering.objects.active().serving(municipality))

    assert found == {by_municipality, by_county, by_country}
    assert elsewhere not in found
    assert far not in found


def test_active_leaves_out_closed_offerings(organisation, municipality):
    closed = make_offering(organisation, area_country="SE", status=OfferingStatus.TEMPORARILY_CLOSED)
    assert closed not in Offering.objects.active().serving(municipality)
    assert closed in Offering.objects.published()


def test_stage_filter_includes_offerings_for_every_stage(organisation):
    growth = make_offering(organisation, stages="growth")
    every = make_offering(organisation, stages="")
    idea = make_offering(organisation, stages="idea start_up")
    assert set(Offering.objects.for_stage("growth")) == {growth, every}
    assert idea in Offering.objects.for_stage("start_up")


def test_name_follows_the_readers_language(organisation):
    from django.utils import translation

    offering = make_offering(organisation, name_nb="")
    with translation.override("en"):
        assert offering.name == "Advice for new businesses"
    with translation.override("nb"):
        assert offering.name == "Rådgivning för nya företag"  # falls back to Swedish


def test_amount_range_and_currency_are_checked(organisation):
    offering = Offering(organisation=organisation, name_sv="Lån", offering_type="loan", amount_min=500, amount_max=100)
    with pytest.raises(ValidationError) as exc:
        offering.full_clean()
    assert {"amount_max", "currency"} <= set(exc.value.message_dict)


def test_due_for_review_after_twelve_months(organisation):
    old = make_offering(organisation, last_reviewed_on=date.today() - timedelta(days=400))
    fresh = make_offering(organisation, last_reviewed_on=date.today() - timedelta(days=30))
    make_offering(organisation, last_reviewed_on=date.today() - timedelta(days=400), status=OfferingStatus.DEFUNCT)
    assert list(Offering.objects.due_for_review()) == [old]
    assert old.is_due_for_review
    assert not fresh.is_due_for_review


def test_weekly_series_keeps_local_time_across_daylight_saving(organisation):
    event = make_event(
        organisation, start=local(2026, 3, 19, 10), end=local(2026, 3, 19, 11), rrule="FREQ=WEEKLY;COUNT=3"
    )
    times = [o.local_start.hour for o in event.occurrences()]
    assert times == [10, 10, 10]  # 29 March 2026 is the switch to summer time
    assert event.series_end == local(2026, 4, 2, 11)


def test_exdate_leaves_out_one_occurrence(organisation):
    event = make_event(
        organisation,
        start=local(2026, 5, 4, 9),
        end=local(2026, 5, 4, 10),
        rrule="FREQ=WEEKLY;COUNT=4",
        exdates=["2026-05-11T09:00"],
    )
    assert [o.local_start.day for o in event.occurrences()] == [4, 18, 25]


def test_endless_series_is_always_upcoming(organisation):
    past_start = timezone.now() - timedelta(days=60)
    endless = make_event(organisation, start=past_start, end=past_start + timedelta(hours=1), rrule="FREQ=MONTHLY")
    over = make_event(organisation, start=past_start, end=past_start + timedelta(hours=1))
    upcoming = set(Event.objects.upcoming())
    assert endless in upcoming
    assert over not in upcoming
    assert endless.next_occurrence() is not None


def test_bad_rrule_and_missing_place_are_field_errors(organisation):
    event = Event(
        organiser=organisation, title="X", start=local(2026, 5, 4, 9), end=local(2026, 5, 4, 8), rrule="FREQ=SOMETIMES"
    )
    with pytest.raises(ValidationError) as exc:
        event.full_clean()
    assert {"end", "rrule", "venue"} <= set(exc.value.message_dict)


def test_built_in_registration_needs_capacity(organisation):
    event = Event(
        organiser=organisation,
        title="X",
        start=local(2026, 5, 4, 9),
        end=local(2026, 5, 4, 10),
        venue="Hall",
        registration_mode=RegistrationMode.BUILT_IN,
    )
    with pytest.raises(ValidationError) as exc:
        event.full_clean()
    assert "capacity" in exc.value.message_dict


def test_needing_reminder_is_tomorrows_events_with_registration(organisation):
    soon = timezone.now() + timedelta(hours=20)
    tomorrow = make_event(
        organisation, start=soon, end=soon + timedelta(hours=1), registration_mode="built_in", capacity=5
    )
    make_event(organisation, start=soon, end=soon + timedelta(hours=1))  # no registration
    assert list(Event.objects.needing_reminder()) == [tomorrow]


def test_municipality_factory_codes_are_strings():
    assert isinstance(MunicipalityFactory.create().code, str)


def test_event_keeps_an_offering_whose_id_is_the_organisers(client, organisation, other_organisation):
    """Only co-organisers leave the organiser out; an offering that happens to share the
    organiser's id (ids of different tables often coincide) stays linked, and the event shows
    on the offering's page."""
    from django.urls import reverse

    from framja.catalogue import services

    other = make_offering(organisation, name_sv="Annat erbjudande")
    Offering.objects.filter(pk=organisation.pk).exclude(pk=other.pk).delete()
    same_id = other if other.pk == organisation.pk else make_offering(organisation, pk=organisation.pk)
    offerings = {other, same_id}
    starts = timezone.now() + timedelta(days=4)
    event = services.event_save(
        organiser=organisation,
        title="Frukost om export",
        start=starts,
        end=starts + timedelta(hours=1),
        venue="Stadshuset",
        offerings=list(offerings),
        co_organisers=[organisation, other_organisation],
    )
    assert set(event.offerings.all()) == offerings
    assert list(event.co_organisers.all()) == [other_organisation]
    page = client.get(reverse("catalogue-offering-detail", args=[same_id.pk])).content.decode()
    assert "Frukost om export" in page
