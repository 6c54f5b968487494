"""Benchmark of the catalogue: the front-door match and the calendar month page.

    .venv/bin/python bench/catalogue.py [--offerings 10000] [--events 50000] [--queries 100]
                                        [--database-url postgres://postgres@127.0.0.1:5432/framja_frontdoor]
                                        [--profile N]

Loads the real code lists (counties, the ~650 municipalities both forms list), seeds N
synthetic offerings and M events (one organisation per 20 offerings, 21 Swedish counties, one
event in fifty a weekly series, one in a thousand without end; reused when the database already
holds exactly that many), refreshes PostgreSQL's statistics, publishes the offerings and events
corpora of the similarity service, then measures in one run the server time of

- GET /start?need=...&municipality=...  (the front door: area in SQL, free text through the
  service; target p95 <= 50 ms) beside a naive baseline (every offering loaded and filtered by
  area and words in Python);
- GET /calendar/?view=month&month=...   (target p95 <= 100 ms) beside a naive baseline (every
  event loaded and its occurrences expanded and filtered in Python).

Server time = the request through Django's full middleware stack in this process (no network),
wall clock; beside it this process's CPU time (without PostgreSQL's), which a loaded machine
inflates less. Prints one line per figure, the naive/ours ratios and a last line of JSON.
`--profile N` prints instead the queries of one request and a cProfile of N requests per page.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORDS = [
    "finansiering",
    "export",
    "rådgivning",
    "affärsplan",
    "marknad",
    "kunder",
    "lån",
    "bidrag",
    "innovation",
    "digitalisering",
    "hållbarhet",
    "energi",
    "turism",
    "livsmedel",
    "skog",
    "industri",
    "rekrytering",
    "kompetens",
    "patent",
    "design",
    "försäljning",
    "nätverk",
    "mentor",
    "inkubator",
    "riskkapital",
    "utlandet",
    "tillväxt",
    "bokföring",
    "lager",
    "maskiner",
    "e-handel",
]
NEEDS = [
    "Vi vill sälja till kunder i utlandet och behöver hjälp med export",
    "Jeg trenger finansiering til maskiner for min nye bedrift",
    "We need advice on a business plan and funding for growth",
    "hjälp med digitalisering och e-handel för vår butik",
    "lån till lager och maskiner när banken säger nej",
]


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


def seed(n_offerings: int, n_events: int) -> None:
    from django.utils import timezone

    from framja.accounts.models import Organisation
    from framja.catalogue.models import Event, Offering
    from framja.places.models import County, Municipality

    if Offering.objects.count() == n_offerings and Event.objects.count() == n_events:
        return
    Event.objects.all().delete()
    Offering.objects.all().delete()
    rng = random.Random(11)
    counties = [
        County.objects.get_or_create(country="SE", code=f"{c:02d}", defaults={"name": f"Län {c}"})[0]
        for c in range(1, 22)
    ]
    places = [
        Municipality.objects.get_or_create(
            country="SE", code=f"{c:02d}{m:02d}", defaults={"name": f"Kommun {c}-{m}", "county": county}
        )[0]
        for c, county in enumerate(counties, start=1)
        for m in range(1, 6)
    ]
    organisations = list(Organisation.objects.filter(name__startswith="Bench "))
    for i in range(len(organisations), max(1, n_offerings // 20)):
        organisations.append(Organisation.objects.create(name=f"Bench {i} AB", kind=Organisation.Kind.BUSINESS_SUPPORT))

    def text(k: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(k))

    offerings = [
        Offering(
            organisation=rng.choice(organisations),
            name_sv=text(3).capitalize(),
            description_sv=text(30),
            offering_type=rng.choice(["advice", "loan", "grant", "course"]),
            stages=rng.choice(["", "idea", "start_up", "growth", "idea start_up"]),
            area_country="SE" if rng.random() < 0.2 else "",
        )
        for _ in range(n_offerings)
    ]
    Offering.objects.bulk_create(offerings, batch_size=2_000)
    through = Offering.area_counties.through
    through.objects.bulk_create(
        [
            through(offering_id=o.pk, county_id=rng.choice(counties).pk)
            for o in Offering.objects.filter(area_country="")
        ],
        batch_size=5_000,
    )
    now = timezone.now()
    events = []
    for i in range(n_events):
        start = now + timedelta(days=rng.randint(-180, 365), hours=rng.randint(8, 18))
        event = Event(
            organiser=rng.choice(organisations),
            title=text(4).capitalize(),
            description=text(25),
            start=start,
            end=start + timedelta(hours=2),
            municipality=rng.choice(places),
            venue="Stadshuset",
            # one in fifty repeats (weekly, ten times; one in a thousand without an end)
            rrule=("FREQ=WEEKLY" if i % 1000 == 0 else "FREQ=WEEKLY;COUNT=10") if i % 50 == 0 else "",
        )
        # bulk_create skips save(): keep series_end as save() would, or every event would look
        # like an endless series to the calendar and the front door
        event.series_end = event.compute_series_end()
        events.append(event)
    Event.objects.bulk_create(events, batch_size=2_000)


def timed(fn: Any, runs: list[Any], cpu: list[float] | None = None) -> list[float]:
    """Wall time of each run; with `cpu`, this process's CPU time of each run is added to it."""
    out = []
    for args in runs:
        started, used = time.perf_counter(), time.process_time()
        fn(*args)
        out.append(time.perf_counter() - started)
        if cpu is not None:
            cpu.append(time.process_time() - used)
    return out


