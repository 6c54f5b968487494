"""Shared sluices (Skaraborg's model): a regional body or a lead municipality runs one sluice for
several organisations. The lead creates it (or shares its own), invites member organisations,
whose administrators accept or decline; a member may leave and a new one join. Ideas to an active
member land in the shared sluice (`public.sluice_for`); the member's own staff triage them first
and pass them on (`share_idea`), after which the sluice's stages and criteria apply to all.

Every function is keyword-only and atomic; the audit log gets each step (for the lead and for
the member), mail is queued in the same transaction and sent after commit. See
docs/shared-sluices.md for who sees what.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import Membership, Organisation, Role, User
from framja.accounts.permissions import CASEWORK_ROLES, DECIDING_ROLES
from framja.audit import registry as audit
from framja.ideas.models import Event, Idea, Sluice, SluiceMembership
from framja.notifications.services import queue_email

Status = SluiceMembership.Status


# --------------------------------------------------------------------------- mail


def _people(organisation_id: int, roles: Iterable[str]) -> list[User]:
    user_ids = Membership.objects.filter(organisation_id=organisation_id, role__in=list(roles)).values("user_id")
    return list(User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").order_by("pk"))


def _mail_memberships_page(
    users: Iterable[User], organisation: Organisation, subject: Promise, body: Promise, params: dict[str, Any]
) -> None:
    for user in users:
        language = user.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            text = str(body) % {key: str(value) for key, value in params.items()}
            link = f"{settings.SITE_URL}{reverse('ideas-sluice-memberships')}?organisation={organisation.slug}"
            queue_email(to=user.email, subject=str(subject), body=f"{text}\n\n{link}", language=language)


def _mail_members_page(
    users: Iterable[User], sluice: Sluice, subject: Promise, body: Promise, params: dict[str, Any]
) -> None:
    for user in users:
        language = user.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            text = str(body) % {key: str(value) for key, value in params.items()}
            link = settings.SITE_URL + reverse("ideas-sluice-members", args=[sluice.slug])
            queue_email(to=user.email, subject=str(subject), body=f"{text}\n\n{link}", language=language)


# --------------------------------------------------------------------------- the lead


def _elsewhere(field: str, organisation: Organisation) -> ValidationError:
    """An organisation is an active member of at most one shared sluice (routing must be clear)."""
    message = gettext("%(organisation)s already takes part in another shared sluice; it must leave it first.")
    return ValidationError({field: [message % {"organisation": organisation.name}]})


def _record(membership: SluiceMembership, action: str, changes: dict[str, list[Any]]) -> None:
    """The signal writes the lead's entry; the member organisation's admins read their own."""
    if membership.organisation_id != membership.sluice.lead_organisation_id:
        audit.record(membership, action, changes, organisation_id=membership.organisation_id)


def _activate_lead(sluice: Sluice, by: User | None) -> None:
    """The lead is an active member of its own shared sluice (its ideas land there too)."""
    lead = sluice.lead_organisation
    if SluiceMembership.objects.active().filter(sluice=sluice, organisation=lead).exists():
        return
    if SluiceMembership.objects.active().filter(organisation=lead).exists():
        raise _elsewhere("organisation", lead)
    now = timezone.now()
    SluiceMembership.objects.open().filter(sluice=sluice, organisation=lead).update(status=Status.DECLINED)
    SluiceMembership.objects.create(
        sluice=sluice, organisation=lead, status=Status.ACTIVE, invited_by=by, answered_by=by, joined_at=now
    )


def share_sluice(*, sluice: Sluice, by: User | None) -> Sluice:
    """Turn the lead's sluice into a shared one: its ideas stay, new members' ideas join them."""
    with transaction.atomic():
        sluice = Sluice.objects.select_for_update().select_related("lead_organisation").get(pk=sluice.pk)
        if not sluice.shared:
            sluice.shared = True
            sluice.save(update_fields=["shared"])
        _activate_lead(sluice, by)
    return sluice


def create_shared_sluice(*, lead: Organisation, name: str, by: User | None) -> Sluice:
    """A new shared sluice with the default stages and criteria, led by `lead`."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": [gettext("Name the shared sluice.")]})
    if not lead.is_active:
        raise ValidationError({"organisation": [gettext("That organisation is not active.")]})
    if SluiceMembership.objects.active().filter(organisation=lead).exists():
        raise _elsewhere("organisation", lead)
    base = slugify(name)[:70] or f"{lead.slug}-shared"
    slug, n = base, 1
    while Sluice.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    try:
        with transaction.atomic():
            sluice = Sluice.create_default(lead_organisation=lead, name=name[:200], slug=slug)
            return share_sluice(sluice=sluice, by=by)
    except IntegrityError as exc:  # the lead joined another shared sluice at the same moment
        raise ValidationError(
            {"organisation": [gettext("Someone changed this at the same moment; try again.")]}
        ) from exc


