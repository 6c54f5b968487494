"""Users, organisations (the actors of the regional support system), memberships and roles."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from framja.accounts.validators import (
    clean_organisation_number,
    format_organisation_number,
    validate_organisation_number,
)
from framja.places.models import Country, Municipality

if TYPE_CHECKING:
    from collections.abc import Iterable


class User(AbstractUser):
    """A person who signs in. E-mail is unique (case-insensitive): invitations and resets use it."""

    email = models.EmailField(_("email address"))
    preferred_language = models.CharField(_("preferred language"), max_length=5, choices=settings.LANGUAGES, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_unique_email", condition=~models.Q(email=""))
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    """Roles within one organisation, from most to least powerful."""

    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    ADVISER = "adviser", _("Adviser")
    MEMBER = "member", _("Member")


# The role sets, defined here once (the querysets below need them) and used everywhere through
# framja.accounts.permissions.
#: Roles that work the organisation's cases (ideas, support log).
CASEWORK_ROLES = (Role.ADMIN, Role.COORDINATOR, Role.ADVISER)
#: Roles that decide for the organisation: gate decisions, invitations, cost splits, vouching for
#: claims; they also hear of new ideas.
DECIDING_ROLES = (Role.ADMIN, Role.COORDINATOR)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: User | AnonymousUser | None) -> OrganisationQuerySet:
        """Organisation profiles are public directory entries: everyone sees active ones."""
        if user is not None and user.is_authenticated and user.is_staff:
            return self.all()
        return self.active()

    def where_member(self, user: User, roles: Iterable[str] | None = None) -> OrganisationQuerySet:
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.filter(user=user)
        if roles is not None:
            memberships = memberships.filter(role__in=list(roles))
        return self.filter(pk__in=memberships.values("organisation_id"))

    def search(self, text: str) -> OrganisationQuerySet:
        """Match name or short name (anywhere, case-insensitive) or the organisation number."""
        text = " ".join((text or "").replace("\x00", "").split())[:100]
        if not text:
            return self
        match = Q(name__icontains=text) | Q(slug__icontains=text)
        digits = clean_organisation_number(text)
        if digits.isascii() and digits.isdigit():
            match |= Q(organisation_number__startswith=digits)
        return self.filter(match)

    def serving(self, municipality: Municipality) -> OrganisationQuerySet:
        """Organisations verified to serve the municipality or to be it (claims give nothing)."""
        return self.filter(Q(verified_serves=municipality) | Q(verified_municipality=municipality)).distinct()

    def verified(self) -> OrganisationQuerySet:
        """Organisations verified at least once (a verified kind): those others may pick as partners."""
        return self.exclude(verified_kind="")

    def verified_as(self, kind: str) -> OrganisationQuerySet:
        """Organisations whose kind has been verified as `kind` (what powers over ideas rest on)."""
        return self.filter(verified_kind=kind)

    def claims_pending(self) -> OrganisationQuerySet:
        return self.filter(claim_status=ClaimStatus.PENDING)

    def claims_verifiable_by(self, user: User | AnonymousUser | None) -> OrganisationQuerySet:
        """Pending claims the user may verify or reject.

        Platform staff: every pending claim. An admin or coordinator of a verified regional body:
        pending *region* claims of other organisations whose claimed area (served municipalities
        and the municipality it is) lies wholly within the area their region is verified to serve,
        so a regional body vouches only for what it already answers for."""
        if user is None or not user.is_authenticated:
            return self.none()
        pending = self.claims_pending()
        if user.is_staff:
            return pending
        regions = Organisation.objects.where_member(user, roles=DECIDING_ROLES).verified_as(Organisation.Kind.REGION)
        area = Municipality.objects.filter(verified_served_by__in=regions.values("pk"))
        outside = Municipality.objects.exclude(pk__in=area.values("pk"))
        return (
            pending.filter(kind=Organisation.Kind.REGION)
            .exclude(pk__in=regions.values("pk"))
            .exclude(serves__in=outside.values("pk"))
            .exclude(municipality__in=outside.values("pk"))
            .filter(pk__in=Organisation.objects.filter(serves__isnull=False).values("pk"))
            .distinct()
        )


#: Slugs that would clash with page addresses such as /organisations/new/.
RESERVED_SLUGS = frozenset({"new", "edit", "members", "invitations", "audit", "claims"})


class ClaimStatus(models.TextChoices):
    """Whether an organisation's claimed kind, municipality and served area have been verified."""

    VERIFIED = "verified", _("Verified")
    PENDING = "pending", _("Awaiting verification")
    REJECTED = "rejected", _("Rejected")


