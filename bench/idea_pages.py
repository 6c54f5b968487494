"""Benchmark of the idea sluice's staff pages at regional scale.

    .venv/bin/python bench/idea_pages.py [--ideas 30000] [--runs 20]
                                         [--database-url postgres://postgres@127.0.0.1:5432/framja_scale_bench]

Seeds N ideas (reused when the database already holds exactly that many) over 20 Swedish
municipalities, each with its own verified organisation and sluice, and a verified region
serving all of them; about 1.3 confirmed supports per idea from a pool of addresses (so people
support several ideas), one idea in a hundred linked as a duplicate and one in fifty
co-developed by another municipality. Then measures, in this process through Django's full
middleware stack (no network), the server time of the pages a caseworker uses: the inbox (one
municipality's ~N/20 ideas), the inbox with a search, the casework page, the regional view,
the dashboard, the API list with and without `q`, and a CSV export of the inbox, beside a
trivial endpoint (/healthz) in the same run. Prints one line per page and a last line of JSON.
"""

from __future__ import annotations

import argparse
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
    "cykelbana",
    "skolgård",
    "belysning",
    "lekplats",
    "bibliotek",
    "badhus",
    "laddstolpar",
    "kollektivtrafik",
    "busslinje",
    "parkering",
    "torget",
    "marknad",
    "företagare",
    "turism",
    "vandringsled",
    "skidspår",
    "snöröjning",
    "återvinning",
    "solpaneler",
    "grönområde",
    "ungdomsgård",
    "äldreboende",
    "digitalisering",
    "bredband",
    "hamnen",
    "festival",
]
MUNICIPALITIES = 20


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