def invite_member(*, sluice: Sluice, organisation: Organisation, by: User | None) -> SluiceMembership:
    """Invite an organisation to the shared sluice (sharing it if it was not yet); its
    administrators are told by e-mail and answer on their shared-sluice page."""
    if not organisation.is_active:
        raise ValidationError({"organisation": [gettext("That organisation is not active.")]})
    with transaction.atomic():
        sluice = share_sluice(sluice=sluice, by=by)
        if SluiceMembership.objects.open().filter(sluice=sluice, organisation=organisation).exists():
            raise ValidationError({"organisation": [gettext("That organisation is already a member or invited.")]})
        if SluiceMembership.objects.active().filter(organisation=organisation).exists():
            raise _elsewhere("organisation", organisation)
        try:
            with transaction.atomic():
                membership = SluiceMembership.objects.create(sluice=sluice, organisation=organisation, invited_by=by)
        except IntegrityError as exc:
            raise ValidationError(
                {"organisation": [gettext("That organisation is already a member or invited.")]}
            ) from exc
        _record(membership, "create", {"status": [None, Status.INVITED.value]})
        _mail_memberships_page(
            _people(organisation.pk, [Role.ADMIN]),
            organisation,
            _("Invitation to join a shared idea sluice"),
            _(
                "%(lead)s invites %(organisation)s to join the shared idea sluice “%(sluice)s”: ideas to "
                "%(organisation)s would land there, your staff triage them first, and the sluice’s stages "
                "and criteria apply to all members. Accept or decline here:"
            ),
            {"lead": sluice.lead_organisation.name, "organisation": organisation.name, "sluice": sluice.name},
        )
    return membership


# --------------------------------------------------------------------------- the member


def _locked(membership: SluiceMembership) -> SluiceMembership:
    return (
        SluiceMembership.objects.select_for_update(of=("self",))
        .select_related("sluice__lead_organisation", "organisation")
        .get(pk=membership.pk)
    )


def respond(*, membership: SluiceMembership, accept: bool, by: User | None) -> SluiceMembership:
    """The invited organisation accepts (its new ideas land in the shared sluice from now on) or
    declines. Refused if it is an active member of another shared sluice."""
    with transaction.atomic():
        membership = _locked(membership)
        if membership.status != Status.INVITED:
            raise ValidationError({"answer": [gettext("This invitation has already been answered.")]})
        if accept and SluiceMembership.objects.active().filter(organisation=membership.organisation_id).exists():
            raise _elsewhere("answer", membership.organisation)
        membership.status = Status.ACTIVE if accept else Status.DECLINED
        membership.answered_by = by
        membership.joined_at = timezone.now() if accept else None
        try:
            with transaction.atomic():
                membership.save(update_fields=["status", "answered_by", "joined_at"])
        except IntegrityError as exc:
            raise ValidationError({"answer": [gettext("Someone changed this at the same moment; try again.")]}) from exc
        _record(membership, "update", {"status": [Status.INVITED.value, membership.status]})
        params = {"organisation": membership.organisation.name, "sluice": membership.sluice.name}
        _mail_members_page(
            _people(membership.sluice.lead_organisation_id, DECIDING_ROLES),
            membership.sluice,
            _("Answer to your invitation to the shared idea sluice"),
            _("%(organisation)s joined the shared idea sluice “%(sluice)s”.")
            if accept
            else _("%(organisation)s declined to join the shared idea sluice “%(sluice)s”."),
            params,
        )
    return membership


def leave(*, membership: SluiceMembership, by: User | None) -> SluiceMembership:
    """An active member leaves: its ideas stay in the shared sluice with their history (it still
    works them there); its new ideas go to its own sluice again. The lead cannot leave."""
    with transaction.atomic():
        membership = _locked(membership)
        if membership.status != Status.ACTIVE:
            raise ValidationError({"membership": [gettext("Only an active member can leave.")]})
        if membership.is_lead:
            raise ValidationError({"membership": [gettext("The lead organisation cannot leave its own sluice.")]})
        membership.status = Status.LEFT
        membership.left_at = timezone.now()
        membership.save(update_fields=["status", "left_at"])
        _record(membership, "update", {"status": [Status.ACTIVE.value, Status.LEFT.value]})
        _mail_members_page(
            _people(membership.sluice.lead_organisation_id, DECIDING_ROLES),
            membership.sluice,
            _("A member left the shared idea sluice"),
            _(
                "%(organisation)s left the shared idea sluice “%(sluice)s”. "
                "Its ideas stay in the sluice with their history."
            ),
            {"organisation": membership.organisation.name, "sluice": membership.sluice.name},
        )
    return membership