class Organisation(models.Model):
    """An actor of the regional support system: municipality, region, Almi, incubator, ...

    Claimed and verified values. `kind`, `municipality` and `serves` are what the organisation
    says about itself (its admins edit them; the directory shows them). Powers over ideas
    (receiving ideas, casework on ideas of an area, regional views, candidate pairs, dashboards)
    rest only on the *verified* copies `verified_kind`, `verified_municipality` and
    `verified_serves`, which change only when platform staff (or, for a region claim, an admin or
    coordinator of a verified regional body covering the area) verify the claim
    (`services.organisation_claim_verify`). While a changed claim waits (`claim_status` pending),
    an already verified organisation keeps its verified powers; a rejected claim changes nothing.
    A change that only gives up powers (fewer municipalities, a kind without powers) takes
    effect at once. Every change of these fields and every verification is audited.
    """

    #: Kinds whose verification gives powers over ideas of an area.
    POWER_KINDS = ("municipality", "region")

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        REGION = "region", _("Region")
        BUSINESS_SUPPORT = "business_support", _("Business-support organisation")
        INCUBATOR = "incubator", _("Incubator or science park")
        UNIVERSITY = "university", _("University or research institute")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name"),
        max_length=80,
        unique=True,
        blank=True,
        help_text=_("Used in addresses; made from the name when empty."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    organisation_number = models.CharField(
        _("organisation number"),
        max_length=11,
        blank=True,
        help_text=_("Swedish: 10 digits (NNNNNN-NNNN). Norwegian: 9 digits."),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        help_text=_("For a municipality: the municipality it is."),
    )
    serves = models.ManyToManyField(
        Municipality, blank=True, related_name="served_by", verbose_name=_("municipalities served")
    )
    verified_kind = models.CharField(_("verified kind"), max_length=20, choices=Kind.choices, blank=True)
    verified_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified municipality"),
    )
    verified_serves = models.ManyToManyField(
        Municipality, blank=True, related_name="verified_served_by", verbose_name=_("verified municipalities served")
    )
    claim_status = models.CharField(
        _("verification"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING
    )
    claim_reviewed_at = models.DateTimeField(_("claim reviewed"), null=True, blank=True)
    claim_reviewed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("claim reviewed by")
    )
    claim_note = models.CharField(_("verification note"), max_length=500, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_nb = models.TextField(_("description (Norwegian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "organisation_number"],
                name="accounts_organisation_unique_number",
                condition=~models.Q(organisation_number=""),
                violation_error_message=_("An organisation with this organisation number is already registered."),
            ),
            models.UniqueConstraint(
                fields=["verified_municipality"],
                name="accounts_organisation_one_verified_per_municipality",
                condition=models.Q(verified_kind="municipality"),
                violation_error_message=_("This municipality already has its organisation in Främja."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("accounts-organisation-detail", args=[self.slug])

    @property
    def organisation_number_display(self) -> str:
        return format_organisation_number(self.organisation_number, self.country)

    def clean(self) -> None:
        """Check digits, the municipality rule and duplicates, as field errors (forms and API show them)."""
        errors: dict[str, list[ValidationError]] = {}
        if self.organisation_number:
            self.organisation_number = clean_organisation_number(self.organisation_number)
            try:
                validate_organisation_number(self.organisation_number, self.country)
            except ValidationError as exc:
                errors.setdefault("organisation_number", []).append(exc)
            else:
                if (
                    Organisation.objects.filter(country=self.country, organisation_number=self.organisation_number)
                    .exclude(pk=self.pk)
                    .exists()
                ):
                    errors.setdefault("organisation_number", []).append(
                        ValidationError(
                            _("An organisation with this organisation number is already registered."), code="unique"
                        )
                    )
        if self.kind == self.Kind.MUNICIPALITY and self.municipality_id is None:
            errors.setdefault("municipality", []).append(
                ValidationError(_("A municipality organisation must name its municipality."), code="required")
            )
        if self.municipality_id is not None and self.municipality is not None:
            if self.municipality.country != self.country:
                errors.setdefault("municipality", []).append(
                    ValidationError(_("The municipality is in another country than the organisation."), code="country")
                )
            elif (
                self.kind == self.Kind.MUNICIPALITY
                and Organisation.objects.filter(
                    verified_kind=self.Kind.MUNICIPALITY, verified_municipality_id=self.municipality_id
                )
                .exclude(pk=self.pk)
                .exists()
            ):
                errors.setdefault("municipality", []).append(
                    ValidationError(_("This municipality already has its organisation in Främja."), code="unique")
                )
        if errors:
            raise ValidationError(errors)

    @property
    def claim_is_pending(self) -> bool:
        return self.claim_status == ClaimStatus.PENDING

    def claim_matches_verified(self) -> bool:
        """True when the claimed kind, municipality and area equal the verified ones."""
        return (
            self.kind == self.verified_kind
            and self.municipality_id == self.verified_municipality_id
            and set(self.serves.values_list("pk", flat=True)) == set(self.verified_serves.values_list("pk", flat=True))
        )

    def claim_only_gives_up(self) -> bool:
        """True when the claim grants nothing the verified values do not: same kind or a kind
        without powers, the same municipality or none, and served municipalities a subset."""
        kind_ok = self.kind == self.verified_kind or self.kind not in self.POWER_KINDS
        municipality_ok = self.municipality_id in (None, self.verified_municipality_id)
        served = set(self.serves.values_list("pk", flat=True))
        return kind_ok and municipality_ok and served <= set(self.verified_serves.values_list("pk", flat=True))

    def _unique_slug(self) -> str:
        base = slugify(self.name)[:70] or "organisation"
        if base in RESERVED_SLUGS:
            base = f"{base}-{self.kind or 'organisation'}"
        slug, n = base, 2
        while Organisation.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    @property
    def description(self) -> str:
        """The description in the active language, falling back to any language that has one."""
        language = (get_language() or "sv")[:2]
        order = [language] + [code for code in ("sv", "nb", "en") if code != language]
        for code in order:
            text = getattr(self, f"description_{code}", "")
            if text:
                return str(text)
        return ""


class MembershipQuerySet(models.QuerySet["Membership"]):
    def admins(self) -> MembershipQuerySet:
        return self.filter(role=Role.ADMIN)


class Membership(models.Model):
    """A user's role in one organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="accounts_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


def _hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        """Neither accepted nor revoked (possibly expired): at most one per organisation and e-mail."""
        return self.filter(accepted_at=None, revoked_at=None)

    def pending(self) -> InvitationQuerySet:
        return self.open().filter(expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation. Only the token's hash is stored."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("accepted by")
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                F("organisation"),
                Lower("email"),
                name="accounts_invitation_one_open_per_email",
                condition=Q(accepted_at=None, revoked_at=None),
                violation_error_message=_("This address already has an open invitation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        """A fresh (raw token, hash) pair; the raw token goes only into the e-mail."""
        raw = secrets.token_urlsafe(32)
        return raw, _hash_secret(raw)

    @classmethod
    def find_by_token(cls, raw: str) -> Invitation | None:
        return cls.objects.select_related("organisation").filter(token_hash=_hash_secret(raw)).first()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status(self) -> Invitation.Status:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at=None)


class ApiToken(models.Model):
    """A personal API token (`Authorization: Bearer <token>`). Only its hash is stored."""

    PREFIX = "fr_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token; the raw value is returned once and never stored."""
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, token_hash=_hash_secret(raw), hint=raw[:10])
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        token = cls.objects.active().select_related("user").filter(token_hash=_hash_secret(raw)).first()
        if token is None or not token.user.is_active:
            return None
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user


class CacheEntry(models.Model):
    """A row of the shared database cache (`framja.accounts.cache.DatabaseCache`, table framja_cache).

    Declared as a model so that `migrate` creates the table on SQLite and PostgreSQL alike and the
    test databases have it: `make run` and `make test` need no `createcachetable` step. Rate-limit
    counters live here when no Redis is configured; nothing else reads the table.
    """

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "framja_cache"
        verbose_name = _("shared cache entry")
        verbose_name_plural = _("shared cache entries")

    def __str__(self) -> str:
        return self.cache_key
