"""Realistic data behind every page with URL parameters, for the site-wide page checks
(tests/test_pages_a11y.py, tests/test_i18n.py).

Built through the same service functions the site uses, so the pages show what a coordinator
meets on a working day: a submitted idea that passed a gate, with an answer, a note, a supporter,
a co-development invitation and a duplicate; an idea from a neighbouring municipality that
invites the owner's organisation and is a candidate duplicate in the region; an open member
invitation, an API token and a password-reset link.

The owner administers `organisation` (Almi Mitt, the sluice's lead, serving Östersund) and
coordinates the region that serves Östersund and Krokom, so the regional view is covered too.
Registered as a plugin in tests/conftest.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from framja.accounts import services as account_services
from framja.accounts.models import ApiToken, Organisation, Role, User
from framja.catalogue import services as catalogue_services
from framja.equality.models import ReferenceShare
from framja.ideas.models import Attachment, DuplicateCandidate, GateDecision, Participant, Sluice
from framja.ideas.services import casework, public, sluices
from framja.ideas.services import exports as export_services
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

CHARGING = (
    "Laddstolpar vid skoterlederna i fjällen så att eldrivna snöskotrar kan användas av turistföretag "
    "och samebyar, med gemensam drift och bokning mellan kommunerna."
)

EXPORT_PAGES = ("ideas-export-detail", "ideas-export-download", "ideas-export-retry")


@pytest.fixture
def page_parameters(
    organisation: Organisation, other_organisation: Organisation, owner: User, member: User
) -> PageParameters:
    """URL parameters (by parameter name, overridden per URL name) and query strings that reach
    each page with data on it, built for one test (page walks that visit every page build it once
    per module instead: `site_pages`)."""
    return build_page_parameters(
        organisation=organisation, other_organisation=other_organisation, owner=owner, member=member
    )


@dataclass(frozen=True)
class SitePages:
    parameters: PageParameters
    owner: User
    media_root: Path


@pytest.fixture(scope="module")
def site_pages(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[SitePages]:
    """The personas (as in tests/conftest.py) and the page data, built once for a whole module
    and rolled back after it; each test runs in a savepoint inside, so what a request writes
    (sessions, last sign-in) is gone before the next. A page walk visits ~75 pages per persona
    and language: building the data per case cost more than checking the page.

    A module that uses it overrides `page_parameters` and `owner_client` with `site_pages`'s
    (see tests/test_pages_a11y.py), and must not mix in the function-scoped personas."""
    media_root = tmp_path_factory.mktemp("site-pages-media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
            MEDIA_ROOT=media_root,
            DATA_DIR=tmp_path_factory.mktemp("site-pages-data"),
        ),
        transaction.atomic(),
    ):
        organisation = OrganisationFactory.create(name="Almi Mitt", organisation_number="5565945689")
        other_organisation = OrganisationFactory.create(
            name="Innovasjon Trøndelag", country="NO", organisation_number="974760673"
        )
        owner = UserFactory.create(username="owner")
        MembershipFactory.create(user=owner, organisation=organisation, role=Role.ADMIN)
        member = UserFactory.create(username="member")
        MembershipFactory.create(user=member, organisation=organisation, role=Role.MEMBER)
        outsider = UserFactory.create(username="outsider")
        MembershipFactory.create(user=outsider, organisation=other_organisation, role=Role.ADMIN)
        parameters = build_page_parameters(
            organisation=organisation, other_organisation=other_organisation, owner=owner, member=member
        )
        yield SitePages(parameters=parameters, owner=owner, media_root=media_root)
        transaction.set_rollback(True)


def build_page_parameters(
    *, organisation: Organisation, other_organisation: Organisation, owner: User, member: User
) -> PageParameters:
    county = CountyFactory.create(country="SE", code="23", name="Jämtlands län")
    ostersund = MunicipalityFactory.create(country="SE", code="2380", name="Östersund", county=county)
    krokom = MunicipalityFactory.create(country="SE", code="2309", name="Krokom", county=county)

    sluice = Sluice.create_default(lead_organisation=organisation, name="Idésluss Jämtland")
    serve(organisation, ostersund)
    krokom_kommun = OrganisationFactory.create(
        name="Krokoms kommun", kind=Organisation.Kind.MUNICIPALITY, municipality=krokom
    )
    krokom_coordinator = UserFactory.create(username="krokom-koordinator", first_name="Sara", last_name="Nilsson")
    MembershipFactory.create(user=krokom_coordinator, organisation=krokom_kommun, role=Role.COORDINATOR)
    region = OrganisationFactory.create(name="Region Jämtland Härjedalen", kind=Organisation.Kind.REGION)
    serve(region, ostersund, krokom)
    MembershipFactory.create(user=owner, organisation=region, role=Role.COORDINATOR)

    # The owner's idea: submitted anonymously, answered, moved on at a gate, co-developed.
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
    assert idea.receiving_organisation_id == organisation.pk, "the idea must reach the owner's organisation"
    support, _created = public.support_add(idea=idea, email="stodjare@example.org")
    public.submitter_add_information(idea=idea, text="Vi har redan pratat med två turistföretag i Åre.")
    casework.assign(idea=idea, assignee=owner, by=owner)
    casework.add_note(idea=idea, text="Ring Kim innan gaten på torsdag.", by=owner)
    casework.add_answer(idea=idea, text="Tack! Vi tittar på idén vid nästa gate.", by=owner)
    criteria = list(sluice.criteria.order_by("position"))
    casework.gate_decide(
        idea=idea,
        outcome=GateDecision.Outcome.GO,
        rationale="Stort intresse från besöksnäringen och rimlig kostnad.",
        by=owner,
        scores={criterion.pk: 4 for criterion in criteria},
    )
    casework.gate_decide(
        idea=idea,
        outcome=GateDecision.Outcome.HOLD,
        rationale="Vi väntar på besked om medfinansiering från regionen.",
        by=owner,
        scores={criteria[0].pk: 3},
        is_public=False,
    )
    casework.add_note(idea=idea, text="Regionen svarar om medfinansiering i mars.", by=owner)
    casework.invite_participant(idea=idea, organisation=other_organisation, by=owner)

    # The same idea submitted again in Östersund, linked as a duplicate.
    duplicate = public.idea_submit(
        title="Laddstolpar för eldrivna skotrar",
        description=CHARGING + " Gärna vid Storsjön.",
        municipality=ostersund,
        name="Alex Berg",
        email="alex.berg@example.org",
        consent=True,
    ).idea
    casework.link_duplicate(duplicate=duplicate, original=idea, by=owner)

    # A neighbour's idea: it invites the owner's organisation, and the region sees a candidate pair.
    neighbour = public.idea_submit(
        title="Gemensam laddinfrastruktur för snöskotrar",
        description=CHARGING + " Vi vill börja i Krokom.",
        municipality=krokom,
        name="Robin Ek",
        email="robin.ek@example.org",
        consent=True,
    ).idea
    invited = casework.invite_participant(idea=neighbour, organisation=organisation, by=krokom_coordinator)
    assert invited.status == Participant.Status.INVITED
    # The owner's organisation shares its sluice: Krokom is invited and has not answered yet.
    sluice_invitation = sluices.invite_member(sluice=sluice, organisation=krokom_kommun, by=owner)
    pair = sorted([idea.pk, neighbour.pk])
    candidate = DuplicateCandidate.objects.create(idea_a_id=pair[0], idea_b_id=pair[1], score=0.82)
    # A large export the owner asked for, built by its job: only the owner sees or downloads it.
    export = casework.request_export(
        requester=owner, organisation=organisation, filters={}, language="sv", filename="ideas-matrix"
    )
    export_services.build_export(export.pk)

    # Accounts: an open invitation (its raw token only travels by e-mail), an API token, a reset link.
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation = account_services.invitation_send(
            organisation=organisation, email="ny.radgivare@example.org", role=Role.ADVISER, invited_by=owner
        )
    found = re.search(r"/invitations/([\w-]+)/", str(mail.outbox[-1].body))
    assert found, "the invitation e-mail carries the accept link"
    api_token, _raw = ApiToken.issue(user=owner, name="Rapportverktyg")
    attachment = Attachment(idea=idea, original_name="skiss.txt", content_type="text/plain", size=5)
    attachment.file.save("skiss.txt", ContentFile(b"skiss"), save=True)

    # The catalogue: an offering serving Östersund, an event with built-in registration, one person registered.
    offering = catalogue_services.offering_save(
        organisation=organisation,
        name_sv="Affärsrådgivning för nya företag",
        description_sv="Kostnadsfri rådgivning om affärsplan, finansiering och marknad.",
        offering_type="advice",
        area_municipalities=[ostersund],
    )
    starts = (timezone.now() + timedelta(days=5)).replace(hour=8, minute=0, second=0, microsecond=0)
    catalogue_event = catalogue_services.event_save(
        organiser=organisation,
        title="Frukostmöte om finansiering",
        start=starts,
        end=starts + timedelta(hours=2),
        venue="Stadshuset, Östersund",
        municipality=ostersund,
        registration_mode="built_in",
        capacity=20,
        offerings=[offering],
    )
    _registration, cancel_token = catalogue_services.register(
        event=catalogue_event, name="Kim Karlsson", email="kim.karlsson@example.org"
    )

    # The support log: a client company with an effort, and a referral from another organisation
    # that waits for the owner's answer (the answer form is on its page).
    client_company, _created = support_services.company_register(
        organisation=organisation, name="Fjällbageriet AB", organisation_number="556036-0793", municipality=ostersund
    )
    support_services.effort_log(
        organisation=organisation,
        company=client_company,
        given_on=timezone.localdate(),
        kind="advice",
        hours=2,
        offering=offering,
        outcome="Affärsplanen är klar.",
    )
    other_client, _created = support_services.company_register(
        organisation=other_organisation, country="NO", name="Fjellbakeriet AS", organisation_number="923609016"
    )
    client_person = support_services.person_create(organisation=organisation, name="Lisa Klient")
    support_services.person_link_company(person=client_person, company=client_company, role="ceo")
    support_services.demographics_record(
        person=client_person,
        by=owner,
        gender="woman",
        birth_year=1980,
        foreign_background="no",
        purpose="Uppföljning",
        given_on=timezone.localdate(),
    )
    contact_request = catalogue_services.contact_request_send(
        organisation=organisation,
        offering=offering,
        name="Frida Företagare",
        email="frida@example.org",
        need="Hjälp med likviditeten",
        consent=True,
    )
    received = support_services.referral_send(
        from_organisation=other_organisation, to_organisation=organisation, company=other_client, reason="Trenger lån"
    )

    reference_share = ReferenceShare.objects.create(
        organisation=organisation, dimension="gender", category="woman", share=33
    )

    return PageParameters(
        values={"slug": organisation.slug, "user_id": member.pk, "fmt": "csv", "pk": idea.pk},
        routes={
            "ideas-sluice-settings": {"slug": sluice.slug},
            **{
                key: {"slug": sluice.slug}
                for key in (
                    "ideas-sluice-members",
                    "ideas-sluice-inbox",
                    "ideas-sluice-dashboard",
                    "ideas-sluice-dashboard-export",
                )
            },
            "ideas-sluice-membership-respond": {"pk": sluice_invitation.pk},
            "ideas-sluice-membership-end": {"slug": sluice.slug, "pk": sluice_invitation.pk},
            "ideas-sluice-membership-leave": {"pk": sluice_invitation.pk},
            "ideas-municipality": {"code": idea.municipality.qualified_code},
            "ideas-casework-attachment": {"pk": idea.pk, "attachment_pk": attachment.pk},
            **{
                name: {"pk": export.pk}
                for name in ("ideas-export-detail", "ideas-export-download", "ideas-export-retry")
            },
            "ideas-casework-duplicate-unlink": {"pk": duplicate.pk},
            "ideas-participant-respond": {"pk": invited.pk},
            "ideas-regional-judge": {"pk": candidate.pk},
            "ideas-status": {"token": submitted.status_token},
            "ideas-support-confirm": {"token": public.support_confirmation_token(support)},
            "ideas-status-information": {"token": submitted.status_token},
            "ideas-status-withdraw": {"token": submitted.status_token},
            "ideas-status-anonymise": {"token": submitted.status_token},
            **{
                key: {"pk": offering.pk}
                for key in ("catalogue-offering-detail", "catalogue-offering-edit", "catalogue-contact")
            },
            **{
                key: {"pk": catalogue_event.pk}
                for key in (
                    "catalogue-event-detail",
                    "catalogue-event-register",
                    "catalogue-event-edit",
                    "catalogue-event-cancel",
                    "catalogue-participants",
                )
            },
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
            "support-referral-detail": {"pk": received.pk},
            "support-contact-request-register": {"pk": contact_request.pk},
            "equality-reference-share-delete": {"pk": reference_share.pk},
            "accounts-token-revoke": {"pk": api_token.pk},
            "accounts-invitation-revoke": {"pk": invitation.pk},
            "accounts-invitation-accept": {"token": found.group(1)},
            "accounts-password-reset-confirm": {
                "uidb64": urlsafe_base64_encode(force_bytes(member.pk)),
                "token": default_token_generator.make_token(member),
            },
        },
        # The owner works two organisations' ideas (Almi Mitt and the region): without a choice
        # these pages ask which one, with it they show the inbox, the dashboard, the export.
        # The idea's page also shows the results of a search for its original (the no-JS path).
        queries={
            **dict.fromkeys(
                (
                    "ideas-inbox",
                    "ideas-inbox-export",
                    "ideas-dashboard",
                    "ideas-dashboard-export",
                    "ideas-sluice-memberships",
                ),
                f"organisation={organisation.slug}",
            ),
            "ideas-casework-detail": "dq=snöskotrar",
            "catalogue-start": f"need=affärsplan+och+finansiering&municipality={ostersund.pk}",
            "support-referral-create": f"company={client_company.pk}",
        },
        # Django's reset link stores the token in the session and redirects to the form.
        follow={"accounts-password-reset-confirm"},
    )
