"""The support log's part of the demo region (`framja seed_demo`): a year of efforts and
referrals, with believable differences between organisations so the equal-terms figures tell
a story: Almi lends mostly to companies led by men and in large amounts, Coompanion and the
Norwegian start-up service meet more women, the incubator more founders with a foreign
background, and Nyföretagarcentrum and Etablerertjenesten refer clients on to the financiers.

Deterministic (a seeded random generator) and idempotent: an organisation that already has
efforts is left as it is. Names are invented; organisation numbers are fictitious with valid
check digits. No e-mail is sent: referrals of the demo are written directly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from framja.accounts.demo import norwegian_number, swedish_number
from framja.accounts.models import Membership, Organisation, Role, User
from framja.places.models import Municipality
from framja.support import services
from framja.support.models import Company, Effort, Person, Referral, ReferralStatus, offerings_of


@dataclass(frozen=True)
class Profile:
    """How one organisation's year looks."""

    key: str
    companies: int
    women: float  # share of women among the company leaders it meets
    foreign: float  # share with a foreign background
    kinds: tuple[str, ...]  # the kinds of effort it gives, repeated by weight
    amount: tuple[int, int] | None  # range of money per financing effort
    stem: str  # organisation-number stem of its clients (fictitious)


PROFILES = (
    Profile("almi-mitt", 14, 0.28, 0.10, ("financing", "financing", "advice"), (50_000, 600_000), "55900"),
    Profile("coompanion", 8, 0.62, 0.18, ("advice", "training", "advice"), None, "76960"),
    Profile("nyforetagarcentrum", 10, 0.52, 0.22, ("advice", "advice", "training"), None, "55910"),
    Profile("inkubatorn", 7, 0.25, 0.35, ("advice", "financing", "training"), (25_000, 300_000), "55920"),
    Profile("innovasjon-norge", 12, 0.33, 0.12, ("financing", "advice"), (100_000, 1_500_000), "9300"),
    Profile("etablerertjenesten", 9, 0.55, 0.25, ("advice", "training"), None, "9310"),
)

#: Who refers to whom, and how often (out of the sender's clients).
REFERRALS = (("nyforetagarcentrum", "almi-mitt", 0.5), ("etablerertjenesten", "innovasjon-norge", 0.5))

FIRST_WOMEN = ("Anna", "Maria", "Karin", "Sara", "Elin", "Ingrid", "Kari", "Nora", "Leila", "Fatima", "Sofia", "Silje")
FIRST_MEN = ("Erik", "Lars", "Johan", "Per", "Anders", "Magnus", "Ola", "Ahmed", "Tor", "Jonas", "Ali", "Nils")
LAST = ("Berg", "Lund", "Holm", "Strand", "Moen", "Haugen", "Nilsson", "Eriksson", "Haddad", "Dahl", "Sandberg")
TRADES = ("Bageri", "Bygg", "Design", "Turism", "Fiske", "Data", "Skog", "Café", "Konsult", "Verkstad", "Hälsa")


def _number(profile: Profile, country: str, n: int) -> str:
    if country == "SE":
        return swedish_number(f"{profile.stem}{n:04d}")
    stem = f"{profile.stem}{n:04d}"
    for bump in range(10):  # some stems have no valid Norwegian check digit: try the next
        candidate = f"{int(stem) + bump * 10_000:08d}"
        try:
            return norwegian_number(candidate)
        except ValueError:
            continue
    raise ValueError(stem)


def _staff(organisation: Organisation, roles: tuple[str, ...]) -> list[User]:
    return [m.user for m in Membership.objects.filter(organisation=organisation, role__in=roles).select_related("user")]


def _person(rng: random.Random, organisation: Organisation, profile: Profile, recorder: User | None) -> Person:
    woman = rng.random() < profile.women
    first = rng.choice(FIRST_WOMEN if woman else FIRST_MEN)
    person = services.person_create(organisation=organisation, name=f"{first} {rng.choice(LAST)}")
    if rng.random() < 0.85:  # most agree to the follow-up; some do not
        background = "yes" if rng.random() < profile.foreign else "no"
        gender = "woman" if woman else "man"
        if rng.random() < 0.05:
            gender, background = "not_saying", "not_saying"
        elif rng.random() < 0.03:
            gender = "non_binary"
        services.demographics_record(
            person=person,
            by=recorder,
            gender=gender,
            birth_year=rng.randint(1958, 2001),
            foreign_background=background,
            purpose="Uppföljning av likvärdigt stöd (demo)",
            given_on=timezone.localdate() - timedelta(days=370),
        )
    return person


