"""Benchmark of the catalogue: the front-door match and the calendar month page.

    .venv/bin/python bench/catalogue.py [--offerings 10000] [--events 50000] [--queries 100]
                                        [--database-url postgres://postgres@127.0.0.1:5432/framja_frontdoor]
                                        [--profile N]

Loads the real code lists (counties, the ~650 municipalities both forms list), seeds N
synthetic offerings and M events (one organisation per 20 offerings, 21 Swedish counties, one
event in fifty a weekly series, one in a thousand without end; reused when the database already
holds exactly that many of this bench's), vacuums and analyses the PostgreSQL tables (as
autovacuum does in service), publishes the offerings and events corpora of the similarity
service, then measures in one run the server time of

- GET /start?need=...&municipality=...  (the front door: area in SQL, free text through the
  service; target p95 <= 50 ms) beside a naive baseline (every offering loaded and filtered by
  area and words in Python);
- GET /calendar/?view=month&month=...   (target p95 <= 100 ms) beside a naive baseline (every
  event loaded and its occurrences expanded and filtered in Python).

The texts are realistic, so that the free-text match costs what it costs in service: Swedish
offerings (80 %), Norwegian ones (40 %; some in both languages) and events (70 % Swedish) are
recombined from sentences of real business-support pages (loans, grants, export, start-up
advice, change of ownership...) with 25 topics per language and the ~820 industry names of SNI
2007 (../shared/data/reference/sni2007), a vocabulary of some 1,500 words; the needs are
twelve written as people write them, in Swedish, Norwegian and English. (Earlier versions drew
every text from 31 words, so every document shared most words and trigrams with every need.)

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
# --- realistic texts -------------------------------------------------------------------------
# Offerings and events are written from phrases of real Swedish and Norwegian business-support
# pages (the demo region's offerings, Almi, Innovasjon Norge, Nyföretagarcentrum, the regions),
# recombined with the ~820 industry names of SNI 2007 (../shared/data/reference/sni2007), so the
# similarity service and the word matching see a vocabulary of some 1,500 words, as in
# service, instead of a handful shared by every document.
#: The bench's organisations (offerings of other organisations mean texts of an older bench).
BENCH_ORGANISATIONS = "Bench texts "
SNI_FILE = ROOT.parent / "shared" / "data" / "reference" / "sni2007" / "sni2007_detaljgrupp_utf8.csv"
#: (type, Swedish, Norwegian) kinds of offering, as their names begin.
KINDS = [
    ("advice", "Rådgivning", "Rådgivning"),
    ("loan", "Mikrolån", "Mikrolån"),
    ("loan", "Företagslån", "Bedriftslån"),
    ("grant", "Innovationscheck", "Innovasjonssjekk"),
    ("export", "Exportcoachning", "Eksportveiledning"),
    ("advice", "Affärsutveckling", "Forretningsutvikling"),
    ("network", "Mentorprogram", "Mentorprogram"),
    ("incubation", "Inkubatorprogram", "Inkubatorprogram"),
    ("training", "Kompetensutveckling", "Kompetanseutvikling"),
    ("grant", "Investeringsstöd", "Investeringstilskudd"),
    ("grant", "Startstöd", "Oppstartstilskudd"),
    ("grant", "Digitaliseringscheck", "Digitaliseringsstøtte"),
    ("grant", "Verifieringsmedel", "Verifiseringsmidler"),
    ("equity", "Riskkapital", "Risikokapital"),
    ("guarantee", "Kreditgaranti", "Lånegaranti"),
    ("advice", "Generationsskiftesrådgivning", "Rådgivning ved eierskifte"),
    ("training", "Hållbarhetslyft", "Bærekraftsløft"),
    ("test_bed", "Testbädd", "Testarena"),
    ("procurement", "Upphandlingsstöd", "Anbudsveiledning"),
    ("network", "Företagsnätverk", "Bedriftsnettverk"),
]
TOPICS_SV = [
    "affärsplan och budget",
    "finansiering av maskiner",
    "export till Norge",
    "e-handel och digital försäljning",
    "marknadsföring i sociala medier",
    "rekrytering av personal",
    "patent och immaterialrätt",
    "energieffektivisering",
    "cirkulära affärsmodeller",
    "prissättning och lönsamhet",
    "offentlig upphandling",
    "generationsskifte",
    "bokföring och moms",
    "tillstånd och regler för livsmedel",
    "hållbar turism",
    "produktutveckling och prototyper",
    "kooperativ och sociala företag",
    "investerare och riskkapital",
    "lokaler och etablering",
    "internationella kunder",
    "kompetensförsörjning",
    "automation i tillverkning",
    "design och förpackning",
    "skog och trä",
    "besöksnäring i fjällen",
]
TOPICS_NB = [
    "forretningsplan og budsjett",
    "finansiering av maskiner",
    "eksport til Sverige",
    "netthandel og digitalt salg",
    "markedsføring i sosiale medier",
    "rekruttering av ansatte",
    "patent og immaterielle rettigheter",
    "energieffektivisering",
    "sirkulære forretningsmodeller",
    "prising og lønnsomhet",
    "offentlige anskaffelser",
    "eierskifte",
    "regnskap og merverdiavgift",
    "tillatelser og regler for næringsmidler",
    "bærekraftig reiseliv",
    "produktutvikling og prototyper",
    "samvirke og sosiale entreprenører",
    "investorer og risikokapital",
    "lokaler og etablering",
    "internasjonale kunder",
    "kompetanse i bedriften",
    "automatisering i produksjon",
    "design og emballasje",
    "skog og tre",
    "reiseliv på fjellet",
]
SENTENCES_SV = [
    "Vi hjälper dig som driver företag inom {industry} att ta nästa steg.",
    "Rådgivningen är kostnadsfri och konfidentiell och handlar om {topic}.",
    "Lån för dig som startar eller driver ett litet företag och behöver finansiering som banken inte ger.",
    "Kompletterande finansiering till företag som vill växa, investera eller exportera.",
    "Du får en egen rådgivare som går igenom {topic} tillsammans med dig.",
    "Stödet riktar sig till små och medelstora företag med verksamhet inom {industry}.",
    "Vi erbjuder coachning, mentorer och kontakter med investerare för skalbara idéer.",
    "Programmet pågår i tolv veckor med träffar varannan vecka och hemuppgifter däremellan.",
    "Ansökan görs löpande och beslut fattas inom fyra veckor.",
    "Företaget ska ha sitt säte i länet och minst en anställd.",
    "Checken kan användas för att köpa konsulttjänster inom {topic}.",
    "Vi kartlägger företagets behov och föreslår en plan med tydliga steg.",
    "Tillsammans med andra företagare inom {industry} utbyter ni erfarenheter om {topic}.",
    "Medfinansiering krävs med minst hälften av projektets kostnader.",
    "Passar dig som funderar på att starta eget och vill veta vilka tillstånd som behövs.",
    "Vi hjälper till med kontakter hos kommunen, banken och Almi.",
    "Insatsen finansieras av regionen och Europeiska regionala utvecklingsfonden.",
    "Du som ska ta över ett företag får stöd med värdering, avtal och finansiering.",
    "Vi ger råd om {topic} på svenska, engelska och arabiska.",
    "Testa din produkt i en riktig miljö innan den lanseras på marknaden.",
]
SENTENCES_NB = [
    "Vi hjelper deg som driver bedrift innen {industry} med å ta neste steg.",
    "Veiledningen er gratis og handler om {topic}.",
    "Lån til deg som starter eller driver en liten bedrift og trenger finansiering banken ikke gir.",
    "Tilskuddet går til bedrifter som vil vokse, investere eller eksportere.",
    "Du får en egen rådgiver som går gjennom {topic} sammen med deg.",
    "Ordningen er for små og mellomstore bedrifter innen {industry}.",
    "Vi tilbyr mentorer, kontorplass og nettverk for nye bedrifter.",
    "Programmet varer i tolv uker med samlinger annenhver uke.",
    "Søknader behandles fortløpende og svar kommer innen fire uker.",
    "Bedriften må være registrert i fylket og ha minst én ansatt.",
    "Sjekken kan brukes til å kjøpe konsulenttjenester innen {topic}.",
    "Vi kartlegger behovene i bedriften og lager en plan med tydelige steg.",
    "Sammen med andre gründere innen {industry} deler dere erfaringer om {topic}.",
    "Egenfinansiering på minst halvparten av kostnadene kreves.",
    "Passer for deg som vurderer å starte egen bedrift og lurer på hvilke tillatelser som trengs.",
    "Vi hjelper deg med kontakt mot kommunen, banken og Innovasjon Norge.",
    "Tiltaket finansieres av fylkeskommunen og Interreg Sverige–Norge.",
    "Du som skal overta en bedrift får hjelp med verdsettelse, avtaler og finansiering.",
]
EVENT_TITLES_SV = [
    "Frukostseminarium: {topic}",
    "Workshop om {topic}",
    "Starta eget-kväll: {topic}",
    "Företagarträff för {industry}",
    "Webbinarium: {topic}",
    "Kurs i {topic}",
    "Nätverksträff inom {industry}",
    "Öppet hus om {topic}",
]
EVENT_TITLES_NB = [
    "Frokostmøte: {topic}",
    "Kurs i {topic}",
    "Gründerkveld: {topic}",
    "Bedriftstreff for {industry}",
    "Webinar om {topic}",
    "Nettverksmøte innen {industry}",
]
EVENT_SENTENCES_SV = [
    "Välkommen till en träff om {topic} för dig som driver företag inom {industry}.",
    "Rådgivare från Almi och Nyföretagarcentrum berättar och svarar på frågor.",
    "Vi bjuder på kaffe och smörgås; anmäl dig senast dagen innan.",
    "Träffen är kostnadsfri och hålls på svenska.",
    "Du får konkreta verktyg och möter andra företagare i regionen.",
]
EVENT_SENTENCES_NB = [
    "Velkommen til et møte om {topic} for deg som driver bedrift innen {industry}.",
    "Rådgivere fra Innovasjon Norge og Etablerertjenesten forteller og svarer på spørsmål.",
    "Vi serverer kaffe og rundstykker; meld deg på senest dagen før.",
    "Møtet er gratis og holdes på norsk.",
    "Du får konkrete verktøy og møter andre gründere i regionen.",
]
#: Needs as people write them at the front door: Swedish, Norwegian and English.
NEEDS = [
    "Vi vill sälja till kunder i Norge och behöver hjälp med export",
    "Jeg trenger finansiering til maskiner for min nye bedrift",
    "We need advice on a business plan and funding for growth",
    "hjälp med digitalisering och e-handel för vår butik",
    "lån till lager och maskiner när banken säger nej",
    "Jag vill starta ett café med egen bakning och undrar vilka tillstånd som behövs",
    "Vi är tre som vill starta ett kooperativ för hållbar turism i fjällen",
    "Jeg skal overta familiens sagbruk og trenger hjelp med eierskifte",
    "Vårt snickeri behöver anställa och vill veta mer om rekrytering och kompetens",
    "Vi har en prototyp av en ny sensor och söker riskkapital och patent",
    "Hvordan kan vi gjøre gården mer energieffektiv og få tilskudd til det?",
    "We run a small software company and want to sell to the public sector",
]


def _industries() -> list[str]:
    """The SNI 2007 detail groups' names, lower case (the phrase banks' `{industry}`)."""
    names = []
    with SNI_FILE.open(encoding="utf-8") as rows:
        for line in rows:
            parts = line.split(";")
            if len(parts) >= 3 and parts[1].strip().isdigit():
                name = parts[2].strip()
                names.append(name[0].lower() + name[1:])
    return names


class Texts:
    """Names and descriptions recombined from the phrase banks, reproducible from the seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.industries = _industries()

    def _fill(self, template: str, topics: list[str]) -> str:
        return template.format(topic=self.rng.choice(topics), industry=self.rng.choice(self.industries))

    def _paragraph(self, sentences: list[str], topics: list[str], k: int) -> str:
        return " ".join(self._fill(s, topics) for s in self.rng.sample(sentences, k))

    def offering(self) -> dict[str, str]:
        """A Swedish offering (two in three), a Norwegian one, or one in both languages."""
        kind, kind_sv, kind_nb = self.rng.choice(KINDS)
        topic = self.rng.randrange(len(TOPICS_SV))
        values = {"offering_type": kind}
        which = self.rng.random()
        if which < 0.8:
            values["name_sv"] = f"{kind_sv} – {TOPICS_SV[topic]}"
            values["description_sv"] = self._paragraph(SENTENCES_SV, TOPICS_SV, self.rng.randint(3, 5))
        if which >= 0.6:
            values["name_nb"] = f"{kind_nb} – {TOPICS_NB[topic]}"
            values["description_nb"] = self._paragraph(SENTENCES_NB, TOPICS_NB, self.rng.randint(3, 5))
        return values

    def event(self) -> tuple[str, str, str]:
        """Title, description and language of an event (Swedish or Norwegian)."""
        if self.rng.random() < 0.7:
            title = self._fill(self.rng.choice(EVENT_TITLES_SV), TOPICS_SV)
            return title, self._paragraph(EVENT_SENTENCES_SV, TOPICS_SV, 3), "sv"
        title = self._fill(self.rng.choice(EVENT_TITLES_NB), TOPICS_NB)
        return title, self._paragraph(EVENT_SENTENCES_NB, TOPICS_NB, 3), "nb"


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000


