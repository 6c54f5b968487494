"""Benchmark of the equal-terms dashboard: every view counted over the effort rollup, over the
efforts (the path before the rollup) and by a naive baseline, in the same run.

    .venv/bin/python bench/equality.py [--efforts 1000000] [--companies N (efforts / 5)]
                                       [--organisations 20] [--runs 5] [--seed-only]
                                       [--database-url postgres://postgres@127.0.0.1:5432/framja_bench_equality]

Without --database-url the run uses SQLite (data/bench-equality.sqlite3). Seeds N efforts for
M client companies (bulk_create in batches of 10,000; reused when the database already holds
exactly N efforts), spread over `--organisations` business-support organisations in Sweden and
Norway and two verified regions serving the municipalities of Jämtland and Trøndelag, over two
years. Each company is a client of one organisation (now and then another gives it an effort),
lies in one municipality, keeps its profile (gender, leadership team, age band, background; now
and then it changes) and gets its efforts in a series of about four months. The effort rollup
is rebuilt when it does not hold the N efforts (`framja.support.rollup.rebuild`, timed).

Then, for each view of the dashboard, it times `stats.dashboard` (everything the page
computes: the differencing guard's counts, the tables of the filter and of its wider filters,
suppression, the breakdown) over the rollup and over the efforts, checks that both publish the
same figures, and times a naive baseline: the scope's efforts loaded into Python once and the
same filters counted there. Prints the medians and ratios and a last line of JSON.
Target (issue 12): <= 200 ms per view on PostgreSQL at 1,000,000 efforts and >= 20 x the baseline.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BATCH = 10_000


def seed(n_efforts: int, n_companies: int, n_organisations: int) -> None:
    from django.db import transaction

    from framja.accounts.models import ClaimStatus, Organisation
    from framja.places.models import Municipality
    from framja.support.models import Company, Effort

    if Effort.objects.count() == n_efforts:
        print(f"seed: reusing {n_efforts} efforts", flush=True)
        return
    Effort.objects.all().delete()
    Company.objects.all().delete()
    Organisation.objects.filter(slug__startswith="bench-").delete()
    rng = random.Random(12)
    sweden = list(Municipality.objects.filter(country="SE", county__code="23"))
    norway = list(Municipality.objects.filter(country="NO", county__code="50"))
    assert sweden, "load the reference data first"
    assert norway, "load the reference data first"
    regions = []
    for country, places, name in (("SE", sweden, "Jämtland"), ("NO", norway, "Trøndelag")):
        region = Organisation.objects.create(
            name=f"Bench region {name}",
            slug=f"bench-region-{country.lower()}",
            kind=Organisation.Kind.REGION,
            country=country,
            verified_kind=Organisation.Kind.REGION,
            claim_status=ClaimStatus.VERIFIED,
        )
        region.verified_serves.add(*places)
        regions.append(region)
    organisations = [
        Organisation.objects.create(
            name=f"Bench support {n}",
            slug=f"bench-support-{n}",
            kind=Organisation.Kind.BUSINESS_SUPPORT,
            country="SE" if n % 3 else "NO",
            verified_kind=Organisation.Kind.BUSINESS_SUPPORT,
            claim_status=ClaimStatus.VERIFIED,
        )
        for n in range(n_organisations)
    ]
    genders = ["woman"] * 35 + ["man"] * 55 + ["non_binary"] * 1 + ["not_saying"] * 2 + [""] * 7
    teams = ["women"] * 22 + ["men"] * 50 + ["mixed"] * 18 + [""] * 10
    ages = ["under_30"] * 15 + ["30_49"] * 45 + ["50_64"] * 25 + ["65_plus"] * 5 + [""] * 10
    backgrounds = ["yes"] * 15 + ["no"] * 70 + ["not_saying"] * 5 + [""] * 10
    kinds = ["advice", "advice", "financing", "training", "referral", "other"]
    weights = [1 + (n % 5) for n in range(n_organisations)]
    # Each company is a client of one organisation (now and then another of the same country
    # gives it an effort), lies in one municipality, keeps its profile (now and then a birthday
    # or a new leader changes it) and gets its efforts in a series of about four months.
    efforts_of = [1] * n_companies
    for index in rng.choices(range(n_companies), k=max(0, n_efforts - n_companies)):
        efforts_of[index] += 1
    start = date(2025, 1, 1)
    started = time.perf_counter()
    made = 0
    for first in range(0, n_companies, BATCH // 5):
        companies, rows = [], []
        for _ in range(first, min(first + BATCH // 5, n_companies)):
            organisation = rng.choices(organisations, weights)[0]
            places = sweden if organisation.country == "SE" else norway
            others = [other for other in organisations if other.country == organisation.country]
            companies.append(
                (
                    Company(name=f"Bench {len(companies) + first} AB", country="SE"),
                    organisation,
                    others,
                    rng.choice(places),
                    [rng.choice(genders), rng.choice(teams), rng.choice(ages), rng.choice(backgrounds)],
                    rng.randrange(700),
                )
            )
        with transaction.atomic():
            Company.objects.bulk_create([company for company, *_ in companies])
            for company, organisation, others, place, profile, begins in companies:
                for _ in range(efforts_of[made]):
                    giver = organisation if rng.random() < 0.9 else rng.choice(others)
                    if rng.random() < 0.05:
                        profile = [rng.choice(genders), rng.choice(teams), rng.choice(ages), profile[3]]
                    financing = rng.random() < 0.2
                    rows.append(
                        Effort(
                            organisation=giver,
                            company_id=company.pk,
                            given_on=start + timedelta(days=min(699, begins + rng.randrange(120))),
                            kind="financing" if financing else rng.choice(kinds),
                            hours=Decimal(rng.randint(1, 40)) / 2,
                            amount=Decimal(rng.randint(10, 500) * 1000) if financing else None,
                            currency=("SEK" if giver.country == "SE" else "NOK") if financing else "",
                            snapshot_gender=profile[0],
                            snapshot_leadership_team=profile[1],
                            snapshot_age_band=profile[2],
                            snapshot_foreign_background=profile[3],
                            snapshot_municipality=place,
                        )
                    )
                made += 1
            Effort.objects.bulk_create(rows, batch_size=BATCH)
        if (first // (BATCH // 5)) % 20 == 19:
            print(f"  {first + BATCH // 5} companies, {time.perf_counter() - started:.0f} s", flush=True)
    print(f"seed: {n_companies} companies, {n_efforts} efforts in {time.perf_counter() - started:.1f} s", flush=True)


def naive(aggregator: Any, filters: list[tuple[Any, str | None]]) -> None:
    """The same counts, from the scope's rows loaded into Python once."""
    from framja.equality import stats
    from framja.equality.models import SNAPSHOT_FIELD

    fields = ["id", "person_id", "company_id", "given_on", "organisation_id", "snapshot_municipality_id"]
    fields += [*SNAPSHOT_FIELD.values(), "hours", "amount", "currency"]
    rows = list(aggregator.population.values_list(*fields))
    region_places: dict[int, set[int]] = {}

    def matches(row: tuple[Any, ...], criteria: Any) -> bool:
        for name, value in criteria:
            if name == "period":
                first, end = stats.parse_period(value)  # type: ignore[misc]
                if not first <= row[3] < end:
                    return False
            elif (name == "organisation" and row[4] != value) or (name == "municipality" and row[5] != value):
                return False
            elif name == "region":
                if value not in region_places:
                    from framja.accounts.models import Organisation

                    served = Organisation.verified_serves.through.objects.filter(organisation_id=value)
                    region_places[value] = set(served.values_list("municipality_id", flat=True))
                if row[5] not in region_places[value]:
                    return False
        return True

    for criteria, grouping in filters:
        groups: dict[Any, dict[str, Any]] = defaultdict(lambda: defaultdict(set))
        sums: dict[Any, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for row in rows:
            if not matches(row, criteria):
                continue
            if grouping is None:
                column = None
            elif grouping in ("year", "quarter", "month"):
                column = stats.period_label(row[3], grouping)
            else:
                column = row[4] if grouping == "organisation" else row[5]
            client = row[1] * 2 + 1 if row[1] else row[2] * 2 if row[2] else -row[0]
            groups[column]["people"].add(client)
            for index, dimension in enumerate(SNAPSHOT_FIELD):
                category = row[6 + index] or "unknown"
                groups[column][f"{dimension}.{category}"].add(client)
                sums[column][f"{dimension}.{category}.efforts"] += 1
                sums[column][f"{dimension}.{category}.hours"] += row[10]
                if row[11] is not None:
                    sums[column][f"{dimension}.{category}.{row[12]}"] += row[11]
        {column: {key: len(value) for key, value in found.items()} for column, found in groups.items()}


def _published(result: Any) -> Any:
    """What a reader sees of a result: refusals, and every published value, share and gap."""

    def table(found: Any) -> Any:
        return [(row.category, row.people, row.values, row.shares, row.gap) for row in found.rows]

    columns = []
    if result.breakdown is not None:
        for column in result.breakdown.columns:
            columns.append((column.value, column.refused, table(column.table) if column.table else None))
    return (result.refused, [table(found) for found in result.tables], columns)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--efforts", type=int, default=1_000_000)
    parser.add_argument("--companies", type=int, default=0, help="default: efforts / 5")
    parser.add_argument("--organisations", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed-only", action="store_true", help="seed and build the rollup, time nothing")
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'data' / 'bench-equality.sqlite3'}")
    args = parser.parse_args()
    companies = args.companies or max(1, args.efforts // 5)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "framja.settings")
    os.environ["FRAMJA_REDIS_URL"] = ""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries

    from framja.accounts.models import Organisation
    from framja.equality import stats

    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_reference", stdout=io.StringIO())
    seed(args.efforts, companies, args.organisations)
    from django.db.models import Sum

    from framja.support import rollup
    from framja.support.models import EffortRollup

    counted = EffortRollup.objects.filter(level="all").aggregate(total=Sum("efforts"))["total"]
    if counted != args.efforts:
        started = time.perf_counter()
        rows = rollup.rebuild()
        print(f"rollup: {rows} rows (4 levels) rebuilt in {time.perf_counter() - started:.1f} s", flush=True)
    for level in EffortRollup.LEVELS:
        print(f"rollup level {level}: {EffortRollup.objects.filter(level=level).count()} rows", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE support_effort")  # as autovacuum keeps it: index-only scans
            cursor.execute("VACUUM ANALYZE support_effortrollup")
    if args.seed_only:
        return
    busiest = Organisation.objects.filter(slug__startswith="bench-support-").order_by("-slug").first()
    region = Organisation.objects.get(slug="bench-region-se")
    assert busiest is not None
    organisation_scope = stats.Scope(busiest)
    region_scope = stats.Scope(region, regional=True)
    views = [
        ("organisation", organisation_scope, {}, ""),
        ("organisation_year_by_quarter", organisation_scope, {"period": "2026"}, "period"),
        ("organisation_quarter_by_month", organisation_scope, {"period": "2026-Q2"}, "period"),
        ("region", region_scope, {"region": region.pk}, ""),
        ("region_year_by_organisation", region_scope, {"region": region.pk, "period": "2025"}, "organisation"),
        ("border_by_municipality", region_scope, {"period": "2025"}, "municipality"),
    ]
    results: dict[str, Any] = {"vendor": connection.vendor, "efforts": args.efforts, "companies": companies}
    print(f"{connection.vendor}, {args.efforts} efforts, {companies} companies", flush=True)
    for name, scope, criteria, breakdown in views:
        timed: dict[str, float] = {}
        queries = 0
        published: dict[str, Any] = {}
        for source in ("rollup", "efforts"):
            stats.dashboard(scope, criteria, breakdown=breakdown, source=source)  # warm up
            samples = []
            for _ in range(args.runs):
                reset_queries()
                started = time.perf_counter()
                result = stats.dashboard(scope, criteria, breakdown=breakdown, source=source)
                samples.append(time.perf_counter() - started)
            timed[source] = statistics.median(samples) * 1000
            queries = result.queries
            published[source] = _published(result)
        assert published["rollup"] == published["efforts"], f"{name}: the rollup publishes other figures"
        aggregator = stats.Aggregator(scope, "efforts")
        filters = result.counted  # the filters the view counted: the baseline counts the same
        naive_samples = []
        for _ in range(max(1, args.runs // 2)):
            started = time.perf_counter()
            naive(aggregator, filters)
            naive_samples.append(time.perf_counter() - started)
        ours, before = timed["rollup"], timed["efforts"]
        baseline = statistics.median(naive_samples) * 1000
        results[name] = {
            "median_ms": round(ours, 1),
            "before_ms": round(before, 1),
            "naive_ms": round(baseline, 1),
            "ratio": round(baseline / ours, 1),
            "before_ratio": round(baseline / before, 1),
            "queries": queries,
        }
        verdict = "OK" if ours <= 200 and baseline / ours >= 20 else "OVER"
        line = (
            f"{name:32} {ours:8.1f} ms ({queries} q)  before {before:8.1f} ms  naive {baseline:9.1f} ms"
            f"  x{baseline / ours:6.1f} (before x{baseline / before:5.1f})"
        )
        print(f"{line}  {verdict}", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
