"""`framja seed_demo`: a believable cross-border demo region, Jämtland–Trøndelag.

Creates the eight Jämtland municipalities and seven Trøndelag kommuner as organisations, the
regional development bodies of both sides, business-support organisations, an innovation hub on
each side, and demo users for every role, then prints the logins. Safe to re-run: what exists
(matched by municipality, organisation number or e-mail) is left as it is.

Adding demo content: write a function `seed_<things>(demo: Demo) -> None` that creates rows
idempotently, counts them with `demo.created[...] += 1`, and append it to SECTIONS. Earlier
sections leave their rows in `demo.organisations` (by key) and `demo.users` (by e-mail).

Organisation numbers are fictitious: valid check digits in the right series (212000- for
Swedish municipalities), not the bodies' real numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation

from framja.accounts.models import Membership, Organisation, Role, User
from framja.accounts.validators import luhn_is_valid, mod11_check_digit
from framja.audit.context import acting_as
from framja.places.models import Municipality
from framja.places.services import load_reference

DEMO_PASSWORD = "demo-framja-2026"  # noqa: S105 -- published on purpose: demo accounts only
Kind = Organisation.Kind


def swedish_number(stem: str) -> str:
    """Complete nine digits with their Luhn check digit, giving a valid ten-digit number."""
    stem = stem.replace("-", "")
    return next(stem + str(d) for d in range(10) if luhn_is_valid(stem + str(d)))


def norwegian_number(stem: str) -> str:
    """Complete eight digits with their mod-11 check digit (stems whose remainder is 1 are invalid)."""
    digit = mod11_check_digit(stem)
    if digit is None:
        raise ValueError(f"{stem} has no valid Norwegian check digit")
    return stem + str(digit)


@dataclass(frozen=True)
class DemoOrganisation:
    key: str
    name: str
    kind: str
    country: str
    number: str
    description_sv: str
    description_nb: str
    description_en: str
    municipality: str = ""  # its own municipality code (kind municipality)
    serves_counties: tuple[str, ...] = ()
    serves: tuple[str, ...] = ()  # municipality codes, in the organisation's country
    website: str = ""


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    organisation: str  # DemoOrganisation.key
    role: str
    language: str


@dataclass
class Demo:
    """What the sections share: the rows by key, what was created, and the logins to print."""

    organisations: dict[str, Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    created: Counter[str] = field(default_factory=Counter)
    #: (e-mail, name, role, organisation); the role may be a lazy translation, shown in English.
    logins: list[tuple[str, str, Any, str]] = field(default_factory=list)
    #: Hashed once: every demo account has the same password, and hashing is slow on purpose.
    password_hash: str = field(default_factory=lambda: make_password(DEMO_PASSWORD))


JAMTLAND = {
    "2303": "212000230",
    "2305": "212000231",
    "2309": "212000232",
    "2313": "212000233",
    "2321": "212000234",
    "2326": "212000235",
    "2361": "212000236",
    "2380": "212000237",
}
TRONDELAG = {code: f"9990{code}" for code in ("5001", "5006", "5025", "5034", "5035", "5037", "5038")}
SE_WEBSITES = {
    "2303": "https://www.ragunda.se",
    "2305": "https://www.bracke.se",
    "2309": "https://www.krokom.se",
    "2313": "https://www.stromsund.se",
    "2321": "https://www.are.se",
    "2326": "https://www.berg.se",
    "2361": "https://www.herjedalen.se",
    "2380": "https://www.ostersund.se",
}
#: Innherred, the kommuner around the Trondheimsfjord's inner arm that the Norwegian hub serves.
INNHERRED = ("5006", "5036", "5037", "5038", "5041", "5053")


def _municipality_organisations(municipalities: dict[tuple[str, str], Municipality]) -> list[DemoOrganisation]:
    organisations = []
    for code, stem in JAMTLAND.items():
        m = municipalities["SE", code]
        organisations.append(
            DemoOrganisation(
                key=f"SE-{code}",
                name=m.official_name or f"{m.name} kommun",
                kind=Kind.MUNICIPALITY,
                country="SE",
                number=swedish_number(stem),
                municipality=code,
                serves=(code,),
                website=SE_WEBSITES[code],
                description_sv=(
                    f"Näringslivsenheten i {m.official_name} är första kontakten för företagare och idébärare i "
                    "kommunen: etablering, tillstånd, lokaler och vägen vidare till rätt stöd i regionen."
                ),
                description_nb=(
                    f"Næringslivsenheten i {m.name} kommune i Jämtland er første kontakt for gründere og bedrifter: "
                    "etablering, tillatelser, lokaler og veien videre til riktig støtte i regionen."
                ),
                description_en=(
                    f"The business office of {m.name} Municipality in Jämtland is the first contact for entrepreneurs "
                    "and companies: starting up, permits, premises and the way on to the right support in the region."
                ),
            )
        )
    for code, stem in TRONDELAG.items():
        m = municipalities["NO", code]
        organisations.append(
            DemoOrganisation(
                key=f"NO-{code}",
                name=f"{m.name} kommune",
                kind=Kind.MUNICIPALITY,
                country="NO",
                number=norwegian_number(stem),
                municipality=code,
                serves=(code,),
                website=f"https://www.{m.name.lower().replace('ø', 'o').replace('å', 'a')}.kommune.no",
                description_sv=(
                    f"Näringslivsavdelningen i {m.name} kommun i Trøndelag är första kontakten för företagare och "
                    "idébärare: etablering, tillstånd, lokaler och vägen vidare till rätt stöd i regionen."
                ),
                description_nb=(
                    f"Næringsavdelingen i {m.name} kommune er første kontakt for gründere og bedrifter i kommunen: "
                    "etablering, tillatelser, lokaler og veien videre til riktig støtte i regionen."
                ),
                description_en=(
                    f"The business office of {m.name} Municipality in Trøndelag is the first contact for "
                    "entrepreneurs and companies: starting up, permits, premises and the way on to the right support."
                ),
            )
        )
    return organisations


REGIONAL_ORGANISATIONS = (
    DemoOrganisation(
        key="region-jh",
        name="Region Jämtland Härjedalen",
        kind=Kind.REGION,
        country="SE",
        number=swedish_number("232100030"),
        serves_counties=("23",),
        website="https://www.regionjh.se",
        description_sv=(
            "Regionalt utvecklingsansvarig i Jämtlands län: regional utvecklingsstrategi, företagsstöd och "
            "samverkan med kommunerna och med Trøndelag över gränsen."
        ),
        description_nb=(
            "Regionalt utviklingsansvarlig i Jämtlands län: regional utviklingsstrategi, bedriftsstøtte og "
            "samarbeid med kommunene og med Trøndelag over grensen."
        ),
        description_en=(
            "The regional development body of Jämtland county: regional development strategy, business grants "
            "and cooperation with the municipalities and across the border with Trøndelag."
        ),
    ),
    DemoOrganisation(
        key="trondelag-fk",
        name="Trøndelag fylkeskommune",
        kind=Kind.REGION,
        country="NO",
        number=norwegian_number("99950050"),
        serves_counties=("50",),
        website="https://www.trondelagfylke.no",
        description_sv=(
            "Regional utvecklingsaktör i Trøndelag: näringsutveckling, kompetens och samarbete med kommunerna "
            "och med Jämtland Härjedalen."
        ),
        description_nb=(
            "Regional utviklingsaktør i Trøndelag: næringsutvikling, kompetanse og samarbeid med kommunene og "
            "med Jämtland Härjedalen."
        ),
        description_en=(
            "The regional development actor of Trøndelag: business development, skills and cooperation with the "
            "municipalities and with Jämtland Härjedalen."
        ),
    ),
    DemoOrganisation(
        key="almi-mitt",
        name="Almi Mitt",
        kind=Kind.BUSINESS_SUPPORT,
        country="SE",
        number=swedish_number("559900101"),
        serves_counties=("22", "23"),
        website="https://www.almi.se",
        description_sv=(
            "Lån, riskkapital och affärsrådgivning till företag i Jämtlands och Västernorrlands län som vill "
            "starta, växa och utvecklas."
        ),
        description_nb=(
            "Lån, risikokapital og forretningsrådgivning til bedrifter i Jämtlands og Västernorrlands län som "
            "vil starte, vokse og utvikle seg."
        ),
        description_en=(
            "Loans, venture capital and business advice for companies in Jämtland and Västernorrland that want "
            "to start, grow and develop."
        ),
    ),
    DemoOrganisation(
        key="coompanion",
        name="Coompanion Jämtland",
        kind=Kind.BUSINESS_SUPPORT,
        country="SE",
        number=swedish_number("769600102"),
        serves_counties=("23",),
        website="https://www.coompanion.se",
        description_sv="Rådgivning till dig som vill starta och driva kooperativa och sociala företag i Jämtlands län.",
        description_nb="Rådgivning for deg som vil starte og drive samvirkeforetak og sosiale foretak i Jämtlands län.",
        description_en="Advice for people starting and running cooperatives and social enterprises in Jämtland.",
    ),
    DemoOrganisation(
        key="nyforetagarcentrum",
        name="Nyföretagarcentrum Jämtland",
        kind=Kind.BUSINESS_SUPPORT,
        country="SE",
        number=swedish_number("802400103"),
        serves_counties=("23",),
        website="https://www.nyforetagarcentrum.se",
        description_sv="Kostnadsfri och konfidentiell rådgivning till dig som funderar på att starta eget företag.",
        description_nb="Gratis og konfidensiell rådgivning til deg som vurderer å starte egen bedrift i Jämtland.",
        description_en="Free, confidential advice for anyone in Jämtland thinking of starting their own business.",
    ),
    DemoOrganisation(
        key="inkubatorn",
        name="Inkubatorn Jämtland",
        kind=Kind.INCUBATOR,
        country="SE",
        number=swedish_number("559900104"),
        serves_counties=("23",),
        description_sv=(
            "Inkubator för kunskapsintensiva och skalbara idéer i Jämtland Härjedalen: affärsutveckling, "
            "coachning och kontakter med investerare."
        ),
        description_nb=(
            "Inkubator for kunnskapsintensive og skalerbare ideer i Jämtland Härjedalen: forretningsutvikling, "
            "coaching og kontakt med investorer."
        ),
        description_en=(
            "Incubator for knowledge-intensive, scalable ideas in Jämtland Härjedalen: business development, "
            "coaching and investor contacts."
        ),
    ),
    DemoOrganisation(
        key="innovasjon-norge",
        name="Innovasjon Norge Trøndelag",
        kind=Kind.BUSINESS_SUPPORT,
        country="NO",
        number=norwegian_number("99950104"),
        serves_counties=("50",),
        website="https://www.innovasjonnorge.no",
        description_sv=(
            "Norska statens verktyg för innovation och företagsutveckling i Trøndelag: finansiering, rådgivning "
            "och nätverk."
        ),
        description_nb=(
            "Statens virkemiddel for innovasjon og utvikling av bedrifter i Trøndelag: finansiering, rådgivning "
            "og nettverk."
        ),
        description_en=(
            "The Norwegian state's instrument for innovation and business development in Trøndelag: funding, "
            "advice and networks."
        ),
    ),
    DemoOrganisation(
        key="etablerertjenesten",
        name="Etablerertjenesten Trøndelag",
        kind=Kind.BUSINESS_SUPPORT,
        country="NO",
        number=norwegian_number("99950102"),
        serves_counties=("50",),
        description_sv="Kostnadsfri vägledning till dig som vill starta eget företag i Trøndelag.",
        description_nb="Gratis veiledning til deg som vil starte egen bedrift i Trøndelag.",
        description_en="Free guidance for anyone who wants to start their own business in Trøndelag.",
    ),
    DemoOrganisation(
        key="innovasjonshuset",
        name="Innovasjonshuset Innherred",
        kind=Kind.INCUBATOR,
        country="NO",
        number=norwegian_number("99950103"),
        serves=INNHERRED,
        description_sv=(
            "Innovationsnav i Innherred med inkubator, kontorsplatser och program för nya och växande företag."
        ),
        description_nb=(
            "Innovasjonshus i Innherred med inkubator, kontorplasser og program for nye og voksende bedrifter."
        ),
        description_en=(
            "Innovation hub in Innherred with an incubator, office space and programmes for new and growing companies."
        ),
    ),
)

DEMO_USERS = (
    DemoUser("karin.ekstrom@example.org", "Karin", "Ekström", "SE-2380", Role.ADMIN, "sv"),
    DemoUser("johan.lindqvist@example.org", "Johan", "Lindqvist", "SE-2380", Role.COORDINATOR, "sv"),
    DemoUser("sara.nilsson@example.org", "Sara", "Nilsson", "SE-2380", Role.ADVISER, "sv"),
    DemoUser("erik.olofsson@example.org", "Erik", "Olofsson", "SE-2380", Role.MEMBER, "sv"),
    DemoUser("fredrik.holm@example.org", "Fredrik", "Holm", "SE-2321", Role.COORDINATOR, "sv"),
    DemoUser("maria.jonsson@example.org", "Maria", "Jonsson", "region-jh", Role.ADMIN, "sv"),
    DemoUser("anders.persson@example.org", "Anders", "Persson", "region-jh", Role.COORDINATOR, "sv"),
    DemoUser("per.sandberg@example.org", "Per", "Sandberg", "almi-mitt", Role.ADMIN, "sv"),
    DemoUser("lena.hakansson@example.org", "Lena", "Håkansson", "almi-mitt", Role.ADVISER, "sv"),
    DemoUser("elin.sjoberg@example.org", "Elin", "Sjöberg", "inkubatorn", Role.ADMIN, "sv"),
    DemoUser("amir.haddad@example.org", "Amir", "Haddad", "inkubatorn", Role.ADVISER, "en"),
    DemoUser("ingrid.solberg@example.no", "Ingrid", "Solberg", "NO-5001", Role.ADMIN, "nb"),
    DemoUser("magnus.haugen@example.no", "Magnus", "Haugen", "NO-5001", Role.COORDINATOR, "nb"),
    DemoUser("kari.lie@example.no", "Kari", "Lie", "NO-5001", Role.ADVISER, "nb"),
    DemoUser("lars.moen@example.no", "Lars", "Moen", "NO-5001", Role.MEMBER, "nb"),
    DemoUser("silje.aune@example.no", "Silje", "Aune", "trondelag-fk", Role.COORDINATOR, "nb"),
    DemoUser("tor.eide@example.no", "Tor", "Eide", "innovasjon-norge", Role.ADMIN, "nb"),
    DemoUser("nora.bakken@example.no", "Nora", "Bakken", "innovasjon-norge", Role.ADVISER, "nb"),
    DemoUser("aslak.eira@example.no", "Aslak", "Eira", "innovasjonshuset", Role.ADVISER, "nb"),
)
STAFF_EMAIL = "staff@example.org"


def _demo_municipalities(*, reload: bool = True) -> dict[tuple[str, str], Municipality]:
    """The demo municipalities by (country, code); loads the reference data first if it is missing."""
    codes = [("SE", code) for code in JAMTLAND] + [("NO", code) for code in TRONDELAG]
    found = {
        (m.country, m.code): m
        for m in Municipality.objects.filter(code__in=[code for _country, code in codes]).select_related("county")
    }
    if any(key not in found for key in codes):
        if reload:
            load_reference()
            return _demo_municipalities(reload=False)
        raise CommandError("The reference data lacks the demo municipalities: check framja/places/data.")
    return found


def _existing(spec: DemoOrganisation, municipality: Municipality | None) -> Organisation | None:
    if municipality is not None:
        match = Organisation.objects.filter(kind=Kind.MUNICIPALITY, municipality=municipality).first()
        if match is not None:
            return match
    return Organisation.objects.filter(country=spec.country, organisation_number=spec.number).first()


def seed_organisations(demo: Demo) -> None:
    """The organisations of both sides, each serving its municipalities."""
    municipalities = _demo_municipalities()
    for spec in (*_municipality_organisations(municipalities), *REGIONAL_ORGANISATIONS):
        own = municipalities[spec.country, spec.municipality] if spec.municipality else None
        organisation = _existing(spec, own)
        if organisation is None:
            organisation = Organisation(
                name=spec.name,
                kind=spec.kind,
                country=spec.country,
                organisation_number=spec.number,
                municipality=own,
                website=spec.website,
                description_sv=spec.description_sv,
                description_nb=spec.description_nb,
                description_en=spec.description_en,
            )
            organisation.full_clean(exclude=["slug"])  # save() derives the slug from the name
            organisation.save()
            served = Municipality.objects.filter(country=spec.country).filter(
                county__code__in=spec.serves_counties
            ) | Municipality.objects.filter(country=spec.country, code__in=spec.serves)
            organisation.serves.set(served)
            demo.created["organisations"] += 1
        demo.organisations[spec.key] = organisation


def _user(demo: Demo, email: str, **fields: Any) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(username=email.split("@")[0], email=email, **fields)
        user.password = demo.password_hash
        user.save()
        demo.created["users"] += 1
    demo.users[email] = user
    return user


def seed_users(demo: Demo) -> None:
    """A person in each role in a few organisations on both sides, plus one platform staff account."""
    for spec in DEMO_USERS:
        user = _user(
            demo, spec.email, first_name=spec.first_name, last_name=spec.last_name, preferred_language=spec.language
        )
        organisation = demo.organisations[spec.organisation]
        _membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": spec.role}
        )
        demo.created["memberships"] += int(created)
        demo.logins.append((spec.email, str(user), Role(spec.role).label, organisation.name))
    staff = _user(
        demo,
        STAFF_EMAIL,
        first_name="Främja",
        last_name="Support",
        preferred_language="en",
        is_staff=True,
        is_superuser=True,
    )
    demo.logins.append((STAFF_EMAIL, str(staff), "Platform staff (superuser)", "—"))


#: Run in this order; later modules append their own `seed_<things>(demo)` here.
def seed_demo_ideas(demo: Demo) -> None:
    """The idea sluice's demo ideas (cross-border near-duplicates, decisions, a cost split)."""
    from framja.ideas.demo import seed_ideas

    seed_ideas(demo)


