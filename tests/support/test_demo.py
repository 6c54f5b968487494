"""The support log's demo year: efforts and referrals in the demo region, with differences
between organisations that the equal-terms figures can show, and safe to seed twice."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from framja.support.models import Company, Effort, Referral, ReferralStatus

pytestmark = pytest.mark.django_db


def _seed() -> None:
    call_command("seed_demo", "--force", stdout=StringIO())


def _women_share(slug_part: str) -> float:
    efforts = Effort.objects.filter(organisation__name__icontains=slug_part).exclude(snapshot_leader_gender="")
    return efforts.filter(snapshot_leader_gender="woman").count() / efforts.count()


def test_a_year_of_efforts_with_differences_between_organisations():
    _seed()
    efforts = Effort.objects.all()
    assert efforts.count() >= 100
    today = timezone.localdate()
    assert all(today - timedelta(days=366) <= e.given_on <= today for e in efforts)
    assert _women_share("Almi") < 0.45 < _women_share("Coompanion")
    assert efforts.filter(snapshot_leadership_team="mixed").exists()
    assert efforts.filter(kind="financing", amount__isnull=False, currency="NOK").exists()
    assert efforts.filter(kind="financing", amount__isnull=False, currency="SEK").exists()


def test_referrals_have_every_outcome_and_completed_ones_became_efforts():
    _seed()
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED} <= statuses
    for referral in Referral.objects.filter(status=ReferralStatus.COMPLETED):
        assert referral.efforts.filter(organisation=referral.to_organisation).exists()


def test_seeding_twice_adds_nothing():
    _seed()
    counts = (Company.objects.count(), Effort.objects.count(), Referral.objects.count())
    _seed()
    assert (Company.objects.count(), Effort.objects.count(), Referral.objects.count()) == counts