def profile(n: int, pages: list[tuple[str, Any, list[Any]]]) -> None:
    """Queries per request and the top of a cProfile of `n` requests of each page."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for name, fn, runs in pages:
        with CaptureQueriesContext(connection) as queries:
            fn(*runs[0])
        print(f"{name}: {len(queries.captured_queries)} queries", flush=True)
        for query in queries.captured_queries:
            print(f"  {query['time']} s  {query['sql'][:300]}")
        profiler = cProfile.Profile()
        profiler.enable()
        timed(fn, runs[:n])
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offerings", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/framja_frontdoor")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="profile N requests of each page (cProfile) and stop"
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "framja.settings")
    os.environ.setdefault("FRAMJA_DATA_DIR", tempfile.mkdtemp(prefix="bench-catalogue-"))
    os.environ["FRAMJA_REDIS_URL"] = ""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from framja.catalogue import corpora, matching
    from framja.catalogue.models import Event, Offering, month_bounds
    from framja.indexes import services as indexes
    from framja.places.models import Municipality

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", "--no-input", verbosity=0)
    # the real code lists: the front door's municipality list and the calendar's county list
    # are part of every page
    call_command("load_reference", stdout=io.StringIO())
    started = time.perf_counter()
    seed(args.offerings, args.events)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh statistics, as autovacuum keeps them in service
    print(f"seed: {time.perf_counter() - started:.1f} s", flush=True)
    for name in (corpora.OFFERINGS, corpora.EVENTS):
        started = time.perf_counter()
        indexes.rebuild(name)
        print(f"index {name}: {time.perf_counter() - started:.1f} s", flush=True)
    indexes.reset_readers()

    rng = random.Random(5)
    places = list(Municipality.objects.filter(code__regex=r"^\d{4}$", country="SE").order_by("pk"))
    client = Client()
    match_runs = [(rng.choice(NEEDS), rng.choice(places)) for _ in range(args.queries)]
    client.get(reverse("catalogue-start"), {"need": NEEDS[0], "municipality": places[0].pk})  # warm up

    def front_door(need: str, place: Municipality) -> None:
        response = client.get(reverse("catalogue-start"), {"need": need, "municipality": place.pk})
        assert response.status_code == 200, response.status_code

    def naive_match(need: str, place: Municipality) -> None:
        rows = list(Offering.objects.prefetch_related("area_counties", "area_municipalities"))
        found = [
            o
            for o in rows
            if o.status == "active"
            and (o.area_country == place.country or any(c.pk == place.county_id for c in o.area_counties.all()))
        ]
        common = matching.words_in_common(need, {o.pk: f"{o.name_sv} {o.description_sv}" for o in found})
        sorted(found, key=lambda o: -len(common.get(o.pk, [])))[:10]

    today = timezone.localdate()
    months = [(today.year + (today.month - 1 + d) // 12, (today.month - 1 + d) % 12 + 1) for d in range(-3, 9)]
    month_runs = [(rng.choice(months),) for _ in range(args.queries)]

    def calendar(month: tuple[int, int]) -> None:
        response = client.get(reverse("catalogue-calendar"), {"view": "month", "month": f"{month[0]}-{month[1]:02d}"})
        assert response.status_code == 200, response.status_code

    def naive_calendar(month: tuple[int, int]) -> None:
        first, following = month_bounds(month[0], month[1], timezone.get_current_timezone())
        rows = list(Event.objects.select_related("organiser"))
        sorted(
            (o for e in rows for o in e.occurrences(start=first, end=following)),
            key=lambda o: (o.start, o.event.pk),
        )

    calendar(months[3])  # warm up
    if args.profile:
        profile(args.profile, [("match", front_door, match_runs), ("calendar_month", calendar, month_runs)])
        return

    results = {}
    for name, fn, runs, target in (
        ("match", front_door, match_runs, 50),
        ("match_naive", naive_match, match_runs[: max(5, args.queries // 10)], None),
        ("calendar_month", calendar, month_runs, 100),
        ("calendar_naive", naive_calendar, month_runs[: max(5, args.queries // 10)], None),
    ):
        cpu: list[float] = []
        samples = timed(fn, runs, cpu)
        results[name] = {
            "p95_ms": round(p95(samples), 1),
            "median_ms": round(statistics.median(samples) * 1000, 1),
            "cpu_p95_ms": round(p95(cpu), 1),
            "n": len(samples),
        }
        verdict = "" if target is None else (" OK" if results[name]["p95_ms"] <= target else " OVER")
        target_text = "" if target is None else f" (target <= {target} ms){verdict}"
        print(
            f"{name}: p95 {results[name]['p95_ms']} ms, median {results[name]['median_ms']} ms, "
            f"this process's CPU p95 {results[name]['cpu_p95_ms']} ms, n={len(samples)}{target_text}",
            flush=True,
        )
    for page in ("match", "calendar"):
        ours, naive = results[f"{page}_month" if page == "calendar" else page], results[f"{page}_naive"]
        print(f"{page}: naive p95 / ours p95 = {naive['p95_ms'] / ours['p95_ms']:.0f}x", flush=True)
    print(
        json.dumps(
            {
                "offerings": args.offerings,
                "events": args.events,
                "database": settings.DATABASES["default"]["ENGINE"],
                **results,
            }
        )
    )


if __name__ == "__main__":
    main()
