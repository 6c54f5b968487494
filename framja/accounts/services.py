"""Every write of accounts: organisations, members, invitations, profiles and API tokens.

Pages, API endpoints, commands and admin-like tools call these functions, never the models'
save() directly. Each is atomic; e-mail leaves only after the transaction commits. Auditing is
automatic (framja.audit registry) and names the actor of the request or command.
Bad input raises django.core.exceptions.ValidationError with field errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import ApiToken, ClaimStatus, Invitation, Membership, Organisation, Role, User
from framja.accounts.permissions import forget_roles
from framja.notifications.services import queue_email
from framja.places.models import Municipality

#: Fields of an organisation its admins may change (slug and is_active are for platform staff).
ORGANISATION_FIELDS = (
    "name",
    "kind",
    "country",
    "organisation_number",
    "municipality",
    "website",
    "email",
    "phone",
    "description_sv",
    "description_nb",
    "description_en",
)
_TEXT_FIELDS = frozenset(ORGANISATION_FIELDS) - {"municipality"}
#: More active tokens than anyone needs suggests a script gone wrong.
MAX_ACTIVE_TOKENS = 50


def _apply(organisation: Organisation, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    errors = {}
    for name, value in fields.items():
        if name in _TEXT_FIELDS and value is None:
            value = ""
        if isinstance(value, str):
            if "\x00" in value:
                errors[name] = _("Null characters are not allowed.")
                continue
            value = value.strip()
        setattr(organisation, name, value)
    if errors:
        raise ValidationError(errors)


def _save_organisation(organisation: Organisation, serves: Iterable[Municipality] | None) -> None:
    organisation.full_clean()
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as exc:  # lost a race with another write of the same number or municipality
        raise ValidationError(
            _("Another organisation was just saved with the same details. Check and try again.")
        ) from exc
    if serves is not None:
        organisation.serves.set(list(serves))


def _claim_of(organisation: Organisation) -> tuple[str, int | None, set[int]]:
    return (organisation.kind, organisation.municipality_id, set(organisation.serves.values_list("pk", flat=True)))


def _copy_claim_to_verified(organisation: Organisation) -> None:
    organisation.verified_kind = organisation.kind
    organisation.verified_municipality_id = organisation.municipality_id
    organisation.verified_serves.set(list(organisation.serves.all()))


def organisation_claim_refresh(*, organisation: Organisation, claim_changed: bool = True) -> Organisation:
    """Decide what a (possibly) changed claim means: nothing to verify when it equals the
    verified values; applied at once when it only gives up powers; otherwise it waits for
    verification (the verified values, and with them the powers, stay as they were)."""
    if organisation.claim_matches_verified():
        status: str | None = ClaimStatus.VERIFIED
    elif organisation.claim_only_gives_up():
        _copy_claim_to_verified(organisation)
        status = ClaimStatus.VERIFIED
    elif claim_changed:
        status = ClaimStatus.PENDING
    else:
        status = None
    if status is not None and status != organisation.claim_status:
        organisation.claim_status = status
        if status == ClaimStatus.PENDING:
            organisation.claim_note = ""
    organisation.save()
    return organisation


@transaction.atomic
def organisation_claim_verify(*, organisation: Organisation, by: User) -> Organisation:
    """Make the pending claim the organisation's verified kind, municipality and area
    (audited: who, when, before and after). The caller checks `claims_verifiable_by(by)`."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.claim_status != ClaimStatus.PENDING:
        raise ValidationError(_("This organisation has no claim awaiting verification."), code="not_pending")
    if (
        organisation.kind == Organisation.Kind.MUNICIPALITY
        and Organisation.objects.filter(
            verified_kind=Organisation.Kind.MUNICIPALITY, verified_municipality_id=organisation.municipality_id
        )
        .exclude(pk=organisation.pk)
        .exists()
    ):
        raise ValidationError(
            {"municipality": _("This municipality already has its organisation in Främja.")}, code="unique"
        )
    _copy_claim_to_verified(organisation)
    organisation.claim_status = ClaimStatus.VERIFIED
    organisation.claim_reviewed_at = timezone.now()
    organisation.claim_reviewed_by = by
    organisation.claim_note = ""
    organisation.save()
    return organisation


