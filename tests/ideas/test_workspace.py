"""The workspace counts what waits per organisation with one aggregate query per item, so the
number of queries does not grow with the number of organisations (NetBox-style baseline)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from framja.accounts.models import Organisation, Role
from framja.ideas.models import Participant
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _workspace_for(organisations: int, make_idea, municipality) -> tuple[int, str]:
    user = UserFactory.create()
    for i in range(organisations):
        kind = Organisation.Kind.REGION if i == 0 else Organisation.Kind.MUNICIPALITY
        organisation = OrganisationFactory.create(kind=kind)
        organisation.serves.add(municipality)
        MembershipFactory.create(user=user, organisation=organisation, role=Role.COORDINATOR)
        make_idea(organisation=organisation)  # nobody responsible: to triage
        make_idea(organisation=organisation, title="Tilldelad idé", assignee=user)
        Participant.objects.create(idea=make_idea(title="Partneridé"), organisation=organisation)
    client = Client()
    client.force_login(user)
    client.get(reverse("workspace"))  # warm up (session, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("workspace"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_workspace_query_count_does_not_grow_with_organisations(make_idea, municipality):
    one, _html = _workspace_for(1, make_idea, municipality)
    five, html = _workspace_for(5, make_idea, municipality)
    assert one == five
    assert html.count('class="card"') == 5


def test_workspace_shows_counts_per_organisation_with_links(make_idea, municipality):
    _queries, html = _workspace_for(1, make_idea, municipality)
    counts = dict(re.findall(r'<a href="([^"]+)">[^<]+</a> <span class="workspace-count">(\d+)</span>', html))
    triage = next(url for url in counts if "assignee=none" in url)
    mine = next(url for url in counts if "assignee=me" in url)
    assert counts[triage] == "1"  # the unassigned one (the partner idea is another organisation's)
    assert counts[mine] == "1"
    invitations = [url for url in counts if url.endswith("?organisation=" + url.split("=")[-1]) and "inbox" in url]
    assert "1" in [counts[url] for url in invitations]