def _effort(
    rng: random.Random, organisation: Organisation, profile: Profile, company: Company, offering: Any, adviser: Any
) -> Effort:
    kind = rng.choice(profile.kinds)
    amount = None
    if kind == "financing" and profile.amount is not None:
        low, high = profile.amount
        amount = Decimal(rng.randrange(low, high, 5_000))
    given_on = timezone.localdate() - timedelta(days=rng.randint(1, 360))
    # Every seventh company gets a follow-up a month later (no draw: the demo's numbers stay);
    # those whose month has passed without a newer effort show under "to follow up".
    follow_up_on = given_on + timedelta(days=30) if company.pk % 7 == 0 else None
    return services.effort_log(
        organisation=organisation,
        company=company,
        offering=offering,
        adviser=adviser,
        given_on=given_on,
        follow_up_on=follow_up_on,
        kind=kind,
        hours=Decimal(rng.choice((1, 1.5, 2, 3, 4, 6, 8))).quantize(Decimal("0.1")),
        amount=amount,
        currency=("SEK" if organisation.country == "SE" else "NOK") if amount is not None else "",
        outcome=rng.choice(("Affärsplan klar", "Finansiering beviljad", "Vidare till nästa steg", "")),
    )


def seed_support_log(demo: Any) -> None:
    """A year of efforts for each demo organisation with a profile, then referrals."""
    rng = random.Random(2026)
    clients: dict[str, list[Company]] = {}
    for profile in PROFILES:
        organisation = demo.organisations.get(profile.key)
        if organisation is None or Effort.objects.filter(organisation=organisation).exists():
            continue
        municipalities = list(
            Municipality.objects.filter(country=organisation.country).filter(verified_served_by=organisation)
        ) or list(Municipality.objects.filter(country=organisation.country)[:5])
        recorder = next(iter(_staff(organisation, (Role.ADMIN,))), None)
        advisers: list[User | None] = [*_staff(organisation, (Role.ADMIN, Role.COORDINATOR, Role.ADVISER))] or [None]
        offerings = list(offerings_of(organisation)[:3]) or [None]
        clients[profile.key] = []
        for n in range(profile.companies):
            company, _created = services.company_register(
                organisation=organisation,
                country=organisation.country,
                organisation_number=_number(profile, organisation.country, n),
                name=f"{rng.choice(TRADES)} {rng.choice(LAST)} {'AB' if organisation.country == 'SE' else 'AS'}",
                municipality=rng.choice(municipalities) if municipalities else None,
                founding_year=rng.randint(1995, date.today().year),
                legal_form="limited_company",
            )
            clients[profile.key].append(company)
            ceo = _person(rng, organisation, profile, recorder)
            services.person_link_company(person=ceo, company=company, role="ceo")
            if rng.random() < 0.4:
                chair = _person(rng, organisation, profile, recorder)
                services.person_link_company(person=chair, company=company, role="board_chair")
            for _ in range(rng.randint(1, 3)):
                _effort(rng, organisation, profile, company, rng.choice(offerings), rng.choice(advisers))
                demo.created["support efforts"] += 1
            demo.created["client companies"] += 1
    _seed_referrals(rng, demo, clients)


def _seed_referrals(rng: random.Random, demo: Any, clients: dict[str, list[Company]]) -> None:
    now = timezone.now()
    for sender_key, receiver_key, share in REFERRALS:
        sender, receiver = demo.organisations.get(sender_key), demo.organisations.get(receiver_key)
        if sender is None or receiver is None or Referral.objects.filter(from_organisation=sender).exists():
            continue
        for company in clients.get(sender_key, []):
            if rng.random() >= share:
                continue
            sent = now - timedelta(days=rng.randint(2, 300))
            status = rng.choice(
                (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED, ReferralStatus.COMPLETED)
            )
            if rng.random() < 0.12:
                status = ReferralStatus.DECLINED
            referral = Referral.objects.create(
                from_organisation=sender,
                to_organisation=receiver,
                company=company,
                reason="Behöver finansiering för att växa.",
                status=ReferralStatus.SENT,
                sent_at=sent,
            )
            demo.created["referrals"] += 1
            if status == ReferralStatus.SENT:
                continue
            accept = status != ReferralStatus.DECLINED
            services.referral_answer(
                referral=referral,
                by=None,
                accept=accept,
                answer="" if accept else "Företaget är för tidigt för oss; pröva ett mikrolån.",
            )
            if status == ReferralStatus.COMPLETED:
                given_on = min(timezone.localdate(), (sent + timedelta(days=rng.randint(3, 30))).date())
                services.effort_log(
                    organisation=receiver, referral=referral, given_on=given_on, kind="financing", hours=Decimal(2)
                )
                demo.created["support efforts"] += 1


SECTIONS = [seed_support_log]
