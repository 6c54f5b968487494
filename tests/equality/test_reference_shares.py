"""Reference shares: set by an organisation's administrators and coordinators, inherited from
the region that serves the organisation's municipality, shown beside the shares."""

from __future__ import annotations

import pytest
from django.urls import reverse

from framja.accounts.models import Organisation
from framja.equality.models import ReferenceShare
from tests.equality.conftest import add_clients
from tests.factories import MunicipalityFactory, OrganisationFactory, serve

pytestmark = pytest.mark.django_db


def test_coordinator_adds_a_share_that_the_dashboard_shows(coordinator_client, organisation):
    url = reverse("equality-reference-shares", args=[organisation.slug])
    response = coordinator_client.post(
        url, {"dimension": "leadership", "category": "women", "share": "24.5", "period": "2025", "source": "SCB"}
    )
    assert response.status_code == 302
    share = ReferenceShare.objects.get(organisation=organisation)
    assert (share.dimension, share.category, str(share.share)) == ("leadership", "women", "24.50")
    add_clients(organisation, 10, leadership="women")
    add_clients(organisation, 10, leadership="men")
    dashboard = coordinator_client.get(reverse("equality-dashboard", args=[organisation.slug]))
    table = next(t for t in dashboard.context["result"].tables if t.dimension == "leadership")
    women = next(r for r in table.rows if r.category == "women")
    assert float(women.gap) == pytest.approx(50 - 24.5)


def test_a_category_of_another_dimension_and_a_share_over_100_are_refused(owner_client, organisation):
    url = reverse("equality-reference-shares", args=[organisation.slug])
    response = owner_client.post(url, {"dimension": "gender", "category": "mixed", "share": "120"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"category", "share"}
    assert not ReferenceShare.objects.exists()


def test_adviser_and_outsider_cannot_change_them(adviser_client, outsider_client, organisation):
    share = ReferenceShare.objects.create(organisation=organisation, dimension="gender", category="woman", share=30)
    delete = reverse("equality-reference-share-delete", args=[organisation.slug, share.pk])
    for visitor in (adviser_client, outsider_client):
        assert visitor.post(delete).status_code == 404
    assert ReferenceShare.objects.filter(pk=share.pk).exists()


def test_an_organisation_inherits_the_regions_share_unless_it_has_its_own(db):
    place = MunicipalityFactory.create(code="2380")
    region = OrganisationFactory.create(kind=Organisation.Kind.REGION)
    serve(region, place)
    provider = OrganisationFactory.create(municipality=place)
    ReferenceShare.objects.create(organisation=region, dimension="gender", category="woman", share=33)
    assert ReferenceShare.objects.reference_map(provider)["gender", "woman"].share == 33
    ReferenceShare.objects.create(organisation=provider, dimension="gender", category="woman", share=40)
    assert ReferenceShare.objects.reference_map(provider)["gender", "woman"].share == 40
