"""The catalogue in a real browser, with axe-core on every page: the calendar (list and month,
also at 320 px), and a registration that goes to the waiting list and moves up when someone
cancels through their private link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from framja.catalogue import services
from framja.catalogue.models import Event, Registration
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def course() -> Event:
    organiser = OrganisationFactory.create(name="Nyföretagarcentrum Jämtland")
    start = (timezone.now() + timedelta(days=2)).replace(hour=15, minute=0, second=0, microsecond=0)
    return services.event_save(
        organiser=organiser,
        title="Starta eget – grundkurs",
        description="Affärsplan, budget och tillstånd på en kväll.",
        start=start,
        end=start + timedelta(hours=3),
        venue="Stadsbiblioteket, Östersund",
        registration_mode="built_in",
        capacity=1,
    )


def test_calendar_list_month_and_narrow_screen(page, visit, course):
    visit(page, "/catalogue/calendar/")
    assert page.get_by_role("link", name=course.title).count() >= 1
    month = course.local_start.strftime("%Y-%m")
    visit(page, f"/catalogue/calendar/?view=month&month={month}")
    assert page.locator("table.month caption").count() == 1
    assert page.locator(f"table.month a[href='{course.get_absolute_url()}']").count() == 1
    page.set_viewport_size({"width": 320, "height": 800})
    visit(page, f"/catalogue/calendar/?view=month&month={month}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_waiting_list_moves_up_when_someone_cancels(page, visit, assert_accessible, course):
    _first, token = services.register(event=course, name="Anna Berg", email="anna@example.org")

    visit(page, course.get_absolute_url())
    page.locator("input[name=name]").fill("Johan Ek")
    page.locator("input[name=email]").fill("johan@example.org")
    page.locator("form[action$='/register/'] [type=submit]").click()
    assert_accessible(page)
    assert page.locator("#registration-status").get_attribute("data-status") == "waiting"

    # Anna cancels through her private link; Johan moves up.
    visit(page, f"/catalogue/registrations/{token}/cancel/")
    page.locator("main form [type=submit]").click()
    assert_accessible(page)
    assert Registration.objects.get(email="johan@example.org").status == "confirmed"
    assert Registration.objects.get(email="anna@example.org").status == "cancelled"


def test_front_door_to_contact_request(page, visit, assert_accessible):
    from framja.catalogue.models import ContactRequest, Offering
    from tests.factories import MunicipalityFactory

    municipality = MunicipalityFactory.create(code="2380", name="Östersund")
    almi = OrganisationFactory.create(name="Almi Mitt", email="info@almi.example.org")
    loan = Offering.objects.create(
        organisation=almi,
        name_sv="Mikrolån",
        description_sv="Finansiering av maskiner när banken säger nej.",
        offering_type="loan",
        area_country="SE",
    )
    visit(page, "/start/")
    page.locator("textarea[name=need]").fill("Jag behöver finansiering av maskiner")
    page.locator("select[name=municipality]").select_option(str(municipality.pk))
    page.locator("main form [type=submit]").click()
    assert_accessible(page)
    page.locator(f"a[href^='/catalogue/start/contact/{loan.pk}/']").click()
    assert_accessible(page)
    page.locator("input[name=name]").fill("Kim Karlsson")
    page.locator("input[name=email]").fill("kim@example.org")
    page.locator("input[name=consent]").check()
    page.locator("main form [type=submit]").click()
    assert_accessible(page)
    assert ContactRequest.objects.get().organisation == almi