def seed(n: int) -> None:
    from django.utils import timezone

    from framja.accounts.models import ClaimStatus, Membership, Organisation, Role, User
    from framja.ideas.models import DuplicateLink, Idea, Participant, Sluice, Support
    from framja.places.models import County, Municipality

    if Idea.objects.count() == n:
        return
    Idea.objects.all().delete()
    rng = random.Random(7)
    county = County.objects.get_or_create(country="SE", code="99", defaults={"name": "Benchlän"})[0]
    places = [
        Municipality.objects.get_or_create(
            country="SE", code=f"99{m:02d}", defaults={"name": f"Benchkommun {m}", "county": county}
        )[0]
        for m in range(MUNICIPALITIES)
    ]
    organisations = []
    for m, place in enumerate(places):
        org = Organisation.objects.filter(slug=f"bench-{m}").first() or Organisation.objects.create(
            name=f"Benchkommun {m}",
            slug=f"bench-{m}",
            kind="municipality",
            country="SE",
            municipality=place,
            verified_kind="municipality",
            verified_municipality=place,
            claim_status=ClaimStatus.VERIFIED,
        )
        org.verified_serves.add(place)
        organisations.append(org)
    region = Organisation.objects.filter(slug="bench-region").first() or Organisation.objects.create(
        name="Benchregion", slug="bench-region", kind="region", country="SE", verified_kind="region",
        claim_status=ClaimStatus.VERIFIED,
    )  # fmt: skip
    region.verified_serves.add(*places)
    sluices = [
        Sluice.objects.filter(lead_organisation=org).first()
        or Sluice.create_default(lead_organisation=org, slug=f"bench-{m}-ideas")
        for m, org in enumerate(organisations)
    ]
    stages = {s.pk: list(s.stages.order_by("position")) for s in sluices}
    user = User.objects.filter(username="bench").first() or User.objects.create_user(
        username="bench", email="bench@example.org", password="x"
    )
    Membership.objects.get_or_create(user=user, organisation=organisations[0], defaults={"role": Role.ADMIN})
    Membership.objects.get_or_create(user=user, organisation=region, defaults={"role": Role.COORDINATOR})
    now = timezone.now()
    ideas = []
    for i in range(n):
        m = rng.randrange(MUNICIPALITIES)
        stage = rng.choice(stages[sluices[m].pk][:5])
        ideas.append(
            Idea(
                reference=f"IDE-99{m:02d}-{i:06d}",
                title=" ".join(rng.choice(WORDS) for _ in range(4)).capitalize(),
                description=" ".join(rng.choice(WORDS) for _ in range(60)),
                language="sv",
                municipality=places[m],
                receiving_organisation=organisations[m],
                sluice=sluices[m],
                stage=stage,
                stage_entered_at=now,
                submitter_name="Kim Karlsson",
                submitter_email=f"kim{i}@example.org",
            )
        )
    Idea.objects.bulk_create(ideas, batch_size=2_000)
    stamps = [now - timedelta(minutes=rng.randrange(3 * 365 * 24 * 60)) for _ in range(n)]
    ids = list(Idea.objects.order_by("pk").values_list("pk", flat=True))
    Idea.objects.bulk_update(
        [Idea(pk=pk, created_at=stamp) for pk, stamp in zip(ids, stamps, strict=True)], ["created_at"], batch_size=2_000
    )
    supports = []
    seen = set()
    for _ in range(int(n * 1.33)):
        pair = (rng.choice(ids), f"person{rng.randrange(n)}@example.org")
        if pair not in seen:
            seen.add(pair)
            supports.append(Support(idea_id=pair[0], email=pair[1], confirmed_at=now))
    Support.objects.bulk_create(supports, batch_size=5_000)
    shuffled = ids[:]
    rng.shuffle(shuffled)
    links = [DuplicateLink(duplicate_id=shuffled[2 * k], original_id=shuffled[2 * k + 1]) for k in range(n // 100)]
    DuplicateLink.objects.bulk_create(links)
    participants = [
        Participant(idea_id=pk, organisation=organisations[(k % (MUNICIPALITIES - 1)) + 1], status="accepted")
        for k, pk in enumerate(shuffled[n // 50 : 2 * (n // 50)])
    ]
    Participant.objects.bulk_create(participants, ignore_conflicts=True)
    _after_seed()


def _after_seed() -> None:
    """Whatever the current code keeps beside the rows (stored counters, search vectors)."""
    from django.core.management import call_command

    try:
        call_command("recount_supporters", verbosity=0)
    except Exception as exc:
        print(f"(no supporter recount: {exc})", flush=True)


def timed(fn: Any, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ideas", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/framja_scale_bench")
    parser.add_argument("--only", default="", help="comma-separated page names")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "framja.settings")
    os.environ.setdefault("FRAMJA_DATA_DIR", tempfile.mkdtemp(prefix="bench-ideas-"))
    os.environ["FRAMJA_REDIS_URL"] = ""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from framja.accounts.models import User
    from framja.ideas.models import Idea

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", "--no-input", verbosity=0)
    started = time.perf_counter()
    seed(args.ideas)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"seed: {time.perf_counter() - started:.1f} s", flush=True)

    client = Client()
    client.force_login(User.objects.get(username="bench"))
    detail_ids = list(Idea.objects.filter(receiving_organisation__slug="bench-0").values_list("pk", flat=True)[:200])
    rng = random.Random(3)
    org = {"organisation": "bench-0"}
    pages: dict[str, Any] = {
        "trivial": lambda: client.get("/healthz"),
        "inbox": lambda: client.get(reverse("ideas-inbox"), org),
        "inbox_search": lambda: client.get(reverse("ideas-inbox"), {**org, "q": rng.choice(WORDS)}),
        "casework": lambda: client.get(reverse("ideas-casework-detail", args=[rng.choice(detail_ids)])),
        "regional": lambda: client.get(reverse("ideas-regional"), {"organisation": "bench-region"}),
        "dashboard": lambda: client.get(reverse("ideas-dashboard"), org),
        "api_list": lambda: client.get("/api/v1/ideas", org),
        "api_list_q": lambda: client.get("/api/v1/ideas", {**org, "q": rng.choice(WORDS)}),
        "csv_export": lambda: client.get(reverse("ideas-inbox-export", args=["csv"]), org),
    }
    only = {p for p in args.only.split(",") if p}
    results = {}
    for name, fn in pages.items():
        if only and name not in only and name != "trivial":
            continue
        response = fn()  # warm up, and check it answers
        assert response.status_code == 200, (name, response.status_code)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)

        def run(fn: Any = fn) -> None:
            response = fn()
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)

        samples = timed(run, args.runs if name != "csv_export" else max(3, args.runs // 5))
        results[name] = {
            "p95_ms": round(p95(samples), 1),
            "median_ms": round(statistics.median(samples) * 1000, 1),
            "n": len(samples),
        }
        print(f"{name}: p95 {results[name]['p95_ms']} ms, median {results[name]['median_ms']} ms", flush=True)
    print(json.dumps({"ideas": args.ideas, "database": settings.DATABASES["default"]["ENGINE"], **results}))


if __name__ == "__main__":
    main()
