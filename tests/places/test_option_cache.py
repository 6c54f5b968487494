"""The municipality and SNI pickers render their options from a cache (issue 10, point 6): the
same HTML as Django's own option templates, the chosen one marked, and fresh after any change
of the code lists (an ORM save or delete, or `load_reference`)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from framja.places import option_cache
from framja.places.forms import MunicipalityField, SniCodeField
from tests.factories import CountyFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


class PickerForm(forms.Form):
    municipality = MunicipalityField(label="Kommun")
    sni = SniCodeField(label="Bransch", required=False)


class ListedForm(forms.Form):
    """A form that lists its own choices: never cached."""

    municipality = MunicipalityField(label="Kommun")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].widget.choices = [("", "Alla"), ("SE-2380", "Östersund")]


@pytest.fixture
def places(db):
    county = CountyFactory.create(country="SE", code="23", name="Jämtlands län")
    return [
        MunicipalityFactory.create(country="SE", code="2380", name="Östersund", county=county),
        MunicipalityFactory.create(country="SE", code="2361", name="Härjedalen", county=county),
    ]


def options(html: str) -> list[str]:
    return re.findall(r"<option[^>]*>[^<]*</option>", html)


def django_options(form: forms.Form, name: str) -> list[str]:
    """The options as Django's own Select templates render them (the widget uncached)."""
    field = form[name]
    widget = field.field.widget
    context = forms.Select.get_context(widget, field.html_name, field.value(), {})
    return options(widget._render("django/forms/widgets/select.html", context))


@pytest.mark.parametrize(
    "make",
    [
        lambda places: PickerForm(),
        lambda places: PickerForm(initial={"municipality": places[1].pk}),
        lambda places: PickerForm(data={"municipality": str(places[0].pk)}),
        lambda places: PickerForm(data={"municipality": "not a number"}),
    ],
    ids=["unbound", "initial", "bound", "invalid"],
)
def test_cached_options_are_djangos_options(places, make):
    with translation.override("sv"):
        form = make(places)
        assert options(str(form["municipality"])) == django_options(form, "municipality")
        again = make(places)
        assert options(str(again["municipality"])) == django_options(again, "municipality")


def test_the_second_render_reads_no_municipality(places):
    str(PickerForm()["municipality"])
    with CaptureQueriesContext(connection) as queries:
        html = str(PickerForm()["municipality"])
    assert "Östersund (Jämtlands län)" in html
    assert not [q for q in queries.captured_queries if "places_municipality" in q["sql"]]


def test_a_change_of_the_list_shows_at_once(places):
    str(PickerForm()["municipality"])
    places[0].name = "Östersunds kommun"
    places[0].save()
    assert "Östersunds kommun (Jämtlands län)" in str(PickerForm()["municipality"])
    places[1].delete()
    assert "Härjedalen" not in str(PickerForm()["municipality"])
    new = MunicipalityFactory.create(country="SE", code="2309", name="Krokom", county=places[0].county)
    assert f'<option value="{new.pk}">Krokom' in str(PickerForm()["municipality"])


def test_bulk_loads_bump_the_version(places):
    before = option_cache.version()
    option_cache.bump()
    assert option_cache.version() == before + 1


def test_each_language_has_its_own_copy(places):
    with translation.override("en"):
        english = str(PickerForm()["municipality"])
    with translation.override("sv"):
        swedish = str(PickerForm()["municipality"])
    assert "Choose a municipality" in english
    assert "Välj en kommun" in swedish


def test_a_form_with_its_own_choices_is_not_cached(places):
    html = str(ListedForm()["municipality"])
    assert options(html) == ['<option value="" selected>Alla</option>', '<option value="SE-2380">Östersund</option>']