@transaction.atomic
def organisation_claim_reject(*, organisation: Organisation, by: User, note: str = "") -> Organisation:
    """Refuse the pending claim; the verified values (and powers) stay as they were. Audited."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.claim_status != ClaimStatus.PENDING:
        raise ValidationError(_("This organisation has no claim awaiting verification."), code="not_pending")
    if "\x00" in note:
        raise ValidationError({"note": _("Null characters are not allowed.")})
    organisation.claim_status = ClaimStatus.REJECTED
    organisation.claim_reviewed_at = timezone.now()
    organisation.claim_reviewed_by = by
    organisation.claim_note = note.strip()[:500]
    organisation.save()
    return organisation


@transaction.atomic
def organisation_create(
    *, creator: User, fields: Mapping[str, Any], serves: Iterable[Municipality] = ()
) -> Organisation:
    """Register an organisation; its creator becomes its first admin."""
    organisation = Organisation()
    _apply(organisation, fields)
    _save_organisation(organisation, serves)
    organisation_claim_refresh(organisation=organisation)
    Membership.objects.create(user=creator, organisation=organisation, role=Role.ADMIN)
    forget_roles(creator)
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, fields: Mapping[str, Any], serves: Iterable[Municipality] | None = None
) -> Organisation:
    """Change the given fields (and the municipalities served when `serves` is not None).
    A changed kind, municipality or area is a claim that waits for verification."""
    before = _claim_of(Organisation.objects.get(pk=organisation.pk))  # a ModelForm may have set the instance already
    _apply(organisation, fields)
    _save_organisation(organisation, serves)
    organisation_claim_refresh(organisation=organisation, claim_changed=before != _claim_of(organisation))
    return organisation


def _lock(organisation: Organisation | int) -> None:
    """Serialise writes to one organisation's members and invitations (row lock on PostgreSQL)."""
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    list(Organisation.objects.select_for_update().filter(pk=org_id).values_list("pk", flat=True))


def _check_keeps_an_admin(membership: Membership, new_role: str | None) -> None:
    if membership.role != Role.ADMIN or new_role == Role.ADMIN:
        return
    others = Membership.objects.admins().filter(organisation_id=membership.organisation_id).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError(
            {"role": _("An organisation needs at least one administrator. Make someone else administrator first.")},
            code="last_admin",
        )


@transaction.atomic
def member_set_role(*, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles.")}, code="invalid_choice")
    _lock(membership.organisation_id)
    membership.refresh_from_db(fields=["role"])
    if membership.role == role:
        return membership
    _check_keeps_an_admin(membership, role)
    membership.role = role
    membership.save(update_fields=["role"])
    forget_roles(membership.user)
    return membership


@transaction.atomic
def member_remove(*, membership: Membership) -> None:
    """Remove a member (or let a member leave); the last admin cannot go."""
    _lock(membership.organisation_id)
    membership.refresh_from_db(fields=["role"])
    _check_keeps_an_admin(membership, None)
    membership.delete()
    forget_roles(membership.user)


def _normalise_email(email: str) -> str:
    email = (email or "").strip()
    try:
        if len(email) > 254:
            raise ValidationError(_("Enter a valid email address."), code="invalid")
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from exc
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


@transaction.atomic
def invitation_send(*, organisation: Organisation, email: str, role: str, invited_by: User | None) -> Invitation:
    """Invite an address to join; an open invitation to the same address is replaced.

    Only the token's hash is stored; the link with the raw token is e-mailed after commit.
    """
    email = _normalise_email(email)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose one of the roles.")}, code="invalid_choice")
    _lock(organisation)
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": _("A person with this e-mail address is already a member.")}, code="member")
    now = timezone.now()
    for previous in Invitation.objects.open().filter(organisation=organisation, email__iexact=email):
        previous.revoked_at = now
        previous.save(update_fields=["revoked_at"])
    raw, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by=invited_by,
        expires_at=now + timedelta(days=settings.FRAMJA_INVITATION_DAYS),
    )
    invitee = User.objects.filter(email__iexact=email).only("preferred_language").first()
    language = (invitee.preferred_language if invitee else "") or translation.get_language() or settings.LANGUAGE_CODE
    # Through the outbox, so a mail-server failure is retried; the body holds the raw token, so
    # it is a sensitive mail whose body is erased once sent.
    _queue_invitation_email(invitation, raw, language)
    return invitation


