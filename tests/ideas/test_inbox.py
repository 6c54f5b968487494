"""The organisation's idea inbox: who sees it, filters, search, paging and exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from framja.accounts.models import Role
from framja.ideas.models import Tag
from tests.factories import MembershipFactory, MunicipalityFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_side")]

INBOX = reverse("ideas-inbox")


def test_owner_sees_received_idea(owner_client, idea):
    response = owner_client.get(INBOX)
    assert response.status_code == 200
    assert idea.reference in response.content.decode()
    assert idea.title in response.content.decode()


def test_coordinator_sees_received_idea(coordinator_client, idea):
    assert idea.reference in coordinator_client.get(INBOX).content.decode()


def test_member_role_gets_404(member_client, idea):
    assert member_client.get(INBOX).status_code == 404


def test_outsider_does_not_see_other_organisations_ideas(outsider_client, idea, organisation):
    response = outsider_client.get(INBOX)
    assert response.status_code == 200
    assert idea.reference not in response.content.decode()
    assert outsider_client.get(INBOX, {"organisation": organisation.slug}).status_code == 404


def test_anonymous_goes_to_login(client, idea):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert reverse("accounts-login") in response["Location"]


def test_user_of_several_organisations_chooses(owner, owner_client, idea, other_organisation):
    MembershipFactory.create(user=owner, organisation=other_organisation, role=Role.ADVISER)
    response = owner_client.get(INBOX)
    assert idea.reference not in response.content.decode()
    assert other_organisation.name in response.content.decode()
    assert (
        idea.reference in owner_client.get(INBOX, {"organisation": idea.receiving_organisation.slug}).content.decode()
    )


def _refs(response) -> set[str]:
    return {idea.reference for idea in response.context["page"]}


def test_filter_by_stage(owner_client, make_idea, sluice):
    received = make_idea(title="Idé ett")
    pilot = make_idea(title="Idé två", stage_kind="pilot")
    response = owner_client.get(INBOX, {"stage": sluice.stages.get(kind="pilot").pk})
    assert _refs(response) == {pilot.reference}
    assert received.reference not in response.content.decode()


def test_filter_by_municipality(owner_client, make_idea):
    here = make_idea()
    elsewhere = make_idea(municipality=MunicipalityFactory.create(country="NO", code="5001", name="Trondheim"))
    assert _refs(owner_client.get(INBOX, {"municipality": elsewhere.municipality_id})) == {elsewhere.reference}
    assert _refs(owner_client.get(INBOX, {"municipality": here.municipality_id})) == {here.reference}


def test_filter_by_tag(owner_client, make_idea):
    tag = Tag.objects.create(slug="energi-test", name_sv="Energi")
    tagged, _untagged = make_idea(), make_idea()
    tagged.tags.add(tag)
    assert _refs(owner_client.get(INBOX, {"tag": tag.pk})) == {tagged.reference}


def test_filter_by_assignee_me_and_unassigned(owner, owner_client, coordinator, make_idea):
    mine = make_idea(assignee=owner)
    theirs = make_idea(assignee=coordinator)
    nobodys = make_idea()
    assert _refs(owner_client.get(INBOX, {"assignee": "me"})) == {mine.reference}
    assert _refs(owner_client.get(INBOX, {"assignee": "none"})) == {nobodys.reference}
    assert _refs(owner_client.get(INBOX, {"assignee": str(coordinator.pk)})) == {theirs.reference}


def test_filter_by_age(owner_client, make_idea):
    old = make_idea(created_at=timezone.now() - timedelta(days=40))
    make_idea()
    assert _refs(owner_client.get(INBOX, {"age": "30"})) == {old.reference}
    assert _refs(owner_client.get(INBOX, {"age": "90"})) == set()


def test_search_finds_words_and_reference(owner_client, make_idea):
    sledge = make_idea(title="Laddstolpar för snöskotrar")
    bus = make_idea(title="Anropsstyrd buss", description="Bussar på landsbygden när man behöver dem.")
    assert _refs(owner_client.get(INBOX, {"q": "snöskotrar"})) == {sledge.reference}
    assert _refs(owner_client.get(INBOX, {"q": "landsbygden"})) == {bus.reference}
    assert _refs(owner_client.get(INBOX, {"q": bus.reference})) == {bus.reference}


def test_withdrawn_ideas_hidden_unless_asked(owner_client, make_idea):
    withdrawn = make_idea(withdrawn_at=timezone.now())
    assert withdrawn.reference not in _refs(owner_client.get(INBOX))
    assert withdrawn.reference in _refs(owner_client.get(INBOX, {"withdrawn": "on"}))


def test_sort_oldest_first(owner_client, make_idea):
    old = make_idea(created_at=timezone.now() - timedelta(days=3))
    new = make_idea()
    refs = [i.reference for i in owner_client.get(INBOX, {"sort": "oldest"}).context["page"]]
    assert refs == [old.reference, new.reference]


def test_bad_filter_values_do_not_break_the_page(owner_client, idea):
    response = owner_client.get(
        INBOX, {"stage": "x", "age": "1000", "assignee": "999999", "sort": "evil", "page": "-3"}
    )
    assert response.status_code == 200


def test_fifty_rows_in_a_handful_of_queries(owner_client, make_idea, django_assert_max_num_queries):
    tag = Tag.objects.create(slug="t1", name_sv="T1")
    assignee = UserFactory.create()
    for n in range(55):
        idea = make_idea(title=f"Idé {n}", assignee=assignee)
        idea.tags.add(tag)
    owner_client.get(INBOX)  # warm the session and content types
    with django_assert_max_num_queries(12):
        response = owner_client.get(INBOX)
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == 55


def test_csv_export_follows_the_filters(owner_client, make_idea):
    sledge = make_idea(title='=HYPERLINK("http://evil") snöskoter')
    make_idea(title="Buss", description="Anropsstyrd")
    response = owner_client.get(reverse("ideas-inbox-export", args=["csv"]), {"q": "snöskoter"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][0] == sledge.reference
    assert rows[1][1].startswith("'=")  # formula neutralised


def test_xlsx_export_parses(owner_client, make_idea):
    idea = make_idea()
    response = owner_client.get(reverse("ideas-inbox-export", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == idea.reference
    assert values[1][2] == "Östersund"


def test_export_for_outsider_is_404(outsider_client, organisation, idea):
    url = reverse("ideas-inbox-export", args=["csv"])
    assert outsider_client.get(url, {"organisation": organisation.slug}).status_code == 404


def test_export_for_member_is_404(member_client, idea):
    assert member_client.get(reverse("ideas-inbox-export", args=["csv"])).status_code == 404


def test_other_organisations_of_the_sluice_do_not_see_each_others_ideas(client, make_idea, sluice):
    other = OrganisationFactory.create(name="Krokoms kommun")
    sluice.organisations.add(other)
    user = UserFactory.create()
    MembershipFactory.create(user=user, organisation=other, role=Role.COORDINATOR)
    idea = make_idea()
    client.force_login(user)
    assert idea.reference not in client.get(INBOX).content.decode()
