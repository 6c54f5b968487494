"""`framja seed_demo`: the Jämtland–Trøndelag demo region, idempotent, with printed logins."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from framja.accounts.demo import DEMO_PASSWORD, DEMO_USERS, STAFF_EMAIL
from framja.accounts.models import Membership, Organisation, Role, User
from framja.accounts.validators import validate_organisation_number
from framja.audit.models import AuditEntry
from framja.places.models import Municipality
from tests.factories import OrganisationFactory

JAMTLAND = {"2303", "2305", "2309", "2313", "2321", "2326", "2361", "2380"}
TRONDELAG = {"5001", "5006", "5025", "5034", "5035", "5037", "5038"}


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, "--force", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db) -> str:
    return seed()


def _rows() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Organisation.serves.through.objects.count(),
    )


def test_every_jamtland_municipality_and_several_trondelag_kommuner_are_organisations(seeded):
    municipal = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    codes = set(municipal.values_list("country", "municipality__country", "municipality__code"))
    assert codes == {("SE", "SE", code) for code in JAMTLAND} | {("NO", "NO", code) for code in TRONDELAG}
    assert Organisation.objects.get(municipality__country="SE", municipality__code="2380").name == "Östersunds kommun"
    assert Organisation.objects.get(municipality__country="NO", municipality__code="5001").name == "Trondheim kommune"


def test_both_sides_have_a_region_business_support_and_an_innovation_hub(seeded):
    kinds = {(o.country, o.kind) for o in Organisation.objects.all()}
    for country in ("SE", "NO"):
        for kind in (Organisation.Kind.REGION, Organisation.Kind.BUSINESS_SUPPORT, Organisation.Kind.INCUBATOR):
            assert (country, kind) in kinds
    names = set(Organisation.objects.values_list("name", flat=True))
    assert {"Region Jämtland Härjedalen", "Trøndelag fylkeskommune", "Almi Mitt", "Innovasjon Norge Trøndelag"} <= names


def test_organisation_numbers_are_valid_and_unique(seeded):
    numbers = list(Organisation.objects.values_list("country", "organisation_number"))
    assert len(set(numbers)) == len(numbers) == 24
    for country, number in numbers:
        validate_organisation_number(number, country)
    swedish_municipal = Organisation.objects.filter(kind="municipality", country="SE")
    assert all(o.organisation_number.startswith("212000") for o in swedish_municipal)


def test_descriptions_in_three_languages(seeded):
    for organisation in Organisation.objects.all():
        assert organisation.description_sv
        assert organisation.description_nb
        assert organisation.description_en


def test_organisations_serve_their_area(seeded):
    region = Organisation.objects.get(name="Region Jämtland Härjedalen")
    assert set(region.serves.values_list("code", flat=True)) == JAMTLAND
    fylke = Organisation.objects.get(name="Trøndelag fylkeskommune")
    assert fylke.serves.count() == Municipality.objects.filter(country="NO", county__code="50").count() == 38
    trondheim = Organisation.objects.get(municipality__country="NO", municipality__code="5001")
    assert list(trondheim.serves.values_list("code", flat=True)) == ["5001"]


def test_users_hold_every_role_on_both_sides(seeded):
    for country in ("SE", "NO"):
        roles = set(Membership.objects.filter(organisation__country=country).values_list("role", flat=True))
        assert roles == set(Role.values)
    ostersund = Organisation.objects.get(municipality__country="SE", municipality__code="2380")
    assert set(ostersund.memberships.values_list("role", flat=True)) == set(Role.values)
    assert all(user.email.endswith(("@example.org", "@example.no")) for user in User.objects.all())


def test_staff_superuser(seeded):
    staff = User.objects.get(email=STAFF_EMAIL)
    assert staff.is_staff
    assert staff.is_superuser
    assert not staff.memberships.exists()


def test_demo_users_can_sign_in_with_the_shared_password(seeded, client):
    assert client.login(username=DEMO_USERS[0].email, password=DEMO_PASSWORD)
    assert client.login(username=STAFF_EMAIL, password=DEMO_PASSWORD)
    assert not client.login(username=DEMO_USERS[0].email, password="wrong-password")


def test_prints_the_logins_with_the_password(seeded):
    assert "created: 24 organisations, 20 users, 19 memberships" in seeded
    for user in DEMO_USERS:
        assert user.email in seeded
    assert STAFF_EMAIL in seeded
    assert f"Password for every demo account: {DEMO_PASSWORD}" in seeded
    assert "Administrator" in seeded
    assert "Coordinator" in seeded


def test_second_run_creates_nothing_and_says_so(seeded):
    before = _rows()
    output = seed()
    assert _rows() == before
    assert "nothing new created" in output
    assert DEMO_PASSWORD in output


def test_keeps_what_people_changed(seeded):
    organisation = Organisation.objects.get(name="Almi Mitt")
    organisation.name = "Almi Företagspartner Mitt"
    organisation.save()
    seed()
    assert not Organisation.objects.filter(name="Almi Mitt").exists()
    assert Organisation.objects.count() == 24


def test_if_empty_does_nothing_when_an_organisation_exists(db):
    OrganisationFactory(name="Någon annan")
    output = seed("--if-empty")
    assert "no demo data added" in output
    assert Organisation.objects.count() == 1
    assert not User.objects.exists()


def test_if_empty_seeds_an_empty_database(db):
    seed("--if-empty")
    assert Organisation.objects.count() == 24


def test_loads_the_reference_data_when_missing(db):
    assert not Municipality.objects.exists()
    seed()
    assert Municipality.objects.count() == 647


def test_writes_are_audited_as_the_system(seeded):
    entries = AuditEntry.objects.filter(content_type__model="organisation", action="create")
    assert entries.count() == 24
    assert set(entries.values_list("actor_id", "actor_label")) == {(None, "system")}


def test_refuses_without_debug_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="FRAMJA_DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not Organisation.objects.exists()