def _queue_invitation_email(invitation: Invitation, raw_token: str, language: str) -> None:
    with translation.override(language):
        context = {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "inviter": invitation.invited_by,
            "role": invitation.get_role_display(),
            "url": settings.SITE_URL + reverse("accounts-invitation-accept", args=[raw_token]),
            "site_url": settings.SITE_URL,
        }
        subject = " ".join(render_to_string("accounts/email/invitation_subject.txt", context).split())
        body = render_to_string("accounts/email/invitation.txt", context)
    queue_email(to=invitation.email, subject=subject, body=body, language=language, sensitive=True)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def _claim(invitation: Invitation) -> Invitation:
    """Lock the invitation and check it can still be used (two tabs may accept at once)."""
    locked = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if not locked.is_pending:
        raise ValidationError(_("This invitation can no longer be used."), code=locked.status)
    return locked


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the organisation as the invited role; an existing membership keeps its role."""
    invitation = _claim(invitation)
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(_("This invitation was sent to another e-mail address."), code="email")
    membership = Membership.objects.filter(user=user, organisation=invitation.organisation).first()
    if membership is None:
        membership = Membership.objects.create(user=user, organisation=invitation.organisation, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    forget_roles(user)
    return membership


@transaction.atomic
def invitation_accept_new_user(
    *, invitation: Invitation, username: str, first_name: str, last_name: str, password: str
) -> User:
    """Create the invitee's account (with the invited address) and join."""
    invitation = _claim(invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(
            _("An account with this e-mail address exists already: sign in to accept."), code="exists"
        )
    user = User(username=username.strip(), first_name=first_name.strip(), last_name=last_name.strip())
    user.email = invitation.email
    language = (translation.get_language() or "")[:2]
    user.preferred_language = language if language in dict(settings.LANGUAGES) else ""
    user.full_clean(exclude=["password"])
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    invitation_accept(invitation=invitation, user=user)
    return user


@transaction.atomic
def profile_update(*, user: User, fields: Mapping[str, Any]) -> User:
    """Change one's name, e-mail address or preferred language."""
    allowed = {"first_name", "last_name", "email", "preferred_language"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValidationError({name: _("This field cannot be changed here.")})
        setattr(user, name, (value or "").strip())
    if user.email and User.objects.filter(email__iexact=user.email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": _("Another account uses this e-mail address.")}, code="unique")
    user.full_clean(exclude=["password"], validate_constraints=False)
    user.save()
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal API token; the raw value is returned once and never stored."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the script that will use it.")}, code="required")
    if len(name) > 100:
        raise ValidationError({"name": _("Use at most 100 characters.")}, code="max_length")
    if "\x00" in name:
        raise ValidationError({"name": _("Null characters are not allowed.")}, code="null_characters_not_allowed")
    if ApiToken.objects.active().filter(user=user).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {"name": _("You have %(max)d active tokens. Revoke some first.") % {"max": MAX_ACTIVE_TOKENS}},
            code="too_many",
        )
    return ApiToken.issue(user=user, name=name)


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
