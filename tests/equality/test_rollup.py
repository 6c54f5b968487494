"""The effort rollup gives the dashboard exactly the figures of the efforts themselves.

A random support log is written through the support services (companies, people with
demographics and roles, efforts with offerings and money), then changed the ways the log
changes: efforts edited, demographics changed between efforts, companies merged, people erased,
the retention job run. After each change:

- the rollup the services kept equals the rollup rebuilt from the efforts (row for row), and
- every published figure (refusals, clients, efforts, hours, money, shares, gaps, breakdown
  columns) is the same counted over the rollup as counted over the efforts (the path before the
  rollup), for many filters on an organisation's and a region's dashboard.
"""

from __future__ import annotations

import io
import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from itertools import product
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from framja.accounts.models import Organisation
from framja.catalogue.models import Offering, OfferingType
from framja.equality import stats
from framja.support import rollup, services
from framja.support.models import Company, CompanyRole, Effort, EffortRollup, Person
from tests.factories import MunicipalityFactory, OrganisationFactory, serve

pytestmark = pytest.mark.django_db

ROLLUP_COLUMNS = (
    "level",
    "period",
    "organisation_id",
    "municipality_id",
    "offering_id",
    "client",
    "gender",
    "age_band",
    "foreign_background",
    "leadership_team",
    "efforts",
    "hours",
    "money_SEK",
    "money_NOK",
    "money_EUR",
)
PERIODS = [None, "2025", "2026", "2025-Q3", "2026-Q1", "2026-Q2", "2025-11", "2026-02", "2026-05"]


def rollup_rows() -> Counter[tuple[Any, ...]]:
    return Counter(EffortRollup.objects.values_list(*ROLLUP_COLUMNS))


def assert_rollup_kept() -> None:
    """The rollup the services kept is the one rebuilt from the efforts, row for row."""
    kept = rollup_rows()
    assert sum(count for row, count in kept.items() if row[0] == "all") > 0
    rollup.rebuild()
    assert rollup_rows() == kept


def published(result: stats.Result) -> Any:
    """Everything a reader sees of a dashboard: refusals and every value, share and gap."""

    def table(found: stats.DimensionTable) -> Any:
        return [(row.category, row.people, row.values, row.shares, row.gap) for row in found.rows]

    columns = []
    if result.breakdown is not None:
        for column in result.breakdown.columns:
            columns.append((column.value, column.refused, table(column.table) if column.table else None))
    return result.refused, [table(found) for found in result.tables], columns


class World:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        self.places = [MunicipalityFactory.create() for _ in range(3)]  # the third lies outside the region
        self.region = OrganisationFactory.create(name="Region Rollup", kind=Organisation.Kind.REGION)
        serve(self.region, *self.places[:2])
        self.providers = [OrganisationFactory.create(name=f"Rådgivare {n}") for n in range(2)]
        self.offerings = {
            organisation.pk: [
                Offering.objects.create(
                    organisation=organisation,
                    name_sv=f"Erbjudande {kind}",
                    offering_type=kind,
                    stages="idea",
                    languages="sv",
                )
                for kind in (OfferingType.ADVICE, OfferingType.LOAN)
            ]
            for organisation in self.providers
        }
        self.companies: list[Company] = []
        for n in range(45):
            organisation = rng.choice(self.providers)
            company, _ = services.company_register(
                organisation=organisation, name=f"Bolag {n} AB", country="SE", municipality=rng.choice(self.places)
            )
            if rng.random() < 0.3:
                company.client_of.add(*self.providers)
            self.companies.append(company)
        self.people: list[Person] = []
        for n in range(30):
            organisation = rng.choice(self.providers)
            person = services.person_create(
                organisation=organisation, name=f"Person {n}", municipality=rng.choice(self.places)
            )
            self.demographics(person)
            if rng.random() < 0.5:
                company = rng.choice(self.companies)
                company.client_of.add(organisation)
                services.person_link_company(
                    person=person, company=company, role=rng.choice([CompanyRole.CEO, CompanyRole.BOARD_CHAIR])
                )
            self.people.append(person)

    def demographics(self, person: Person) -> None:
        rng = self.rng
        services.demographics_record(
            person=person,
            by=None,
            gender=rng.choice(["woman", "man", "woman", "man", "non_binary", ""]),
            birth_year=rng.choice([None, 1950, 1975, 1990, 1996, 2000]),
            foreign_background=rng.choice(["yes", "no", "no", "not_saying", ""]),
            purpose="Uppföljning av lika villkor",
            given_on=date(2025, 1, 1),
        )

    def log(self, n: int) -> None:
        rng = self.rng
        for _ in range(n):
            organisation = rng.choice(self.providers)
            company = person = None
            if rng.random() < 0.6:
                company = rng.choice(list(Company.objects.clients_of(organisation)))
            if company is None or rng.random() < 0.3:
                candidates = list(Person.objects.filter(organisation=organisation))
                person = rng.choice(candidates) if candidates else None
            if company is None and person is None:
                continue
            financing = rng.random() < 0.25
            offering = rng.choice([None, *self.offerings[organisation.pk]])
            services.effort_log(
                organisation=organisation,
                company=company,
                person=person,
                offering=offering,
                given_on=date(2025, 1, 1) + timedelta(days=rng.randrange(540)),
                kind="financing" if financing else "advice",
                hours=Decimal(rng.randint(1, 16)) / 2,
                amount=rng.randint(1, 50) * 10_000 if financing else None,
                currency=rng.choice(["SEK", "SEK", "NOK"]) if financing else "",
            )

    def edit(self, n: int) -> None:
        rng = self.rng
        for effort in rng.sample(list(Effort.objects.all()), n):
            financing = rng.random() < 0.5
            services.effort_update(
                effort=effort,
                given_on=date(2025, 1, 1) + timedelta(days=rng.randrange(540)),
                hours=Decimal(rng.randint(0, 20)),
                amount=rng.randint(1, 9) * 1000 if financing else None,
                currency="EUR" if financing else "",
                offering=rng.choice([None, *self.offerings[effort.organisation_id]]),
            )

    def scopes(self) -> list[tuple[stats.Scope, dict[str, Any], list[str]]]:
        first = self.providers[0]
        return [
            (stats.Scope(first), {}, ["", "period", "municipality", "offering_type"]),
            (stats.Scope(self.region, regional=True), {"region": self.region.pk}, ["", "period", "organisation"]),
            (stats.Scope(self.region, regional=True), {}, ["", "municipality", "offering_type"]),
        ]

    def filters(self, scope_criteria: dict[str, Any], regional: bool) -> list[dict[str, Any]]:
        found = []
        municipalities = [None, *(place.pk for place in self.places)]
        providers = [None, *(organisation.pk for organisation in self.providers)] if regional else [None]
        for period, municipality, offering_type, provider in product(
            PERIODS, municipalities, [None, OfferingType.ADVICE, OfferingType.LOAN], providers
        ):
            criteria = dict(scope_criteria)
            for name, value in (
                ("period", period),
                ("municipality", municipality),
                ("offering_type", offering_type),
                ("organisation", provider),
            ):
                if value is not None:
                    criteria[name] = value
            found.append(criteria)
        return found

    def assert_same_figures(self, sample: int | None) -> int:
        """The dashboards of many filters publish the same over the rollup as over the efforts."""
        compared = 0
        for scope, scope_criteria, breakdowns in self.scopes():
            cases = list(product(self.filters(scope_criteria, scope.regional), breakdowns))
            if sample is not None:
                cases = self.rng.sample(cases, sample)
            for criteria, breakdown in cases:
                new = stats.dashboard(scope, criteria, breakdown=breakdown, source="rollup")
                old = stats.dashboard(scope, criteria, breakdown=breakdown, source="efforts")
                assert published(new) == published(old), (criteria, breakdown)
                compared += 1
        return compared