def end_membership(*, membership: SluiceMembership, by: User | None) -> SluiceMembership:
    """The lead ends a membership: an open invitation is withdrawn, an active member is removed.
    A removed member's ideas stay in the sluice with their history, as when it leaves, and its
    new ideas go to its own sluice again; its administrators are told by e-mail. The lead's own
    membership cannot be ended (a shared sluice always has its lead)."""
    with transaction.atomic():
        membership = _locked(membership)
        if membership.is_lead:
            raise ValidationError({"membership": [gettext("The lead organisation cannot leave its own sluice.")]})
        before = membership.status
        if before == Status.INVITED:
            membership.status = Status.WITHDRAWN
            subject = _("Invitation to a shared idea sluice withdrawn")
            body = _(
                "%(lead)s withdrew its invitation to %(organisation)s to join the shared idea sluice “%(sluice)s”."
            )
        elif before == Status.ACTIVE:
            membership.status = Status.REMOVED
            membership.left_at = timezone.now()
            subject = _("Your organisation was removed from a shared idea sluice")
            body = _(
                "%(lead)s removed %(organisation)s from the shared idea sluice “%(sluice)s”. Its ideas stay in "
                "the sluice with their history; new ideas to %(organisation)s go to its own sluice again."
            )
        else:
            raise ValidationError({"membership": [gettext("Only an invitation or an active membership can be ended.")]})
        membership.ended_by = by
        membership.save(update_fields=["status", "left_at", "ended_by"])
        _record(membership, "update", {"status": [before, membership.status]})
        _mail_memberships_page(
            _people(membership.organisation_id, [Role.ADMIN]),
            membership.organisation,
            subject,
            body,
            {
                "lead": membership.sluice.lead_organisation.name,
                "organisation": membership.organisation.name,
                "sluice": membership.sluice.name,
            },
        )
    return membership


# --------------------------------------------------------------------------- local triage


def share_idea(*, idea: Idea, by: User | None) -> Idea:
    """The receiving organisation's own staff pass a triaged idea on to the shared process: from
    now on every member's staff see it in the shared inbox (without personal data) and the
    lead's coordinators take its gate decisions with the receiving side."""
    with transaction.atomic():
        idea = Idea.objects.select_for_update(of=("self",)).select_related("sluice").get(pk=idea.pk)
        if idea.sluice is None or not idea.sluice.shared:
            raise ValidationError({"idea": [gettext("This idea is not in a shared sluice.")]})
        if idea.shared_at is not None:
            raise ValidationError({"idea": [gettext("This idea has already been passed on to the shared sluice.")]})
        if idea.withdrawn_at is not None:
            raise ValidationError({"idea": [gettext("The idea has been withdrawn.")]})
        idea.shared_at = timezone.now()
        idea.save(update_fields=["shared_at", "updated_at"])
        Event.objects.create(
            idea=idea,
            kind=Event.Kind.SHARED,
            is_public=False,
            actor=by,
            text=idea.sluice.name,
            data={"sluice": idea.sluice_id},
        )
    return idea


# --------------------------------------------------------------------------- who sees what


def viewing_member(user: Any, sluice: Sluice) -> Organisation | None:
    """The active member organisation (the lead included) through which `user` works the shared
    sluice: the first by name where they hold a casework role; None if there is none. Pages and
    API answer 404 then (staff see every member's ideas without one)."""
    if user is None or not getattr(user, "is_authenticated", False) or not sluice.shared:
        return None
    own = Membership.objects.filter(user=user, role__in=CASEWORK_ROLES).values("organisation_id")
    membership = (
        SluiceMembership.objects.active()
        .filter(sluice=sluice, organisation__in=own)
        .select_related("organisation")
        .order_by("organisation__name")
        .first()
    )
    return membership.organisation if membership is not None else None


def member_names(sluice: Sluice) -> list[str]:
    """The members the dashboard shows: active and former ones, by name."""
    names = (
        SluiceMembership.objects.filter(sluice=sluice)
        .current_or_former()
        .order_by("organisation__name")
        .values_list("organisation__name", flat=True)
    )
    return list(dict.fromkeys(names))