def seed_demo_catalogue(demo: Demo) -> None:
    """The support catalogue's offerings and events (moves to the project-level demo discovery)."""
    from framja.catalogue.demo import seed_catalogue

    seed_catalogue(demo)


SECTIONS: list[Callable[[Demo], None]] = [seed_organisations, seed_users, seed_demo_ideas]
SECTIONS.append(seed_demo_catalogue)  # CATALOGUE (issue 11): move to the project-level demo discovery on merge


class Command(BaseCommand):
    help = "Create the Jämtland–Trøndelag demo region with users for every role. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any organisation exists (used by make run)."
        )
        parser.add_argument(
            "--force", action="store_true", help="Also when FRAMJA_DEBUG is off (demo users share a known password)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Demo users share a published password: seed_demo runs only with FRAMJA_DEBUG=1 (or --force)."
            )
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("Organisations exist already: no demo data added (--if-empty).")
            return
        demo = Demo()
        try:
            with acting_as(None), transaction.atomic():
                for section in SECTIONS:
                    section(demo)
        except ValidationError as exc:
            raise CommandError(f"Demo data not created (nothing was written): {exc}") from exc
        with translation.override("en"):
            self._report(demo)

    def _report(self, demo: Demo) -> None:
        if any(demo.created.values()):
            made = ", ".join(f"{count} {what}" for what, count in demo.created.items() if count)
            self.stdout.write(self.style.SUCCESS(f"Demo region Jämtland–Trøndelag created: {made}."))
        else:
            self.stdout.write("Demo data already present: nothing new created.")
        headers = ("Sign in with (e-mail)", "Name", "Role", "Organisation")
        rows = [tuple(str(cell) for cell in row) for row in demo.logins]
        widths = [max(len(row[i]) for row in (headers, *rows)) for i in range(len(headers))]
        line = "  ".join("-" * width for width in widths)
        self.stdout.write("")
        self.stdout.write("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
        self.stdout.write(line)
        for row in rows:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        self.stdout.write(line)
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