def test_the_rollup_follows_every_change_of_the_log():
    world = World(1)
    world.log(160)
    assert_rollup_kept()
    world.assert_same_figures(sample=4)

    world.edit(25)  # dates, hours, money and offerings changed
    assert_rollup_kept()
    world.assert_same_figures(sample=4)

    for person in world.rng.sample(world.people, 10):  # new demographics: later efforts differ
        world.demographics(person)
    for company in world.rng.sample(world.companies, 5):  # a new CEO: the leadership changes
        candidates = list(Person.objects.filter(organisation__in=company.client_of.all()))
        if candidates:
            services.person_link_company(person=world.rng.choice(candidates), company=company, role=CompanyRole.CEO)
    world.log(60)
    assert_rollup_kept()
    world.assert_same_figures(sample=4)

    keep, duplicate = world.companies[0], world.companies[1]  # the duplicate's efforts move
    services.company_merge(keep=keep, duplicate=duplicate)
    world.companies.remove(duplicate)
    assert_rollup_kept()

    for person in world.rng.sample(list(Person.objects.filter(efforts__isnull=False).distinct()), 4):
        services.person_erase(person=person)  # their efforts stay, as their company's or their own
    assert_rollup_kept()
    world.assert_same_figures(sample=4)

    erased = services.retention_anonymise(now=timezone.now() + timedelta(days=20 * 365))
    assert erased > 0
    assert not Person.objects.exists()
    assert_rollup_kept()
    world.assert_same_figures(sample=4)


def test_every_filter_and_breakdown_publishes_the_same_over_the_rollup():
    """Many filters, breakdowns and scopes (a random sample of their grid), old path against new."""
    world = World(7)
    world.log(220)
    world.edit(20)
    assert world.assert_same_figures(sample=25) == 75


def test_rows_written_around_the_services_are_repaired_by_the_command():
    world = World(3)
    world.log(80)
    kept = rollup_rows()
    effort = Effort.objects.filter(company__isnull=False).earliest("pk")
    Effort.objects.filter(pk=effort.pk).update(hours=Decimal("99"))  # raw write: the rollup misses it
    EffortRollup.objects.filter(level="month").earliest("pk").delete()
    assert rollup_rows() != kept
    scope = stats.Scope(effort.organisation)
    stale = stats.dashboard(scope, {}, source="rollup")
    call_command("rebuild_effort_rollup", stdout=io.StringIO())
    repaired = stats.dashboard(scope, {}, source="rollup")
    assert published(repaired) == published(stats.dashboard(scope, {}, source="efforts"))
    assert published(repaired) != published(stale)