def seed(n_offerings: int, n_events: int) -> None:
    from django.utils import timezone

    from framja.accounts.models import Organisation
    from framja.catalogue.models import Event, Offering
    from framja.places.models import County, Municipality

    if (
        Offering.objects.count() == n_offerings
        and Event.objects.count() == n_events
        and Offering.objects.filter(organisation__name__startswith=BENCH_ORGANISATIONS).exists()
    ):
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
    organisations = list(Organisation.objects.filter(name__startswith=BENCH_ORGANISATIONS))
    for i in range(len(organisations), max(1, n_offerings // 20)):
        organisations.append(
            Organisation.objects.create(name=f"{BENCH_ORGANISATIONS}{i} AB", kind=Organisation.Kind.BUSINESS_SUPPORT)
        )
    texts = Texts(rng)
    offerings = [
        Offering(
            organisation=rng.choice(organisations),
            **texts.offering(),
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
        title, description, language = texts.event()
        event = Event(
            organiser=rng.choice(organisations),
            title=title,
            description=description,
            language=language,
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
            # fresh statistics and visibility maps (index-only scans), as autovacuum keeps them
            # in service
            cursor.execute("VACUUM ANALYZE")
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
        common = matching.words_in_common(
            need, {o.pk: " ".join(getattr(o, f) for f in matching.TEXT_FIELDS) for o in found}
        )
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
