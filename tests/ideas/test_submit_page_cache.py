"""The public submit page caches what does not change between visitors (issue 10, point 6): the
municipality options (tests/places/test_option_cache.py) and the category checkboxes, fresh
after a category changes and never when the form shows this visitor's own choices."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from framja.ideas.models import Tag

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]

SUBMIT = "/en/ideas/submit/"


@pytest.fixture
def tags(db):
    return [Tag.objects.create(slug="prov-cykel", name_sv="Cykling", name_en="Cycling")]


def test_a_repeated_visit_reads_neither_municipalities_nor_categories(client, municipality, tags):
    client.get(SUBMIT)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(SUBMIT).content.decode()
    assert "Cycling" in page
    goal = Tag.objects.filter(kind=Tag.Kind.SDG).first()
    assert goal is None or goal.name_en in page
    assert "Östersund" in page
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "ideas_tag" not in read
    assert "places_municipality" not in read


def test_a_new_or_renamed_category_shows_at_once(client, municipality, tags):
    client.get(SUBMIT)
    Tag.objects.create(slug="prov-buss", name_sv="Buss", name_en="Buses")
    tags[0].name_en = "Bicycles"
    tags[0].save()
    page = client.get(SUBMIT).content.decode()
    assert "Buses" in page
    assert "Bicycles" in page
    assert "Cycling" not in page


def test_each_language_gets_its_own_categories(client, municipality, tags):
    assert "Cycling" in client.get(SUBMIT).content.decode()
    assert "Cykling" in client.get("/ideas/submit/").content.decode()


def test_a_form_sent_back_keeps_the_chosen_category(client, municipality, tags):
    client.get(SUBMIT)  # the unbound page cached
    page = client.post(SUBMIT, {"title": "", "tags": [tags[0].pk]}).content.decode()
    assert "checked" in page.split("Cycling")[0].rsplit("<li>", 1)[-1]


def test_a_category_chosen_through_the_address_is_checked(client, municipality, tags):
    client.get(SUBMIT)
    page = client.get(SUBMIT, {"tags": tags[0].pk}).content.decode()
    assert "checked" in page.split("Cycling")[0].rsplit("<li>", 1)[-1]


def test_the_whole_set_of_fields_is_one_cached_fragment(client, municipality, tags, monkeypatch):
    """After the first anonymous visit no form field is rendered again: the fields come whole
    from the cache (the page's CSRF token and submission key stay per visit)."""
    first = client.get(SUBMIT).content.decode()
    from django.forms.boundfield import BoundField

    render = BoundField.as_widget

    def only_the_key(field, *args, **kwargs):
        assert field.name == "submission_key", f"{field.name} was rendered again"
        return render(field, *args, **kwargs)

    monkeypatch.setattr(BoundField, "as_widget", only_the_key)
    second = client.get(SUBMIT).content.decode()
    assert 'name="municipality"' in second
    assert "Cycling" in second

    def key(page: str) -> str:
        return page.split('name="submission_key" value="')[1].split('"')[0]

    assert key(first) != key(second)  # each visit its own key, so a double submit is still caught


def test_a_new_municipality_shows_at_once_in_the_cached_fields(client, municipality, tags):
    from framja.places.models import Municipality

    client.get(SUBMIT)
    Municipality.objects.create(country="SE", code="2309", name="Krokom", county=municipality.county)
    assert "Krokom" in client.get(SUBMIT).content.decode()


def test_a_prefilled_or_signed_in_form_is_not_the_cached_one(client, owner_client, municipality, tags):
    client.get(SUBMIT)  # the anonymous fields cached
    prefilled = client.get(SUBMIT, {"title": "Cykelbana till skolan"}).content.decode()
    assert 'value="Cykelbana till skolan"' in prefilled
    signed_in = owner_client.get(SUBMIT).content.decode()
    assert 'name="email"' not in signed_in  # the account's address is used
    assert 'name="email"' in client.get(SUBMIT).content.decode()
