"""The demo region's dashboard: the reference shares are seeded, the regional coordinator
reads the region broken down by organisation, and small groups stay hidden."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from framja.accounts.models import Organisation, User
from framja.equality.models import ReferenceShare

pytestmark = pytest.mark.django_db


def test_the_region_reads_its_demo_year_beside_the_reference_share():
    call_command("seed_demo", "--force", stdout=StringIO())
    region = Organisation.objects.get(name="Region Jämtland Härjedalen")
    assert ReferenceShare.objects.filter(organisation=region, dimension="gender", category="woman").exists()
    client = Client()
    client.force_login(User.objects.get(email="anders.persson@example.org"))
    response = client.get(reverse("equality-dashboard", args=[region.slug]), {"breakdown": "organisation"})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.refused is None
    gender = next(t for t in result.tables if t.dimension == "gender")
    woman = next(r for r in gender.rows if r.category == "woman")
    assert woman.reference is not None
    assert any(r.people is not None for r in gender.rows)
    assert any(r.people is None for t in result.tables for r in t.rows)  # a small group somewhere
    second = client.get(reverse("equality-dashboard", args=[region.slug]), {"area": "border"})
    assert second.status_code == 200
