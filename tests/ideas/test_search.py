"""Full-text search of the inbox and the API (`IdeaQuerySet.search`). PostgreSQL searches a
stored, GIN-indexed vector in the idea's language's configuration: Swedish and Norwegian word
forms are found, a word is never found inside another. SQLite (development) keeps the
case-insensitive contains of every word."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from framja.ideas.models import Idea

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="stemmed full text is PostgreSQL's; SQLite searches substrings"
)


@pytest.fixture
def ideas(make_idea, norway, other_organisation):
    from framja.places.models import Municipality

    trondheim = Municipality.objects.get(country="NO", name="Trondheim")
    return {
        "sv": make_idea(title="Fler cyklar vid stationen", description="Cykelparkering under tak.", language="sv"),
        "nb": make_idea(
            title="Nye sykkelstier langs elva",
            description="Tryggere skolevei for barna.",
            language="nb",
            municipality=trondheim,
            organisation=other_organisation,
        ),
        "compound": make_idea(title="Snöskoterleder i fjällen", description="Skyltning av lederna.", language="sv"),
    }


def found(text: str) -> set[int]:
    return set(Idea.objects.search(text).values_list("pk", flat=True))


def test_search_finds_words_of_title_description_and_reference(ideas):
    assert found("cyklar") == {ideas["sv"].pk}
    assert found("stationen") == {ideas["sv"].pk}
    assert found("skolevei") == {ideas["nb"].pk}
    assert found(ideas["compound"].reference) == {ideas["compound"].pk}
    assert found("cyklar stationen") == {ideas["sv"].pk}  # every word
    assert found("cyklar skolevei") == set()


@postgres_only
def test_postgres_finds_word_forms_of_the_ideas_language(ideas):
    assert found("cyklarna") == {ideas["sv"].pk}  # Swedish: cyklar ~ cyklarna
    assert found("station") == {ideas["sv"].pk}  # Swedish: stationen ~ station
    assert found("sykkelsti") == {ideas["nb"].pk}  # Norwegian: sykkelstier ~ sykkelsti
    assert found("barn") == {ideas["nb"].pk}  # Norwegian: barna ~ barn


@postgres_only
def test_postgres_never_finds_a_word_inside_another(ideas):
    assert found("skoter") == set()  # only inside "Snöskoterleder"
    assert found("tion") == set()
    assert found("ngs") == set()


@postgres_only
def test_the_vector_follows_edits_and_is_indexed(ideas):
    idea = ideas["sv"]
    idea.title = "Laddstolpar vid torget"
    idea.save()
    assert found("laddstolpe") == {idea.pk}
    assert found("cyklar") == set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'ideas_idea'")
        assert any("gin (search_vector)" in row[0] for row in cursor.fetchall())


def test_inbox_and_api_search_with_the_same_rule(owner_client, ideas):
    inbox = owner_client.get(reverse("ideas-inbox"), {"q": "cyklar"})
    assert [i.pk for i in inbox.context["page"]] == [ideas["sv"].pk]
    api = owner_client.get("/api/v1/ideas", {"q": "cyklar"}).json()["items"]
    assert [row["id"] for row in api] == [ideas["sv"].pk]
