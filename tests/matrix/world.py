"""The one world the permission matrix (tests/matrix/test_permission_matrix.py) walks, and its
eight personas. Kept in one place so that a change in how organisations get their powers (say,
verified claims of kind and area) means changing `build_world` only.

The owning organisation is Östersunds kommun, the municipality organisation of Östersund and the
lead of its idea sluice, fully set up: a member, an adviser, a coordinator and an administrator;
ideas from residents (one with a private status link, an attachment, a note, an answer, gate
decisions and a duplicate), an invitation to co-develop a neighbour's idea, a candidate duplicate
pair in the region, an open member invitation, an API token and audit entries (written by the
services themselves).

- outsider: administrator of an unrelated organisation (Umeå's business office);
- partner: administrator of Almi Mitt, which accepted the invitation to co-develop the idea;
- staff: platform staff and superuser, member of nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from framja.accounts import services as account_services
from framja.accounts.models import ApiToken, Organisation, Role, User
from framja.catalogue import hsds
from framja.catalogue import services as catalogue_services
from framja.catalogue.models import Event, Offering, OfferingType, RegistrationMode
from framja.equality.models import ReferenceShare
from framja.ideas.models import Attachment, DuplicateCandidate, GateDecision, Idea, Participant, Sluice
from framja.ideas.services import casework, public, sluices
from framja.ideas.services import exports as export_services
from framja.places.models import SniCode, SniDivision, SniSection
from framja.support import services as support_services
from tests.factories import (
    CountyFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
    serve,
)
from tests.pages import PageParameters

#: The columns of the table, in order.
PERSONAS = ("anonymous", "outsider", "member", "adviser", "coordinator", "admin", "partner", "staff")

CHARGING = (
    "Laddstolpar vid skoterlederna i fjällen så att eldrivna snöskotrar kan användas av turistföretag "
    "och samebyar, med gemensam drift och bokning mellan kommunerna."
)
#: Pages about the catalogue's offering, and about its event.
OFFERING_PAGES = ("catalogue-offering-detail", "catalogue-offering-edit", "catalogue-contact")
EVENT_PAGES = (
    "catalogue-event-detail",
    "catalogue-event-register",
    "catalogue-event-edit",
    "catalogue-event-cancel",
    "catalogue-participants",
    "catalogue-event-ics",
)
#: Pages of the owning organisation's (shared) sluice.
SLUICE_PAGES = (
    "ideas-sluice-members",
    "ideas-sluice-inbox",
    "ideas-sluice-dashboard",
    "ideas-sluice-dashboard-export",
)
OFFERING_PATH = "/api/v1/catalogue/offerings/{offering_id}"
EVENT_PATH = "/api/v1/catalogue/events/{event_id}"

EXPORT_PAGES = ("ideas-export-detail", "ideas-export-download", "ideas-export-retry")


@dataclass
class World:
    """The personas (None for anonymous), an API token per signed-in persona, and the values that
    fill URL and API path parameters."""

    users: dict[str, User | None]
    tokens: dict[str, str]
    pages: PageParameters
    #: API path parameters by name, and overrides per OpenAPI path.
    api_values: dict[str, Any]
    api_routes: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Query strings per OpenAPI path (required query parameters, the organisation to look at).
    api_queries: dict[str, str] = field(default_factory=dict)
    #: API bodies where the smallest valid one is not enough to reach the permission decision.
    api_bodies: dict[str, Any] = field(default_factory=dict)
    #: Forms to POST to pages where an empty form would stop before the permission decision.
    page_posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Text that some personas must never read, anywhere: text -> those personas.
    secrets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Objects of the owning organisation the admin pages open (model label -> pk).
    admin_objects: dict[str, Any] = field(default_factory=dict)


def _user(username: str, first: str, last: str, **extra: Any) -> User:
    return UserFactory.create(username=username, first_name=first, last_name=last, **extra)


def build_world(capture_on_commit: Any) -> World:
    """Create the world through the services the site uses. `capture_on_commit` is pytest-django's
    `django_capture_on_commit_callbacks` (the invitation's link travels by e-mail)."""
    county = CountyFactory.create(country="SE", code="23", name="Jämtlands län")
    ostersund = MunicipalityFactory.create(country="SE", code="2380", name="Östersund", county=county)
    krokom = MunicipalityFactory.create(country="SE", code="2309", name="Krokom", county=county)
    vasterbotten = CountyFactory.create(country="SE", code="24", name="Västerbottens län")
    umea = MunicipalityFactory.create(country="SE", code="2480", name="Umeå", county=vasterbotten)
    section = SniSection.objects.create(code="J", name="Informations- och kommunikationsverksamhet")
    division = SniDivision.objects.create(code="62", name="Dataprogrammering", section=section)
    sni = SniCode.objects.create(code="62010", name="Dataprogrammering", division=division)

    # The owning organisation: the municipality itself, lead of its sluice, with all four roles.
    owning = OrganisationFactory.create(
        name="Östersunds kommun", kind=Organisation.Kind.MUNICIPALITY, municipality=ostersund
    )
    serve(owning, ostersund)  # verified: kind, municipality and served area (the factory's default)
    sluice = Sluice.create_default(lead_organisation=owning, name="Idésluss Östersund")
    roles = {
        "member": (Role.MEMBER, "Erik", "Olofsson"),
        "adviser": (Role.ADVISER, "Sara", "Nilsson"),
        "coordinator": (Role.COORDINATOR, "Johan", "Lindqvist"),
        "admin": (Role.ADMIN, "Karin", "Ekström"),
    }
    users: dict[str, User | None] = {"anonymous": None}
    for persona, (role, first, last) in roles.items():
        users[persona] = _user(persona, first, last)
        MembershipFactory.create(user=users[persona], organisation=owning, role=role)
    admin = users["admin"]
    assert admin is not None

    # The outsider: administrator of an organisation with nothing to do with Östersund.
    unrelated = OrganisationFactory.create(name="Umeå näringsliv", municipality=umea)
    users["outsider"] = _user("outsider", "Olle", "Utsida")
    MembershipFactory.create(user=users["outsider"], organisation=unrelated, role=Role.ADMIN)

    # The partner: administrator of an organisation that accepted to co-develop the idea.
    partner_organisation = OrganisationFactory.create(name="Almi Mitt", organisation_number="5565945689")
    users["partner"] = _user("partner", "Per", "Sandberg")
    MembershipFactory.create(user=users["partner"], organisation=partner_organisation, role=Role.ADMIN)

    users["staff"] = _user("staff", "Stina", "Stab", is_staff=True, is_superuser=True)

    # A neighbour municipality with its coordinator, and the region serving both.
    krokom_kommun = OrganisationFactory.create(
        name="Krokoms kommun", kind=Organisation.Kind.MUNICIPALITY, municipality=krokom
    )
    krokom_coordinator = _user("krokom", "Robin", "Krok")
    MembershipFactory.create(user=krokom_coordinator, organisation=krokom_kommun, role=Role.COORDINATOR)
    region = OrganisationFactory.create(name="Region Jämtland Härjedalen", kind=Organisation.Kind.REGION)
    serve(region, ostersund, krokom)
    # An organisation whose claim (a region serving Östersund) still waits for verification.
    claimant = OrganisationFactory.create(
        name="Jämtlands företagsregion", kind=Organisation.Kind.REGION, municipality=ostersund, verified=False
    )
    serve(claimant, ostersund, verified=False)

    # The idea: from a resident, answered, decided at gates, with a note and an attachment.
    submitted = public.idea_submit(
        title="Laddinfrastruktur för snöskotrar",
        description=CHARGING,
        municipality=ostersund,
        name="Kim Karlsson",
        email="kim.karlsson@example.org",
        consent=True,
        language="sv",
    )
    idea = submitted.idea
    assert idea.receiving_organisation_id == owning.pk, "the idea must reach the owning organisation"
    support, _created = public.support_add(idea=idea, email="stodjare@example.org")
    casework.assign(idea=idea, assignee=admin, by=admin)
    casework.add_note(idea=idea, text="Ring Kim innan gaten på torsdag.", by=admin)
    casework.add_answer(idea=idea, text="Tack! Vi tittar på idén vid nästa gate.", by=admin)
    criteria = list(sluice.criteria.order_by("position"))
    casework.gate_decide(
        idea=idea,
        outcome=GateDecision.Outcome.GO,
        rationale="Stort intresse från besöksnäringen.",
        by=admin,
        scores={criterion.pk: 4 for criterion in criteria},
    )
    casework.gate_decide(
        idea=idea,
        outcome=GateDecision.Outcome.HOLD,
        rationale="Vi väntar på besked om medfinansiering.",
        by=admin,
        scores={criteria[0].pk: 3},
        is_public=False,
    )
    partnership = casework.invite_participant(idea=idea, organisation=partner_organisation, by=admin)
    casework.respond_to_invitation(participant=partnership, accept=True, by=users["partner"])
    attachment = Attachment(idea=idea, original_name="kims-skiss.txt", content_type="text/plain", size=5)
    attachment.file.save("skiss.txt", ContentFile(b"skiss"), save=True)
    # A large export the admin asked for, built by its job: only the admin sees or downloads it.
    export = casework.request_export(
        requester=admin, organisation=owning, filters={}, language="sv", filename="ideas-matrix"
    )
    export_services.build_export(export.pk)

    # The same idea again, linked as a duplicate.
    duplicate = public.idea_submit(
        title="Laddstolpar för eldrivna skotrar",
        description=CHARGING + " Gärna vid Storsjön.",
        municipality=ostersund,
        name="Alex Berg",
        email="alex.berg@example.org",
        consent=True,
    ).idea
    casework.link_duplicate(duplicate=duplicate, original=idea, by=admin)

    # A neighbour's idea that invites the owning organisation; the region sees a candidate pair.
    neighbour = public.idea_submit(
        title="Gemensam laddinfrastruktur för snöskotrar",
        description=CHARGING + " Vi vill börja i Krokom.",
        municipality=krokom,
        name="Robin Ek",
        email="robin.ek@example.org",
        consent=True,
    ).idea
    invited = casework.invite_participant(idea=neighbour, organisation=owning, by=krokom_coordinator)
    assert invited.status == Participant.Status.INVITED
    # The owning organisation shares its sluice: Krokom is invited and has not answered yet.
    sluice_invitation = sluices.invite_member(sluice=sluice, organisation=krokom_kommun, by=admin)
    low, high = sorted([idea.pk, neighbour.pk])
    candidate = DuplicateCandidate.objects.create(idea_a_id=low, idea_b_id=high, score=0.82)

    # Accounts: an open invitation (its raw token travels by e-mail only), an API token to revoke.
    mail.outbox.clear()
    with capture_on_commit(execute=True):
        invitation = account_services.invitation_send(
            organisation=owning, email="ny.radgivare@example.org", role=Role.ADVISER, invited_by=admin
        )
    found = re.search(r"/invitations/([\w-]+)/", str(mail.outbox[-1].body))
    assert found, "the invitation e-mail carries the accept link"
    api_token, _raw = ApiToken.issue(user=admin, name="Rapportverktyg")
    member = users["member"]
    assert member is not None

    # The catalogue: an offering, an event with built-in registration (one registrant holds a
    # private cancel link), and a contact request sent from the front door.
    offering = Offering.objects.create(
        organisation=owning,
        name_sv="Rådgivning för nya företag",
        name_nb="Rådgivning for nye bedrifter",
        name_en="Advice for new businesses",
        description_sv="Kostnadsfri rådgivning om affärsplan och finansiering.",
        offering_type=OfferingType.ADVICE,
        stages="idea start_up",
        languages="sv en",
    )
    offering.area_municipalities.add(ostersund)
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    event = Event(
        organiser=owning,
        title="Frukostmöte om finansiering",
        description="Hur finansierar du din idé?",
        start=start,
        end=start + timedelta(hours=2),
        venue="Stadshuset, Rådhusgatan 42, Östersund",
        registration_mode=RegistrationMode.BUILT_IN,
        capacity=20,
    )
    event.full_clean()
    event.save()
    registration, cancel_token = catalogue_services.register(
        event=event, name="Maja Deltagare", email="maja.deltagare@example.org", organisation_name="Majas Café"
    )
    catalogue_services.register(event=event, name="Nils Nästa", email="nils.nasta@example.org")
    contact_request = catalogue_services.contact_request_send(
        organisation=owning,
        offering=offering,
        name="Frida Företagare",
        email="frida.foretagare@example.org",
        need="Vi behöver hjälp med likviditeten efter en förlustaffär i Brunflo.",
        consent=True,
    )

    # The support log: a client company and person of the owning organisation (the person's
    # demographics recorded by its administrator), an effort, and the company referred to the
    # partner, which has not answered yet.
    client_company, _created = support_services.company_register(
        organisation=owning, country="SE", organisation_number="556036-0793", name="Fjällbageriet AB"
    )
    client_person = support_services.person_create(
        organisation=owning, name="Linnea Klient", email="linnea.klient@example.org"
    )
    support_services.person_link_company(person=client_person, company=client_company, role="owner")
    duplicate_company, _created = support_services.company_register(organisation=owning, name="Fjällbageriet")
    support_services.demographics_record(
        person=client_person,
        by=admin,
        gender="woman",
        birth_year=1984,
        purpose="Uppföljning av likvärdigt stöd i Östersund",
        given_on=date(2026, 1, 5),
    )
    support_effort = support_services.effort_log(
        organisation=owning,
        company=client_company,
        person=client_person,
        given_on=date(2026, 2, 3),
        kind="advice",
        hours=2,
        internal_notes="Linnea oroar sig för banklånet",
    )
    support_referral = support_services.referral_send(
        from_organisation=owning,
        to_organisation=partner_organisation,
        company=client_company,
        reason="Behöver ett mikrolån",
        by=admin,
    )
    reference_share = ReferenceShare.objects.create(organisation=owning, dimension="gender", category="woman", share=33)

    offering_body = {"organisation": owning.slug, "name_sv": "Matrisprov", "offering_type": OfferingType.ADVICE}
    later = start + timedelta(days=1)
    event_body = {
        "organiser": owning.slug,
        "title": "Matrisprov",
        "venue": "Stadshuset",
        "start": later.isoformat(),
        "end": (later + timedelta(hours=1)).isoformat(),
    }

    # Every signed-in persona calls the API with a token of its own.
    tokens = {persona: ApiToken.issue(user=user, name="Matrix")[1] for persona, user in users.items() if user}

    status = {"token": submitted.status_token}
    pages = PageParameters(
        values={"slug": owning.slug, "user_id": member.pk, "fmt": "csv", "pk": idea.pk},
        routes={
            "ideas-sluice-settings": {"slug": sluice.slug},
            **{name: {"slug": sluice.slug} for name in SLUICE_PAGES},
            "ideas-sluice-membership-respond": {"pk": sluice_invitation.pk},
            "ideas-sluice-membership-leave": {"pk": sluice_invitation.pk},
            "ideas-sluice-membership-end": {"slug": sluice.slug, "pk": sluice_invitation.pk},
            "ideas-municipality": {"code": ostersund.qualified_code},
            "ideas-casework-attachment": {"pk": idea.pk, "attachment_pk": attachment.pk},
            **{
                name: {"pk": export.pk}
                for name in ("ideas-export-detail", "ideas-export-download", "ideas-export-retry")
            },
            "ideas-casework-duplicate-unlink": {"pk": duplicate.pk},
            "ideas-participant-respond": {"pk": invited.pk},
            "ideas-regional-judge": {"pk": candidate.pk},
            "ideas-status": status,
            "ideas-support-confirm": {"token": public.support_confirmation_token(support)},
            "ideas-status-information": status,
            "ideas-status-withdraw": status,
            "ideas-status-anonymise": status,
            "accounts-token-revoke": {"pk": api_token.pk},
            "accounts-claim-verify": {"slug": claimant.slug},
            "accounts-claim-reject": {"slug": claimant.slug},
            **{name: {"pk": offering.pk} for name in OFFERING_PAGES},
            **{name: {"pk": event.pk} for name in EVENT_PAGES},
            "catalogue-registration-cancel": {"token": cancel_token},
            **{
                name: {"pk": client_company.pk}
                for name in ("support-company-detail", "support-company-edit", "support-company-merge")
            },
            **{
                name: {"pk": client_person.pk}
                for name in (
                    "support-person-detail",
                    "support-person-edit",
                    "support-person-demographics",
                    "support-person-consent-withdraw",
                    "support-person-export",
                    "support-person-erase",
                )
            },
            "support-referral-detail": {"pk": support_referral.pk},
            "equality-reference-share-delete": {"pk": reference_share.pk},
            # Its own id: on PostgreSQL ids are not the same across tables as they happen to be on SQLite.
            "catalogue-contact-request-answered": {"pk": contact_request.pk},
            "support-contact-request-register": {"pk": contact_request.pk},
            "accounts-invitation-revoke": {"pk": invitation.pk},
            "accounts-invitation-accept": {"token": found.group(1)},
            "accounts-password-reset-confirm": {
                "uidb64": urlsafe_base64_encode(force_bytes(member.pk)),
                "token": default_token_generator.make_token(member),
            },
        },
        queries={
            **dict.fromkeys(
                ("ideas-inbox", "ideas-inbox-export", "ideas-dashboard", "ideas-dashboard-export"),
                f"organisation={owning.slug}",
            ),
            "support-referral-create": f"company={client_company.pk}",
        },
    )
    return World(
        users=users,
        tokens=tokens,
        pages=pages,
        api_values={
            "ref": owning.slug,
            "user_id": member.pk,
            "invitation_id": invitation.pk,
            "token_id": api_token.pk,
            "idea_id": idea.pk,
            "candidate_id": candidate.pk,
            "code": ostersund.code,
            "token": submitted.status_token,
            "participant_id": invited.pk,
            "offering_id": offering.pk,
            "event_id": event.pk,
            "registration_id": registration.pk,
            "service_id": str(offering.uuid),
            "organization_id": hsds.organisation_id(owning),
            "company_id": client_company.pk,
            "person_id": client_person.pk,
            "effort_id": support_effort.pk,
            "referral_id": support_referral.pk,
            "slug": sluice.slug,
            "membership_id": sluice_invitation.pk,
            "contact_request_id": contact_request.pk,
        },
        api_routes={
            "/api/v1/places/sni/{code}": {"code": sni.code},
            "/api/v1/ideas/{idea_id}/participants/{participant_id}": {"idea_id": neighbour.pk},
            "/api/v1/ideas/{idea_id}/duplicate-of": {"idea_id": duplicate.pk},
            "/api/v1/organisations/{ref}/claim/verify": {"ref": claimant.slug},
            "/api/v1/organisations/{ref}/claim/reject": {"ref": claimant.slug},
        },
        api_queries={
            "/api/v1/ideas/stages": f"sluice={sluice.slug}",
            "/api/v1/ideas/dashboard": f"organisation={owning.slug}",
            "/api/v1/equality/representation": f"organisation={owning.slug}",
            "/api/v1/equality/resources": f"organisation={owning.slug}",
            "/api/v1/ideas/similar": "q=sn%C3%B6skotrar",
            "/api/v1/ideas/candidates": f"region={region.slug}",
            "/api/v1/catalogue/match": f"text=finansiering&municipality={ostersund.code}",
        },
        api_bodies={
            "POST /api/v1/organisations": {"name": "Matrisprov AB", "kind": "company", "country": "SE"},
            "PATCH /api/v1/organisations/{ref}/members/{user_id}": {"role": Role.ADVISER},
            "POST /api/v1/ideas": {
                "title": "Matrisprov",
                "description": CHARGING,
                "municipality": ostersund.code,
                "name": "Mia Prov",
                "email": "mia.prov@example.org",
                "consent": True,
            },
            "PATCH /api/v1/ideas/{idea_id}": {"version": Idea.objects.get(pk=idea.pk).version},
            "PUT /api/v1/ideas/{idea_id}/assignee": {"assignee": None},
            "POST /api/v1/ideas/{idea_id}/duplicate-of": {"original": str(neighbour.pk)},
            "POST /api/v1/ideas/{idea_id}/participants": {"organisation": unrelated.slug},
            "PATCH /api/v1/ideas/{idea_id}/participants/{participant_id}": {"status": Participant.Status.DECLINED},
            "POST /api/v1/ideas/sluices": {"organisation": owning.slug, "name": "Matrisprov"},
            "POST /api/v1/ideas/sluices/{slug}/members": {"organisation": unrelated.slug},
            "PATCH /api/v1/ideas/sluice-memberships/{membership_id}": {"accept": False},
            **{key: {**offering_body} for key in ("POST /api/v1/catalogue/offerings", f"PUT {OFFERING_PATH}")},
            **{key: {**event_body} for key in ("POST /api/v1/catalogue/events", f"PUT {EVENT_PATH}")},
            "POST /api/v1/support/companies": {"organisation": owning.slug, "name": "Matrisprov AB"},
            "POST /api/v1/support/people": {"organisation": owning.slug, "name": "Matris Prov"},
            "POST /api/v1/support/people/{person_id}/companies": {"company": client_company.pk, "role": "ceo"},
            "POST /api/v1/support/efforts": {
                "organisation": owning.slug,
                "company": client_company.pk,
                "given_on": "2026-02-04",
                "kind": "advice",
            },
            "POST /api/v1/support/referrals": {
                "from_organisation": owning.slug,
                "to_organisation": unrelated.slug,
                "company": client_company.pk,
                "reason": "Matrisprov",
            },
            "POST /api/v1/support/referrals/{referral_id}/answer": {"accept": True},
            "PUT /api/v1/support/companies/{company_id}": {
                "name": "Fjällbageriet AB",
                "organisation_number": "556036-0793",
            },
            "POST /api/v1/support/companies/{company_id}/merge": {
                "organisation": owning.slug,
                "duplicate": duplicate_company.pk,
            },
            "PUT /api/v1/support/people/{person_id}": {"name": "Linnea Klient"},
            "POST /api/v1/support/contact-requests/{contact_request_id}/register": {},
        },
        secrets={
            # The submitter, supporters and internal notes: the idea's caseworkers only.
            **dict.fromkeys(
                (
                    "Kim Karlsson",
                    "kim.karlsson@example.org",
                    "Ring Kim innan gaten",
                    "stodjare@example.org",
                    "Alex Berg",
                    "alex.berg@example.org",
                    "Vi väntar på besked om medfinansiering",  # a gate decision not made public
                    "kims-skiss.txt",  # attachments may carry personal data
                ),
                # A co-developing partner neither (docs/partner-privacy.md).
                ("anonymous", "outsider", "member", "partner"),
            ),
            # Who registered for an event, and what a company asked for: the organiser's
            # advisers, coordinators and administrators (and staff).
            **dict.fromkeys(
                (
                    "maja.deltagare@example.org",
                    "nils.nasta@example.org",
                    "Maja Deltagare",
                    "frida.foretagare@example.org",
                    "Frida Företagare",
                    "förlustaffär i Brunflo",
                ),
                ("anonymous", "outsider", "member", "partner"),
            ),
            # A client person of the support log and the effort's internal notes: the recording
            # organisation's advisers, coordinators and administrators (and staff).
            **dict.fromkeys(
                ("Linnea Klient", "linnea.klient@example.org", "Linnea oroar sig för banklånet"),
                ("anonymous", "outsider", "member", "partner"),
            ),
            # A person's consented demographics: the recording organisation's administrators.
            "Uppföljning av likvärdigt stöd i Östersund": (
                "anonymous",
                "outsider",
                "member",
                "adviser",
                "coordinator",
                "partner",
            ),
            # The private cancel link travels by e-mail only: nobody reads it on any page.
            cancel_token: PERSONAS,
            # A member's address: the organisation's own members (and staff).
            member.email: ("anonymous", "outsider", "partner"),
            # Whom the organisation invites: its administrators (and staff).
            "ny.radgivare@example.org": ("anonymous", "outsider", "member", "adviser", "coordinator", "partner"),
        },
        page_posts={"ideas-regional-judge": {"judgement": "different"}},
        admin_objects={
            "accounts.organisation": owning.pk,
            "accounts.user": member.pk,
            "accounts.invitation": invitation.pk,
            "accounts.apitoken": api_token.pk,
            "ideas.idea": idea.pk,
            "ideas.sluice": sluice.pk,
            "ideas.participant": partnership.pk,
            "ideas.duplicatecandidate": candidate.pk,
            "places.municipality": ostersund.pk,
            "places.snicode": sni.pk,
            "catalogue.offering": offering.pk,
            "catalogue.event": event.pk,
            "support.company": client_company.pk,
            "support.person": client_person.pk,
            "support.effort": support_effort.pk,
            "support.referral": support_referral.pk,
        },
    )
