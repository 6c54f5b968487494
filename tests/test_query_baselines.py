"""Query-count baselines (NetBox style): every list page and every API list answers with the same
number of database queries for one row as for five, so an N+1 fails here instead of in
production (a ceiling alone, as in tests/test_pages_a11y.py, hides a list that costs one query
per row until the list is long).

Each case builds one row, asks once (warming caches of the session, content types and the
menu), counts the queries of a second request, adds four rows, counts again and checks that all
five rows are on the page. Two guards keep the lists complete: every GET operation of the API
without path parameters, and every named page of the site, is either covered here or exempt
with a reason, so a new list cannot slip in without its baseline.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from framja.accounts import services as account_services
from framja.accounts.models import ApiToken, ClaimStatus, Organisation, Role
from framja.audit.context import acting_as
from framja.catalogue import services as catalogue_services
from framja.equality.models import ReferenceShare
from framja.ideas.models import DuplicateCandidate, GateDecision, Idea, Sluice, StageVisit, Support, Tag
from framja.ideas.services import casework, sluices
from framja.ideas.services.public import hash_token
from framja.places.models import County, Municipality, SniCode, SniDivision, SniSection
from framja.support import services as support_services
from tests.factories import CountyFactory, MembershipFactory, MunicipalityFactory, OrganisationFactory, UserFactory
from tests.factories import serve as serve_municipalities
from tests.pages import page_routes

pytestmark = pytest.mark.django_db

ROWS = 5
_numbers = itertools.count(1)
STATUS_TOKEN = "baseline-status-token"


# --- the world each case starts from ----------------------------------------------------------


@pytest.fixture
def world(organisation, other_organisation, owner, member, similarity_snapshot) -> SimpleNamespace:
    """The owner administers `organisation` (the sluice's lead, serving Östersund) and
    coordinates the region; staff verifies claims. `idea` is the idea whose own lists grow."""
    county = CountyFactory.create(country="SE", code="23", name="Jämtlands län")
    ostersund = MunicipalityFactory.create(country="SE", code="2380", name="Östersund", county=county)
    serve_municipalities(organisation, ostersund)
    sluice = Sluice.create_default(lead_organisation=organisation, name="Idésluss Jämtland")
    region = OrganisationFactory.create(name="Region Jämtland Härjedalen", kind=Organisation.Kind.REGION)
    serve_municipalities(region, ostersund)
    MembershipFactory.create(user=owner, organisation=region, role=Role.COORDINATOR)
    staff = UserFactory.create(username="staff", is_staff=True)
    world = SimpleNamespace(
        organisation=organisation,
        other_organisation=other_organisation,
        owner=owner,
        member=member,
        staff=staff,
        county=county,
        ostersund=ostersund,
        sluice=sluice,
        region=region,
    )
    world.idea = make_idea(world, title="Laddinfrastruktur för snöskotrar")
    Idea.objects.filter(pk=world.idea.pk).update(status_token_hash=hash_token(STATUS_TOKEN))
    world.offering = catalogue_services.offering_save(
        organisation=organisation,
        name_sv="Affärsrådgivning för nya företag",
        description_sv="Kostnadsfri rådgivning om affärsplan, finansiering och marknad.",
        offering_type="advice",
        area_municipalities=[ostersund],
    )
    world.event = make_event(world, title="Frukostmöte om finansiering", capacity=50)
    return world


def make_idea(world: SimpleNamespace, *, title: str, organisation: Organisation | None = None, **fields: Any) -> Idea:
    organisation = organisation or world.organisation
    sluice = Sluice.objects.filter(lead_organisation=organisation).first() or world.sluice
    stage = sluice.stages.get(kind="received")
    now = timezone.now()
    idea = Idea.objects.create(
        reference=f"IDE-2380-2026-{next(_numbers):04d}",
        title=title,
        description=f"{title}: en beskrivning som är lång nog för att visas i listorna.",
        municipality=world.ostersund,
        receiving_organisation=organisation,
        sluice=sluice,
        stage=stage,
        stage_entered_at=now,
        submitter_name="Kim Karlsson",
        submitter_email="kim@example.org",
        consented_at=now,
        language="sv",
        **fields,
    )
    StageVisit.objects.create(idea=idea, stage=stage, entered_at=idea.created_at)
    return idea


def make_event(world: SimpleNamespace, *, title: str, capacity: int = 20, **fields: Any):
    starts = (timezone.now() + timedelta(days=5)).replace(hour=8, minute=0, second=0, microsecond=0)
    return catalogue_services.event_save(
        organiser=world.organisation,
        title=title,
        start=starts,
        end=starts + timedelta(hours=2),
        venue="Stadshuset, Östersund",
        municipality=world.ostersund,
        registration_mode="built_in",
        capacity=capacity,
        offerings=[world.offering],
        **fields,
    )


# --- rows: each adds the n-th row of one list and returns the text that shows it -------------


def add_organisation(w: SimpleNamespace, n: int) -> str:
    organisation = OrganisationFactory.create(
        name=f"Baslinjebolaget {n} AB", kind=Organisation.Kind.BUSINESS_SUPPORT, municipality=w.ostersund
    )
    serve_municipalities(organisation, w.ostersund)
    return organisation.name


def add_claim(w: SimpleNamespace, n: int) -> str:
    organisation = OrganisationFactory.create(
        name=f"Väntande region {n}", kind=Organisation.Kind.REGION, municipality=w.ostersund, verified=False
    )
    organisation.serves.add(w.ostersund)
    Organisation.objects.filter(pk=organisation.pk).update(claim_status=ClaimStatus.PENDING)
    return organisation.name


def add_member(w: SimpleNamespace, n: int) -> str:
    user = UserFactory.create(username=f"baslinje{n}", first_name="Baslinje", last_name=f"Medlem{n}")
    MembershipFactory.create(user=user, organisation=w.organisation, role=Role.ADVISER)
    return f"Medlem{n}"


def add_invitation(w: SimpleNamespace, n: int) -> str:
    invitation = account_services.invitation_send(
        organisation=w.organisation, email=f"inbjuden{n}@example.org", role=Role.ADVISER, invited_by=w.owner
    )
    return invitation.email


def add_audit_entry(w: SimpleNamespace, n: int) -> str:
    with acting_as(w.owner):
        offering = catalogue_services.offering_save(
            organisation=w.organisation, name_sv=f"Granskat erbjudande {n}", offering_type="advice"
        )
    return str(offering)


def add_token(w: SimpleNamespace, n: int) -> str:
    ApiToken.issue(user=w.owner, name=f"Rapportverktyg {n}")
    return f"Rapportverktyg {n}"


def add_own_organisation(w: SimpleNamespace, n: int) -> str:
    """An organisation the owner administers, with its own sluice."""
    organisation = OrganisationFactory.create(name=f"Egen organisation {n}")
    MembershipFactory.create(user=w.owner, organisation=organisation, role=Role.ADMIN)
    Sluice.create_default(lead_organisation=organisation, name=f"Egen sluss {n}")
    return organisation.name


def add_own_sluice(w: SimpleNamespace, n: int) -> str:
    add_own_organisation(w, n)
    return f"Egen sluss {n}"


def add_idea(w: SimpleNamespace, n: int) -> str:
    """An idea with its own tag and a supporter; every other one assigned (rows differ in what they join)."""
    idea = make_idea(w, title=f"Baslinjeidé nummer {n}", assignee=w.owner if n % 2 else None)
    idea.tags.add(Tag.objects.create(slug=f"baslinje-{n}", name_sv=f"Baslinjetagg {n}"))
    Support.objects.create(idea=idea, email=f"stodjare{n}@example.org")
    return idea.title


def _shared(w: SimpleNamespace) -> Organisation:
    """The world's sluice shared, with a second member (Krokoms kommun) that has joined."""
    if not hasattr(w, "member_organisation"):
        sluices.share_sluice(sluice=w.sluice, by=None)
        w.member_organisation = OrganisationFactory.create(name="Krokoms kommun", kind=Organisation.Kind.MUNICIPALITY)
        invited = sluices.invite_member(sluice=w.sluice, organisation=w.member_organisation, by=None)
        sluices.respond(membership=invited, accept=True, by=None)
    return w.member_organisation


def add_shared_idea(w: SimpleNamespace, n: int) -> str:
    """Every other idea another member's, passed on to the shared process; the rest the owner's."""
    member = _shared(w)
    if n % 2:
        idea = make_idea(w, title=f"Delad idé {n}", organisation=member, shared_at=timezone.now())
        Idea.objects.filter(pk=idea.pk).update(sluice=w.sluice, stage=w.sluice.stages.get(kind="received"))
    else:
        idea = make_idea(w, title=f"Delad idé {n}", assignee=w.owner)
    return idea.title


def add_sluice_member(w: SimpleNamespace, n: int) -> str:
    organisation = OrganisationFactory.create(name=f"Medlemskommun {n}", kind=Organisation.Kind.MUNICIPALITY)
    sluices.invite_member(sluice=w.sluice, organisation=organisation, by=None)
    return organisation.name


def add_sluice_invitation(w: SimpleNamespace, n: int) -> str:
    lead = OrganisationFactory.create(name=f"Kommunförbund {n}")
    sluice = sluices.create_shared_sluice(lead=lead, name=f"Gemensam sluss {n}", by=None)
    sluices.invite_member(sluice=sluice, organisation=w.organisation, by=None)
    return sluice.name


def add_candidate(w: SimpleNamespace, n: int) -> str:
    a = make_idea(w, title=f"Kandidat A {n}")
    b = make_idea(w, title=f"Kandidat B {n}")
    DuplicateCandidate.objects.create(idea_a_id=min(a.pk, b.pk), idea_b_id=max(a.pk, b.pk), score=0.95)
    return a.title


def add_note(w: SimpleNamespace, n: int) -> str:
    return casework.add_note(idea=w.idea, text=f"Intern anteckning {n}", by=w.owner).text


def add_answer(w: SimpleNamespace, n: int) -> str:
    return casework.add_answer(idea=w.idea, text=f"Offentligt svar {n}", by=w.owner).text


def add_decision(w: SimpleNamespace, n: int) -> str:
    criteria = list(w.sluice.criteria.order_by("position"))
    w.idea.refresh_from_db()
    decision = casework.gate_decide(
        idea=w.idea,
        outcome=GateDecision.Outcome.HOLD,
        rationale=f"Vi väntar på besked nummer {n}",
        by=w.owner,
        scores={criterion.pk: 3 for criterion in criteria},
    )
    return decision.rationale


def add_participant(w: SimpleNamespace, n: int) -> str:
    organisation = OrganisationFactory.create(name=f"Partner {n} AB", kind=Organisation.Kind.BUSINESS_SUPPORT)
    casework.invite_participant(idea=w.idea, organisation=organisation, by=w.owner)
    return organisation.name


def add_offering(w: SimpleNamespace, n: int) -> str:
    """An offering for a sector of its own."""
    section = SniSection.objects.create(code="UVWXY"[n], name=f"Bransch {n}")
    offering = catalogue_services.offering_save(
        organisation=w.organisation,
        sni_sections=[section],
        name_sv=f"Rådgivning om affärsplan {n}",
        description_sv="Kostnadsfri rådgivning om affärsplan och finansiering för nya företag.",
        offering_type="advice",
        area_municipalities=[w.ostersund],
    )
    return offering.name_sv


def add_event(w: SimpleNamespace, n: int) -> str:
    """An event with a co-organiser of its own and one person registered."""
    partner = OrganisationFactory.create(name=f"Medarrangör {n} AB")
    event = make_event(w, title=f"Workshop om prissättning {n}", co_organisers=[partner])
    catalogue_services.register(event=event, name=f"Deltagare {n}", email=f"deltagare{n}@example.org")
    return event.title


def add_registration(w: SimpleNamespace, n: int) -> str:
    registration, _token = catalogue_services.register(
        event=w.event, name=f"Anmäld Person{n}", email=f"anmald{n}@example.org", organisation_name=f"Bolag {n}"
    )
    return registration.email


def add_contact_request(w: SimpleNamespace, n: int) -> str:
    contact = catalogue_services.contact_request_send(
        organisation=w.organisation,
        offering=w.offering,
        municipality=w.ostersund,
        name=f"Eva Ek {n}",
        email=f"eva{n}@example.org",
        need="Hjälp med export",
        consent=True,
    )
    return contact.email


def add_municipality(w: SimpleNamespace, n: int) -> str:
    county = County.objects.create(country="SE", code=f"{30 + n}", name=f"Baslinjelän {n}")
    municipality = Municipality.objects.create(
        country="SE", code=f"{8000 + n}", name=f"Baslinjekommun {n}", county=county
    )
    return municipality.name


def add_county(w: SimpleNamespace, n: int) -> str:
    return County.objects.create(country="NO", code=f"{60 + n}", name=f"Baslinjefylke {n}").name


def add_provider(w: SimpleNamespace, n: int) -> str:
    """An organisation with an offering (HSDS publishes only those)."""
    organisation = OrganisationFactory.create(name=f"Baslinjebolaget {n} AB", kind=Organisation.Kind.BUSINESS_SUPPORT)
    catalogue_services.offering_save(
        organisation=organisation, name_sv=f"Exportstöd {n}", offering_type="advice", area_municipalities=[w.ostersund]
    )
    return organisation.name


def add_sni_section(w: SimpleNamespace, n: int) -> str:
    add_sni(w, n)
    return f"Baslinjeavdelning {n}"


def add_sni(w: SimpleNamespace, n: int) -> str:
    section = SniSection.objects.create(code="UVWXY"[n], name=f"Baslinjeavdelning {n}")
    division = SniDivision.objects.create(code=f"{90 + n}", name=f"Baslinjegrupp {n}", section=section)
    return SniCode.objects.create(code=f"{90 + n}001", name=f"Baslinjeverksamhet {n}", division=division).name


def _support_company(w: SimpleNamespace, n: int, **fields: Any) -> Any:
    company, _created = support_services.company_register(
        organisation=w.organisation, name=f"Klientbolaget {n} AB", municipality=w.ostersund, **fields
    )
    return company


def add_support_company(w: SimpleNamespace, n: int) -> str:
    return _support_company(w, n).name


def add_support_person(w: SimpleNamespace, n: int) -> str:
    """A person with a role in a company of their own."""
    person = support_services.person_create(organisation=w.organisation, name=f"Klient Person{n}")
    support_services.person_link_company(person=person, company=_support_company(w, n), role="ceo")
    return person.name


def add_support_effort(w: SimpleNamespace, n: int) -> str:
    effort = support_services.effort_log(
        organisation=w.organisation,
        company=_support_company(w, n),
        given_on=timezone.localdate(),
        kind="advice",
        outcome=f"Insatsens utfall {n}",
    )
    return effort.outcome


def add_follow_up(w: SimpleNamespace, n: int) -> str:
    """An effort due for follow-up, for a company and a person of its own, with an adviser."""
    today = timezone.localdate()
    effort = support_services.effort_log(
        organisation=w.organisation,
        company=_support_company(w, n),
        person=support_services.person_create(organisation=w.organisation, name=f"Uppföljd Person{n}"),
        adviser=w.owner,
        offering=w.offering,
        given_on=today - timedelta(days=7),
        follow_up_on=today,
        kind="advice",
    )
    return effort.person.name if effort.person else ""


def add_support_contact_request(w: SimpleNamespace, n: int) -> str:
    """An unanswered contact request: the client list links it by the person's name."""
    add_contact_request(w, n)
    return f"Eva Ek {n}"


def add_company_effort(w: SimpleNamespace, n: int) -> str:
    """An effort for the world's client company, with an offering and an adviser."""
    if not hasattr(w, "company"):
        w.company = _support_company(w, 99)
    effort = support_services.effort_log(
        organisation=w.organisation,
        company=w.company,
        offering=w.offering,
        adviser=w.owner,
        given_on=timezone.localdate(),
        kind="advice",
        outcome=f"Företagets utfall {n}",
    )
    return effort.outcome


REFERENCE_CATEGORIES = [("gender", "woman"), ("gender", "man"), ("leadership", "women"), ("age_band", "under_30")]
REFERENCE_CATEGORIES += [("background", "yes"), ("background", "no")]


def add_reference_share(w: SimpleNamespace, n: int) -> str:
    dimension, category = REFERENCE_CATEGORIES[n % len(REFERENCE_CATEGORIES)]
    ReferenceShare.objects.create(
        organisation=w.organisation, dimension=dimension, category=category, share=10 + n, source=f"Källa {n}"
    )
    return f"Källa {n}"


def add_support_referral(w: SimpleNamespace, n: int) -> str:
    referral = support_services.referral_send(
        from_organisation=w.organisation,
        to_organisation=OrganisationFactory.create(name=f"Mottagaren {n} AB"),
        company=_support_company(w, n),
        reason=f"Remissens skäl {n}",
    )
    return referral.to_organisation.name


# --- the cases --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    key: str  # the URL name of a page, or the API path
    persona: str  # owner, staff or anonymous
    url: Callable[[SimpleNamespace], str]
    add: Callable[[SimpleNamespace, int], str]
    shows_rows: bool = True  # False where the page counts rows rather than listing them
    # Pages ranked by the similarity index: its readers fetch the documents written since the
    # snapshot (the change log's tail) in one query on the next request, however many there are.
    # Warm up after adding rows too, so that one query is not taken for an N+1.
    reads_index_tail: bool = False
    # Pages with a cached option list that the added rows change (the calendar's organisers: each
    # added event brings a co-organiser): the next request refills the list once, however many
    # rows were added. Warm up after adding rows too.
    refills_cached_lists: bool = False


def page(name: str, persona: str, add: Callable[[SimpleNamespace, int], str], *, kwargs=None, query="", **kw) -> Case:
    def url(w: SimpleNamespace) -> str:
        values = {
            key: getattr(w, value) if isinstance(value, str) else value(w) for key, value in (kwargs or {}).items()
        }
        path = reverse(name, kwargs=values)
        return f"{path}?{query.format(w=w)}" if query else path

    return Case(name, persona, url, add, **kw)


def api(path: str, persona: str, add: Callable[[SimpleNamespace, int], str], **kw) -> Case:
    def url(w: SimpleNamespace) -> str:
        return "/api/v1" + path.format(w=w)

    return Case(path.split("?")[0], persona, url, add, **kw)


SLUG = {"slug": lambda w: w.organisation.slug}
IDEA = {"pk": lambda w: w.idea.pk}
ORG = "organisation={w.organisation.slug}"

PAGE_CASES = [
    page("accounts-home", "owner", add_own_organisation),
    page("accounts-profile", "owner", add_token),
    page("accounts-organisation-list", "owner", add_organisation),
    page("accounts-claim-list", "staff", add_claim),
    page("accounts-member-list", "owner", add_member, kwargs=SLUG),
    page("accounts-member-list", "owner", add_invitation, kwargs=SLUG),
    page("audit-organisation-log", "owner", add_audit_entry, kwargs=SLUG),
    page("workspace", "owner", add_own_organisation),
    page("ideas-inbox", "owner", add_idea, query=ORG),
    page("ideas-inbox", "owner", add_idea, query=ORG + "&q=Baslinjeidé"),
    page("ideas-inbox-export", "owner", add_idea, kwargs={"fmt": lambda w: "csv"}, query=ORG),
    page("ideas-dashboard", "owner", add_idea, query=ORG, shows_rows=False),
    page("ideas-dashboard-export", "owner", add_idea, kwargs={"fmt": lambda w: "csv"}, query=ORG, shows_rows=False),
    page("ideas-regional", "owner", add_candidate, query="organisation={w.region.slug}"),
    page("ideas-sluice-list", "owner", add_own_sluice),
    page("ideas-sluice-inbox", "owner", add_shared_idea, kwargs={"slug": lambda w: w.sluice.slug}),
    page(
        "ideas-sluice-dashboard", "owner", add_shared_idea, kwargs={"slug": lambda w: w.sluice.slug}, shows_rows=False
    ),
    page("ideas-sluice-members", "owner", add_sluice_member, kwargs={"slug": lambda w: w.sluice.slug}),
    page(
        "ideas-sluice-dashboard-export",
        "owner",
        add_shared_idea,
        kwargs={"slug": lambda w: w.sluice.slug, "fmt": lambda w: "csv"},
        shows_rows=False,
    ),
    page("ideas-sluice-memberships", "owner", add_sluice_invitation, query=ORG),
    page("ideas-casework-detail", "owner", add_note, kwargs=IDEA),
    page("ideas-casework-detail", "owner", add_decision, kwargs=IDEA),
    page("ideas-casework-detail", "owner", add_participant, kwargs=IDEA),
    page("ideas-casework-discussion", "owner", add_answer, kwargs=IDEA),
    page("ideas-casework-costs", "owner", add_participant, kwargs=IDEA),
    page("ideas-list", "anonymous", add_idea),
    page("ideas-list", "anonymous", add_idea, query="q=Baslinjeidé&sort=supported&country=SE"),
    page("ideas-feed", "anonymous", add_idea),
    page("ideas-municipality", "anonymous", add_idea, kwargs={"code": lambda w: w.ostersund.qualified_code}),
    page("ideas-public-detail", "anonymous", add_answer, kwargs=IDEA),
    page("ideas-status", "anonymous", add_answer, kwargs={"token": lambda w: STATUS_TOKEN}),
    page("catalogue-directory", "anonymous", add_offering),
    page("catalogue-calendar", "anonymous", add_event, refills_cached_lists=True),
    page("catalogue-calendar-ics", "anonymous", add_event),
    page("catalogue-organisation-detail", "anonymous", add_offering, kwargs=SLUG),
    page("catalogue-organisation-detail", "anonymous", add_event, kwargs=SLUG),
    page("catalogue-offering-detail", "anonymous", add_event, kwargs={"pk": lambda w: w.offering.pk}),
    page(
        "catalogue-start",
        "anonymous",
        add_offering,
        query="need=affärsplan+och+finansiering&municipality={w.ostersund.pk}",
        reads_index_tail=True,
    ),
    page("catalogue-manage", "owner", add_offering, kwargs=SLUG),
    page("catalogue-manage-events", "owner", add_event, kwargs=SLUG),
    page("catalogue-contact-requests", "owner", add_contact_request, kwargs=SLUG),
    page(
        "catalogue-participants", "owner", add_registration, kwargs={"slug": SLUG["slug"], "pk": lambda w: w.event.pk}
    ),
    page("places-municipality-list", "anonymous", add_municipality),
    page("support-clients", "owner", add_support_company, kwargs=SLUG),
    page("support-clients", "owner", add_support_person, kwargs=SLUG),
    page("support-referrals", "owner", add_support_referral, kwargs=SLUG),
    page("support-follow-up", "owner", add_follow_up, kwargs=SLUG),
    page("support-clients", "owner", add_support_contact_request, kwargs=SLUG),
    page(
        "support-company-detail",
        "owner",
        add_company_effort,
        kwargs={"slug": SLUG["slug"], "pk": lambda w: w.company.pk},
    ),
    page("equality-dashboard", "owner", add_support_effort, kwargs=SLUG, shows_rows=False),
    page(
        "equality-dashboard-export",
        "owner",
        add_support_effort,
        kwargs={"slug": SLUG["slug"], "fmt": lambda w: "csv"},
        shows_rows=False,
    ),
    page("equality-reference-shares", "owner", add_reference_share, kwargs=SLUG),
]

API_CASES = [
    api("/me/tokens", "owner", add_token),
    api("/organisations", "owner", add_organisation),
    api("/organisations/claims", "staff", add_claim),
    api("/organisations/{w.organisation.slug}/members", "owner", add_member),
    api("/organisations/{w.organisation.slug}/invitations", "owner", add_invitation),
    api("/organisations/{w.organisation.slug}/audit", "owner", add_audit_entry),
    api("/audit", "staff", add_audit_entry),
    api("/places/municipalities", "anonymous", add_municipality),
    api("/places/counties", "anonymous", add_county),
    api("/places/sni/sections", "anonymous", add_sni_section),
    api("/places/sni", "anonymous", add_sni),
    api("/ideas?organisation={w.organisation.slug}", "owner", add_idea),
    api("/ideas?organisation={w.organisation.slug}&q=Baslinjeidé", "owner", add_idea),
    api("/ideas?sort=title", "owner", add_idea),  # every idea the owner works (access check per row)
    api("/ideas/public", "anonymous", add_idea),
    api("/ideas/dashboard?organisation={w.organisation.slug}", "owner", add_idea, shows_rows=False),
    api("/ideas/sluices/{w.sluice.slug}/ideas", "owner", add_shared_idea),
    api("/ideas/sluices/{w.sluice.slug}/members", "owner", add_sluice_member),
    api("/ideas/sluices/{w.sluice.slug}/dashboard", "owner", add_shared_idea, shows_rows=False),
    api("/ideas/candidates?region={w.region.slug}", "owner", add_candidate),
    api("/ideas/{w.idea.pk}/decisions", "owner", add_decision),
    api("/ideas/{w.idea.pk}/notes", "owner", add_note),
    api("/ideas/{w.idea.pk}/answers", "owner", add_answer),
    api("/ideas/{w.idea.pk}/participants", "owner", add_participant),
    api("/catalogue/offerings", "anonymous", add_offering),
    api("/catalogue/events", "anonymous", add_event),
    api("/catalogue/events/{w.event.pk}/registrations", "owner", add_registration),
    api(
        "/catalogue/match?text=affärsplan+och+finansiering&municipality=2380",
        "anonymous",
        add_offering,
        reads_index_tail=True,
    ),
    api("/hsds/services", "anonymous", add_offering),
    api("/hsds/organizations", "anonymous", add_provider),
    api("/hsds/bundle", "anonymous", add_offering),
    api("/support/companies", "owner", add_support_company),
    api("/support/people", "owner", add_support_person),
    api("/support/efforts", "owner", add_support_effort),
    api("/support/referrals", "owner", add_support_referral),
    api("/equality/representation?organisation={w.organisation.slug}", "owner", add_support_effort, shows_rows=False),
    api("/equality/resources?organisation={w.organisation.slug}", "owner", add_support_effort, shows_rows=False),
]

# GET operations without path parameters that are not lists, or whose list is not the database's.
API_EXEMPT = {
    "/me": "one person, not a list",
    "/ideas/stages": "the stages of one sluice (a parameter), a fixed handful set on the sluice's settings page",
    "/ideas/similar": "answers from the similarity index (tests/ideas/test_similar.py), one query per answer page",
}


def _client(w: SimpleNamespace, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(w, persona))
    return client


def _shape(sql: str) -> str:
    """The query with its numbers blanked, so the same query for another row compares equal."""
    return re.sub(r"\d+", "?", sql)


def _count(client: Client, url: str) -> tuple[int, str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        # A streamed download reads its rows while it is sent: count those queries too.
        body = (b"".join(response.streaming_content) if response.streaming else response.content).decode()  # type: ignore[attr-defined]
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.dumps(json.loads(body), ensure_ascii=False)  # names as people read them, not \\u-escaped
    return len(queries), body, [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("case", PAGE_CASES + API_CASES, ids=lambda c: f"{c.key}:{c.add.__name__}")
def test_same_queries_for_one_row_and_five(case: Case, world):
    client = _client(world, case.persona)
    markers = [case.add(world, 0)]
    url = case.url(world)
    client.get(url)  # warm up: session, content types, cached reference lists
    one, _body, one_sql = _count(client, url)
    markers += [case.add(world, n) for n in range(1, ROWS)]
    if case.reads_index_tail or case.refills_cached_lists:
        client.get(url)
    five, body, five_sql = _count(client, url)
    grown = Counter(map(_shape, five_sql)) - Counter(map(_shape, one_sql))
    extra = "\n".join(f"{times} more: {sql[:300]}" for sql, times in grown.items())
    assert five == one, f"{url}: {one} queries with one row, {five} with five (N+1?). New:\n{extra}"
    if case.shows_rows:
        missing = [marker for marker in markers if marker not in body]
        assert not missing, f"{url} does not show {missing}"


# --- the guards: nothing listed escapes a baseline --------------------------------------------


def test_every_api_list_operation_has_a_baseline(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        path.removeprefix("/api/v1")
        for path, methods in schema["paths"].items()
        if "get" in methods and "{" not in path
    }
    covered = {case.key for case in API_CASES}
    missing = operations - covered - set(API_EXEMPT)
    assert not missing, f"GET operations without a query baseline (add a case or an exemption): {sorted(missing)}"
    stale = (covered | set(API_EXEMPT)) - {key for key in covered if "{" in key} - operations
    assert not stale, f"cases for operations that no longer exist: {sorted(stale)}"


# Named pages that are not lists of rows that grow: forms, single objects, redirects, POST targets.
NOT_LIST_PAGES = {
    "home", "accounts-login", "accounts-password-reset", "accounts-password-reset-done",
    "accounts-password-reset-confirm", "accounts-password-reset-complete", "accounts-password-change",
    "accounts-password-change-done", "accounts-token-create", "accounts-token-revoke",
    "accounts-organisation-create", "accounts-claim-verify", "accounts-claim-reject", "accounts-organisation-detail",
    "accounts-organisation-edit", "accounts-member-role", "accounts-member-remove", "accounts-invitation-create",
    "accounts-invitation-revoke", "accounts-invitation-accept",
    "ideas-submit", "ideas-similar", "ideas-receipt", "ideas-support", "ideas-status-information",
    "ideas-status-withdraw", "ideas-status-anonymise", "ideas-status-resend", "ideas-support-confirm",
    "ideas-casework-edit",
    "ideas-casework-attachment",
    "ideas-export-detail", "ideas-export-download", "ideas-export-retry",
    "ideas-casework-assign", "ideas-casework-note", "ideas-casework-answer", "ideas-casework-decide",
    "ideas-casework-duplicate-search", "ideas-casework-duplicate-link", "ideas-casework-duplicate-unlink",
    "ideas-casework-invite", "ideas-participant-respond", "ideas-regional-judge", "ideas-sluice-settings",
    "ideas-casework-share", "ideas-sluice-create", "ideas-sluice-membership-respond", "ideas-sluice-membership-leave",
    "ideas-sluice-membership-end", "ideas-sluice-local-triage",
    "catalogue-event-detail", "catalogue-event-register", "catalogue-registration-cancel", "catalogue-contact",
    "catalogue-contact-request-answered", "catalogue-offering-create", "catalogue-offering-edit",
    "catalogue-event-create", "catalogue-event-edit", "catalogue-event-cancel",
    "places-municipality-options", "places-sni-options",
    "support-effort-create", "support-referral-detail", "support-person-detail",
    "equality-reference-share-delete",
    "support-company-create", "support-company-edit", "support-company-merge", "support-contact-request-register",
    "support-person-consent-withdraw", "support-person-create", "support-person-demographics", "support-person-edit",
    "support-person-erase", "support-person-export", "support-referral-create",
}  # fmt: skip


def test_every_page_is_a_covered_list_or_exempt():
    names = {route.name for route in page_routes()} | {"catalogue-calendar-ics"}
    covered = {case.key for case in PAGE_CASES}
    unclassified = names - covered - NOT_LIST_PAGES
    assert not unclassified, f"pages neither covered by a query baseline nor exempt: {sorted(unclassified)}"
    stale = (covered | NOT_LIST_PAGES) - names
    assert not stale, f"baseline cases or exemptions for pages that no longer exist: {sorted(stale)}"
