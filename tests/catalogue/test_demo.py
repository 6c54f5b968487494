"""The catalogue's demo data: offerings from every demo organisation, a month of events on both
sides of the border, one recurring, one full with a waiting list; idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command

from framja.accounts.models import Organisation
from framja.catalogue.models import Event, Offering, Registration

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_the_catalogue():
    call_command("seed_demo", "--force", stdout=StringIO())
    assert set(Organisation.objects.exclude(offerings=None).values_list("pk", flat=True)) == set(
        Organisation.objects.values_list("pk", flat=True)
    )
    events = Event.objects.all()
    assert {e.time_zone for e in events} == {"Europe/Stockholm", "Europe/Oslo"}
    assert events.exclude(rrule="").count() == 1
    full = Event.objects.get(title="Starta eget – grundkurs")
    assert full.registrations.confirmed().count() == full.capacity
    assert full.registrations.waiting().exists()
    counts = (Offering.objects.count(), Event.objects.count(), Registration.objects.count())
    call_command("seed_demo", "--force", stdout=StringIO())
    assert (Offering.objects.count(), Event.objects.count(), Registration.objects.count()) == counts
