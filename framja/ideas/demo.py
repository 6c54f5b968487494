"""Demo ideas for the Jämtland–Trøndelag demo region (`framja seed_demo`).

About twenty believable ideas in Swedish and Norwegian, spread over the last months and moved
through the pipeline with gate decisions, notes, answers, a duplicate link, near-duplicates
across the border for the regional view, one idea co-developed by Åre and Meråker with a
cost split, and a shared sluice led by Region Jämtland Härjedalen (Krokom, Strömsund, Berg and Åre
are members, Östersund is invited) with ideas of several members, some passed on from local
triage, some still waiting for it. Idempotent: an idea whose title already exists in its municipality is skipped.
Needs the demo organisations; without them nothing is created.

No e-mail is sent: demo submitters have not asked for news, and assignments, invitations and
co-development rows are written directly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from framja.accounts.models import Membership, Organisation, User
from framja.accounts.permissions import DECIDING_ROLES
from framja.ideas.models import (
    DuplicateLink,
    Event,
    GateDecision,
    Idea,
    Participant,
    Sluice,
    SluiceMembership,
    Stage,
    StageVisit,
    Tag,
)
from framja.ideas.services import casework, duplicates
from framja.ideas.services import public as submission
from framja.places.models import Municipality

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoIdea:
    key: str
    country: str
    code: str
    title: str
    description: str
    language: str
    audience: str
    days_ago: int
    #: Gate decisions in order: "go", "kill", "hold" or "recycle:<stage kind>".
    decisions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    answer: str = ""
    note: str = ""
    submitter: tuple[str, str] = ("", "")
    extra: dict[str, Any] = field(default_factory=dict)


IDEAS: tuple[DemoIdea, ...] = (
    DemoIdea(
        "sledge-are",
        "SE",
        "2321",
        "Gemensam laddinfrastruktur för snöskotrar",
        "Eldrivna snöskotrar blir vanligare hos turistföretagen, men det finns inga laddpunkter längs lederna. "
        "Vi föreslår laddstolpar vid raststugorna på skoterlederna mellan Åre och gränsen, med gemensam bokning "
        "och drift så att både företag och samebyar kan använda dem.",
        "sv",
        "businesses",
        150,
        ("go", "go", "go"),
        ("sdg-7", "sdg-13", "energy", "tourism"),
        answer="Idén går vidare till pilot vintern 2026/27 tillsammans med Meråker kommune.",
        note="Kontakta Jämtkraft om effektuttag vid Storulvån.",
        submitter=("Anna Berg", "anna.berg@example.org"),
    ),
    DemoIdea(
        "sledge-meraker",
        "NO",
        "5034",
        "Felles ladeinfrastruktur for snøscootere i fjellet",
        "Reiselivsbedriftene vil gå over til elektriske snøscootere, men det mangler ladepunkter langs løypene. "
        "Ladestolper ved rastebuene på scooterløypene mot riksgrensen, med felles booking og drift, vil gjøre "
        "det mulig for bedrifter og reinbeitedistrikt å bruke dem.",
        "nb",
        "businesses",
        40,
        (),
        ("sdg-7",),
        submitter=("Ola Nordmann", "ola.nordmann@example.no"),
    ),
    DemoIdea(
        "sledge-herjedalen",
        "SE",
        "2361",
        "Laddstolpar för eldrivna skotrar vid fjällstugorna",
        "Sätt upp laddstolpar för eldrivna snöskotrar vid fjällstugorna i Härjedalen så att turistföretag kan "
        "byta till el. Samordna med lederna i Åre och i Norge.",
        "sv",
        "visitors",
        70,
        ("go",),
        ("sdg-7",),
        submitter=("Lars Persson", "lars.persson@example.org"),
    ),
    DemoIdea(
        "bus-ostersund",
        "SE",
        "2380",
        "Anropsstyrd kollektivtrafik på landsbygden",
        "Bussar som kör fasta turer går ofta tomma i byarna. Låt i stället invånarna beställa resan i en app "
        "eller per telefon dagen innan, så att kollektivtrafiken kommer när den behövs.",
        "sv",
        "residents",
        120,
        ("go", "go"),
        ("sdg-11", "mobility-transport"),
        answer="Vi undersöker detta tillsammans med Länstrafiken. Ett koncept tas fram under våren.",
        submitter=("Maja Ek", "maja.ek@example.org"),
    ),
    DemoIdea(
        "bus-steinkjer",
        "NO",
        "5006",
        "Bestillingsstyrt kollektivtransport i distriktene",
        "Faste bussruter i distriktene går ofte nesten tomme. La innbyggerne bestille turen i en app eller på "
        "telefon dagen før, så kommer kollektivtransporten når den trengs.",
        "nb",
        "residents",
        60,
        ("go",),
        ("sdg-11",),
        submitter=("Kari Nordby", "kari.nordby@example.no"),
    ),
    DemoIdea(
        "market-krokom",
        "SE",
        "2309",
        "Lokal matmarknad med produkter från fäbodarna",
        "En återkommande marknad i Krokom där fäbodbrukare och småskaliga livsmedelsproducenter säljer direkt "
        "till invånare och besökare, med gemensam kyl och betallösning.",
        "sv",
        "businesses",
        12,
        (),
        ("sdg-12", "food-agriculture"),
        submitter=("Sven Fäbod", "sven.fabod@example.org"),
    ),
    DemoIdea(
        "office-ragunda",
        "SE",
        "2303",
        "Delade kontorsplatser i gamla skolan",
        "Den nedlagda skolan i Hammarstrand kan bli ett kontorshotell för distansarbetare och småföretag, med "
        "bra uppkoppling, mötesrum och fika.",
        "sv",
        "businesses",
        200,
        ("go", "go", "go", "go"),
        ("sdg-8",),
        answer="Kontorshotellet öppnade i januari; nu genomförs det fullt ut.",
        submitter=("Eva Lund", "eva.lund@example.org"),
    ),
    DemoIdea(
        "opendata-trondheim",
        "NO",
        "5001",
        "Åpne data om ledige næringslokaler",
        "Gjør oversikten over ledige næringslokaler tilgjengelig som åpne data, slik at gründere og "
        "eiendomsaktører kan finne og vise fram lokaler på ett sted.",
        "nb",
        "businesses",
        95,
        ("go", "go"),
        ("sdg-9",),
        note="Sjekk med eiendomsavdelingen hvilke data som kan deles.",
        submitter=("Per Hansen", "per.hansen@example.no"),
    ),
    DemoIdea(
        "opendata-ostersund",
        "SE",
        "2380",
        "Öppna data om lediga lokaler för företag",
        "Publicera kommunens lista över lediga affärs- och kontorslokaler som öppna data så att nya företag och "
        "fastighetsägare hittar varandra på ett ställe.",
        "sv",
        "businesses",
        20,
        (),
        ("sdg-9",),
        submitter=("Jonas Sund", "jonas.sund@example.org"),
    ),
    DemoIdea(
        "internships-stromsund",
        "SE",
        "2313",
        "Digital tjänst för att hitta praktikplatser för unga",
        "Unga i Strömsund har svårt att hitta praktik och sommarjobb. En gemensam digital tjänst där företag "
        "lägger upp platser och skolan matchar elever skulle hjälpa både unga och arbetsgivare.",
        "sv",
        "young",
        80,
        ("go", "hold"),
        ("sdg-4", "sdg-8"),
        answer="Vi avvaktar besked om regional finansiering innan vi går vidare.",
        submitter=("Ida Holm", "ida.holm@example.org"),
    ),
    DemoIdea(
        "summerjobs-levanger",
        "NO",
        "5037",
        "Digital formidling av sommerjobber for ungdom",
        "En felles digital tjeneste der lokale bedrifter legger ut sommerjobber og praksisplasser for ungdom, "
        "og skolene hjelper elevene å søke.",
        "nb",
        "young",
        25,
        (),
        ("sdg-8",),
        submitter=("Sindre Moe", "sindre.moe@example.no"),
    ),
    DemoIdea(
        "qr-berg",
        "SE",
        "2326",
        "Turistinformation via QR-koder vid lederna",
        "Sätt upp skyltar med QR-koder vid vandringslederna som länkar till information om natur, kultur och "
        "service i närheten.",
        "sv",
        "visitors",
        110,
        ("go", "kill"),
        ("tourism",),
        answer="Idén avslutas: Visit Jämtland lanserar en liknande lösning för hela länet i år.",
        submitter=("Olle Berg", "olle.berg@example.org"),
    ),
    DemoIdea(
        "reuse-bracke",
        "SE",
        "2305",
        "Återbruksgalleria i kommunens förråd",
        "Gör om kommunens gamla förråd till en återbruksgalleria där föreningar och företag säljer och lagar "
        "begagnade saker.",
        "sv",
        "associations",
        320,
        ("go", "go", "go", "go", "go"),
        ("sdg-12",),
        answer="Återbruksgallerian är i drift och sprids nu till fler kommuner i länet.",
        submitter=("Karin Åberg", "karin.aberg@example.org"),
    ),
    DemoIdea(
        "woodenhouses-roros",
        "NO",
        "5025",
        "Felles vedlikehold av verneverdige trehus",
        "Eiere av verneverdige trehus på Røros kan dele håndverkere, materiallager og kunnskap gjennom en "
        "felles vedlikeholdsordning.",
        "nb",
        "residents",
        170,
        ("go", "go", "go"),
        ("sdg-11",),
        submitter=("Ingrid Bakke", "ingrid.bakke@example.no"),
    ),
    DemoIdea(
        "streetlights-stjordal",
        "NO",
        "5035",
        "Smart styring av gatelys etter trafikk",
        "Gatelysene kan dimmes når det ikke er trafikk og lyse opp når noen kommer, for å spare strøm.",
        "nb",
        "residents",
        130,
        ("go", "go", "recycle:screening"),
        ("sdg-7", "sdg-11"),
        note="Må avklare personvern rundt sensorene før vi går videre.",
        submitter=("Eirik Strand", "eirik.strand@example.no"),
    ),
    DemoIdea(
        "cyclepaths-ostersund",
        "SE",
        "2380",
        "Vinterväghållning med sensorer på cykelbanorna",
        "Sensorer i cykelbanorna kan visa var det är halt så att plogning och sandning kan prioriteras dit "
        "cyklisterna faktiskt åker.",
        "sv",
        "residents",
        45,
        ("go",),
        ("mobility-transport",),
        submitter=("Lisa Norén", "lisa.noren@example.org"),
    ),
    DemoIdea(
        "evvans-verdal",
        "NO",
        "5038",
        "Felles innkjøp av elektriske arbeidsbiler",
        "Kommunene i Innherred kan kjøpe elektriske arbeidsbiler sammen og dele ladepunkter, for å få bedre "
        "priser og raskere omstilling.",
        "nb",
        "employees",
        8,
        (),
        ("sdg-13",),
        submitter=("Hilde Rønning", "hilde.ronning@example.no"),
    ),
    DemoIdea(
        "housing-are",
        "SE",
        "2321",
        "Säsongsboende för arbetskraft i besöksnäringen",
        "Besöksnäringen i Åre behöver hundratals säsongsanställda varje vinter men bostäderna räcker inte. "
        "Kommunen och företagen kan tillsammans bygga flexibla säsongsboenden.",
        "sv",
        "businesses",
        100,
        ("go", "go"),
        ("sdg-8", "sdg-11"),
        submitter=("Johanna Fjäll", "johanna.fjall@example.org"),
    ),
    DemoIdea(
        "housing-trondheim",
        "NO",
        "5001",
        "Sesongboliger for arbeidere i reiselivet",
        "Reiselivet trenger mange sesongarbeidere, men det finnes for få boliger. Kommunen og bedriftene kan "
        "sammen bygge fleksible sesongboliger.",
        "nb",
        "businesses",
        15,
        (),
        ("sdg-11",),
        submitter=("Thomas Vik", "thomas.vik@example.no"),
    ),
    DemoIdea(
        "advice-krokom",
        "SE",
        "2309",
        "Mobil företagsrådgivning i byarna",
        "En rådgivare från kommunen och Almi som en dag i månaden besöker byarna med en husbil, så att "
        "företagare slipper åka in till stan.",
        "sv",
        "businesses",
        3,
        (),
        (),
        submitter=("Per Jonsson", "per.jonsson@example.org"),
    ),
)

#: Same idea, linked as duplicate → original.
DUPLICATES = (("sledge-herjedalen", "sledge-are"),)
#: Co-developed: the idea, the partner municipality, shares (lead %, partner %), budget, currency.
CODEVELOPMENT = (("sledge-are", ("NO", "5034"), (Decimal(60), Decimal(40)), Decimal(1_200_000), "SEK"),)


def _organisation(country: str, code: str) -> Organisation | None:
    return (
        Organisation.objects.filter(
            verified_kind=Organisation.Kind.MUNICIPALITY, verified_municipality__country=country
        )
        .filter(verified_municipality__code=code)
        .first()
    )


def _decider(organisation: Organisation) -> User | None:
    membership = (
        Membership.objects.filter(organisation=organisation, role__in=DECIDING_ROLES)
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )
    return membership.user if membership else None


#: What the deciding organisation writes, in its own language (the idea's: Swedish ideas are
#: received in Sweden, Norwegian ones in Norway). Content, like the notes and answers.
RATIONALES = {
    "sv": {
        "go": "Behovet är tydligt och idén är genomförbar med rimliga medel.",
        "kill": "En likvärdig lösning finns redan regionalt; vi lägger inte resurser på en egen.",
        "hold": "Vi väntar på besked om finansiering.",
        "recycle": "Konceptet behöver arbetas om innan vi kan gå vidare.",
    },
    "nb": {
        "go": "Behovet er tydelig, og ideen kan gjennomføres med rimelige midler.",
        "kill": "En tilsvarende løsning finnes allerede regionalt; vi bruker ikke ressurser på en egen.",
        "hold": "Vi venter på svar om finansiering.",
        "recycle": "Konseptet må bearbeides før vi kan gå videre.",
    },
}


def _decide(idea: Idea, step: str, by: User | None) -> None:
    outcome, _sep, target = step.partition(":")
    to_stage = Stage.objects.get(sluice=idea.sluice, kind=target) if target else None
    rationale = RATIONALES.get(idea.language, RATIONALES["sv"])[outcome]
    scores = {c.pk: 3 + (c.pk + len(idea.title)) % 3 for c in idea.sluice.criteria.all()} if idea.sluice else {}
    casework.gate_decide(
        idea=idea, outcome=outcome, rationale=rationale, by=by, scores=scores, to_stage=to_stage, is_public=True
    )


def _backdate(idea: Idea, days_ago: int) -> None:
    """Spread the idea's history over the past `days_ago` days: submitted then, each decision
    some weeks later, so the dashboard shows time in stages and decisions per month."""
    start = timezone.now() - timedelta(days=days_ago)
    decisions = list(idea.decisions.order_by("pk"))
    step = timedelta(days=days_ago / (len(decisions) + 1))
    moments = [start + step * (i + 1) for i in range(len(decisions))]
    Idea.objects.filter(pk=idea.pk).update(created_at=start)
    Event.objects.filter(idea=idea, kind=Event.Kind.SUBMITTED).update(created_at=start)
    for decision, moment in zip(decisions, moments, strict=True):
        GateDecision.objects.filter(pk=decision.pk).update(decided_at=moment)
        Event.objects.filter(idea=idea, kind=Event.Kind.DECISION, data__decision=decision.pk).update(created_at=moment)
    # One visit for the first stage and one per decision that changed the stage, in order.
    entered = [start, *[m for d, m in zip(decisions, moments, strict=True) if d.to_stage_id != d.from_stage_id]]
    for i, visit in enumerate(StageVisit.objects.filter(idea=idea).order_by("pk")):
        left = entered[i + 1] if i + 1 < len(entered) else None
        StageVisit.objects.filter(pk=visit.pk).update(entered_at=entered[min(i, len(entered) - 1)], left_at=left)
    Idea.objects.filter(pk=idea.pk).update(stage_entered_at=entered[-1])


def _create(spec: DemoIdea, municipality: Municipality) -> Idea | None:
    organisation = submission.receiving_organisation_for(municipality)
    if organisation is None:
        return None
    sluice = submission.sluice_for(organisation)
    stage = sluice.first_stage()
    now = timezone.now()
    idea = Idea(
        title=spec.title,
        description=spec.description,
        language=spec.language,
        municipality=municipality,
        receiving_organisation=organisation,
        sluice=sluice,
        stage=stage,
        stage_entered_at=now,
        audience=spec.audience,
        submitter_name=spec.submitter[0],
        submitter_email=spec.submitter[1],
        consent_text=str(submission.CONSENT_TEXT),
        consented_at=now,
        notify_submitter=False,
    )
    submission._save_with_reference(idea)
    idea.tags.set(Tag.objects.filter(slug__in=spec.tags))
    StageVisit.objects.create(idea=idea, stage=stage, entered_at=now)
    Event.objects.create(idea=idea, kind=Event.Kind.SUBMITTED, is_public=True, data={"reference": idea.reference})
    decider = _decider(organisation)
    for step in spec.decisions:
        _decide(idea, step, decider)
        idea.refresh_from_db()
    if spec.answer:
        casework.add_answer(idea=idea, text=spec.answer, by=decider)
    if spec.note:
        casework.add_note(idea=idea, text=spec.note, by=decider)
    if decider is not None and spec.decisions:
        Idea.objects.filter(pk=idea.pk).update(assignee=decider)
    _backdate(idea, spec.days_ago)
    return idea


def seed_ideas(demo: Any = None) -> int:
    """Create the demo ideas (a `seed_demo` section; `demo.created` is counted if given).
    Returns how many ideas were created."""
    created = 0
    by_key: dict[str, Idea] = {}
    with transaction.atomic():
        places = {(m.country, m.code): m for m in Municipality.objects.filter(code__in={i.code for i in IDEAS})}
        for spec in IDEAS:
            municipality = places.get((spec.country, spec.code))
            if municipality is None:
                continue
            existing = Idea.objects.filter(municipality=municipality, title=spec.title).first()
            if existing is not None:
                by_key[spec.key] = existing
                continue
            if _organisation(spec.country, spec.code) is None:
                continue  # the demo organisations are not there: skip gracefully
            idea = _create(spec, municipality)
            if idea is not None:
                by_key[spec.key] = idea
                created += 1
        for duplicate_key, original_key in DUPLICATES:
            duplicate, original = by_key.get(duplicate_key), by_key.get(original_key)
            if duplicate and original and not DuplicateLink.objects.filter(duplicate=duplicate).exists():
                casework.link_duplicate(duplicate=duplicate, original=original, by=None)
        for key, (country, code), (lead_share, partner_share), budget, currency in CODEVELOPMENT:
            idea, partner = by_key.get(key), _organisation(country, code)
            if idea is None or partner is None or idea.receiving_organisation is None or idea.participants.exists():
                continue
            Participant.objects.create(
                idea=idea,
                organisation=idea.receiving_organisation,
                role=Participant.Role.LEAD,
                status=Participant.Status.ACCEPTED,
                cost_share=lead_share,
            )
            Participant.objects.create(
                idea=idea,
                organisation=partner,
                role=Participant.Role.PARTNER,
                status=Participant.Status.ACCEPTED,
                cost_share=partner_share,
            )
            Idea.objects.filter(pk=idea.pk).update(budget=budget, currency=currency)
            Event.objects.create(idea=idea, kind=Event.Kind.PARTICIPANT_JOINED, is_public=True, text=partner.name)
        if created:
            # Candidate duplicates for the regional view, once the ideas are committed.
            transaction.on_commit(_find_candidates)
    if demo is not None and hasattr(demo, "created"):
        demo.created["ideas"] += created
    return created


#: The shared sluice of Jämtland (issue 9, point 15): its lead (by name), its members by
#: municipality code, the municipality invited but not answered yet, and its ideas.
SHARED_SLUICE = ("Gemensam idésluss Jämtland", "jamtland-gemensam-idesluss", "Region Jämtland Härjedalen")
SHARED_MEMBERS = ("2309", "2313", "2326", "2321")
SHARED_INVITED = ("2380",)
#: (idea, passed on to the shared process)
SHARED_IDEAS: tuple[tuple[DemoIdea, bool], ...] = (
    (
        DemoIdea(
            "shared-krokom-bus",
            "SE",
            "2309",
            "Anropsstyrd bybuss mellan byarna i Krokom",
            "Många byar saknar kollektivtrafik kvällar och helger. En anropsstyrd minibuss som bokas i en app eller "
            "per telefon skulle kunna köra mellan byarna och anslutningarna till tåget, och samma lösning kan delas "
            "med grannkommunerna i stället för att var och en tar fram sin egen.",
            "sv",
            "residents",
            80,
            ("go",),
            ("mobility-transport",),
            submitter=("Lars Nordin", "lars.nordin@example.org"),
        ),
        True,
    ),
    (
        DemoIdea(
            "shared-stromsund-recruitment",
            "SE",
            "2313",
            "Gemensam rekrytering av säsongspersonal",
            "Besöksnäringen i inlandet har svårt att hitta säsongspersonal. Ett gemensamt rekryteringsstöd med "
            "boende, introduktion och kontakter med arbetsgivare i flera kommuner gör det lättare att stanna "
            "hela säsongen och komma tillbaka nästa år.",
            "sv",
            "businesses",
            45,
            (),
            ("tourism",),
            submitter=("Sofia Strand", "sofia.strand@example.org"),
        ),
        True,
    ),
    (
        DemoIdea(
            "shared-berg-library",
            "SE",
            "2326",
            "Meröppna bibliotek som mötesplats för distansarbetare",
            "Biblioteken i Bergs kommun kan hålla öppet utan personal på kvällar, med bokningsbara arbetsplatser "
            "och snabbt nät för den som arbetar på distans.",
            "sv",
            "residents",
            12,
            submitter=("Per Ek", "per.ek@example.org"),
        ),
        False,
    ),
    (
        DemoIdea(
            "shared-are-water",
            "SE",
            "2321",
            "Sensorer som varnar för översvämning i fjällbäckarna",
            "Enkla vattennivåsensorer i bäckarna ovanför byarna skulle ge tidig varning vid snösmältning och skyfall, "
            "med öppna data som alla kommuner i länet kan använda.",
            "sv",
            "residents",
            6,
            submitter=("Maja Holm", "maja.holm@example.org"),
        ),
        False,
    ),
)


def seed_shared_sluice(demo: Any = None) -> int:
    """The shared sluice and its ideas; memberships are written directly (no e-mail), like the
    co-development above. Idempotent: an existing sluice is left as it is. Returns ideas created."""
    name, slug, lead_name = SHARED_SLUICE
    lead = Organisation.objects.filter(name=lead_name, verified_kind=Organisation.Kind.REGION).first()
    if lead is None or Sluice.objects.filter(slug=slug).exists():
        return 0
    created = 0
    with transaction.atomic():
        sluice = Sluice.create_default(lead_organisation=lead, name=name, slug=slug)
        Sluice.objects.filter(pk=sluice.pk).update(shared=True)
        sluice.shared = True
        now = timezone.now()
        joined = now - timedelta(days=120)
        SluiceMembership.objects.create(sluice=sluice, organisation=lead, status="active", joined_at=joined)
        for code in SHARED_MEMBERS:
            member = _organisation("SE", code)
            if member is not None and not SluiceMembership.objects.active().filter(organisation=member).exists():
                SluiceMembership.objects.create(sluice=sluice, organisation=member, status="active", joined_at=joined)
        for code in SHARED_INVITED:
            invited = _organisation("SE", code)
            if invited is not None:
                SluiceMembership.objects.create(sluice=sluice, organisation=invited)
        places = {
            m.code: m for m in Municipality.objects.filter(country="SE", code__in=[i.code for i, _ in SHARED_IDEAS])
        }
        for spec, passed_on in SHARED_IDEAS:
            municipality = places.get(spec.code)
            if municipality is None or Idea.objects.filter(municipality=municipality, title=spec.title).exists():
                continue
            idea = _create(spec, municipality)
            if idea is None:
                continue
            created += 1
            if passed_on and idea.sluice_id == sluice.pk:
                moment = idea.created_at + timedelta(days=2)
                Idea.objects.filter(pk=idea.pk).update(shared_at=moment)
                Event.objects.create(idea=idea, kind=Event.Kind.SHARED, text=sluice.name, data={"sluice": sluice.pk})
    if demo is not None and hasattr(demo, "created"):
        demo.created["ideas"] += created
    return created


def _find_candidates() -> None:
    try:
        duplicates.refresh_candidates()
    except Exception:  # the cron job `find_duplicate_candidates` will catch up
        logger.exception("Finding duplicate candidates for the demo ideas failed")


#: This app's part of the demo region, run by the project's `framja seed_demo` after accounts'.
SECTIONS = [seed_ideas, seed_shared_sluice]
