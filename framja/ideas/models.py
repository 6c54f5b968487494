"""The idea sluice: ideas, their stage-gate pipeline, decisions, duplicates and co-development.

Vocabulary:
- A *sluice* (idésluss) is a stage-gate pipeline run by one lead organisation, possibly shared
  by several organisations (Skaraborg: 15 municipalities share one): a shared sluice has member
  organisations (`SluiceMembership`) whose ideas land in it, triaged locally first
  (`Idea.shared_at`), then worked by every member without personal data (docs/shared-sluices.md).
- An idea concerns one municipality (SE or NO) and is received by one organisation: the
  municipality's own organisation, else an organisation of a sluice serving that municipality.
- Casework (inbox, notes, gates) is for coordinators/advisers of the receiving organisation and
  of co-developing participants; partners work without personal data and without speaking for
  the idea (docs/partner-privacy.md). The public sees title, description, municipality, stage
  and public answers, never a submitter's personal data.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Concat, Lower, NullIf
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from framja.accounts.converters import database_id
from framja.accounts.models import Membership, Organisation
from framja.accounts.permissions import CASEWORK_ROLES, DECIDING_ROLES
from framja.places.models import Municipality

DEFAULT_STAGES = [
    ("received", False),
    ("screening", False),
    ("concept", False),
    ("pilot", False),
    ("implementation", False),
    ("spread", True),
    ("closed", True),
]


class CriterionKind(models.TextChoices):
    """The standard gate criteria, named and explained in the reader's language; a coordinator's
    own criteria are CUSTOM with the name and description given."""

    NEED = "need", _("Need")
    FEASIBILITY = "feasibility", _("Feasibility")
    EFFECT = "effect", _("Effect")
    COST = "cost", _("Cost")
    CUSTOM = "custom", _("Custom")


CRITERION_HELP = {
    CriterionKind.NEED: _("How great is the need, and for whom?"),
    CriterionKind.FEASIBILITY: _("Can it be done with the means at hand?"),
    CriterionKind.EFFECT: _("What difference will it make?"),
    CriterionKind.COST: _("Is the cost reasonable for the effect?"),
}


class SluiceQuerySet(models.QuerySet["Sluice"]):
    def pipeline_visible_to(self, user: Any) -> SluiceQuerySet:
        """Sluices whose pipeline (stages with custom names, positions; criteria) the user may read.

        Internal to the sluice's people (issue 7, item 9): casework roles in its lead or a
        participating organisation, anyone who works one of its ideas (co-developers), and staff.
        What the public sees of a sluice is the label of the stage an idea is in, on the idea's
        own public page; never the pipeline, criteria or settings."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if getattr(user, "is_staff", False):
            return self.all()
        casework = Membership.objects.filter(user=user, role__in=CASEWORK_ROLES).values("organisation_id")
        worked = Idea.objects.workable_by(user).exclude(sluice=None).values("sluice_id")
        participating = Sluice.organisations.through.objects.filter(
            sluice_id=OuterRef("pk"), organisation_id__in=casework
        )
        member_of = SluiceMembership.objects.active().filter(sluice_id=OuterRef("pk"), organisation__in=casework)
        return self.filter(
            Q(lead_organisation__in=casework) | Exists(participating) | Q(pk__in=worked) | Exists(member_of)
        )


class Sluice(models.Model):
    """A stage-gate pipeline for ideas, led by one organisation. A *shared* sluice (Skaraborg's
    model) has member organisations (`SluiceMembership`): ideas to any active member land in it,
    each member's own staff triage them first, then its stages and criteria apply to all
    (docs/shared-sluices.md)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_sluices", verbose_name=_("lead organisation")
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="sluices", verbose_name=_("participating organisations")
    )
    description = models.TextField(_("description"), blank=True)
    shared = models.BooleanField(
        _("shared by several organisations"),
        default=False,
        help_text=_("Ideas to every member organisation land in this sluice."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SluiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("idea sluice")
        verbose_name_plural = _("idea sluices")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def create_default(cls, *, lead_organisation: Organisation, name: str = "", slug: str = "") -> Sluice:
        """A sluice with the default pipeline (Received → … → Spread, and Closed) and criteria."""
        sluice = cls.objects.create(
            lead_organisation=lead_organisation,
            name=name or str(lead_organisation),
            slug=slug or f"{lead_organisation.slug}-ideas",
        )
        sluice.organisations.add(lead_organisation)
        Stage.objects.bulk_create(
            Stage(sluice=sluice, kind=kind, position=i, is_final=final)
            for i, (kind, final) in enumerate(DEFAULT_STAGES)
        )
        Criterion.objects.bulk_create(
            Criterion(sluice=sluice, kind=kind, position=i) for i, kind in enumerate(CRITERION_HELP)
        )
        return sluice

    def first_stage(self) -> Stage:
        return self.stages.order_by("position")[0]


class SluiceMembershipStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Member")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")
    REMOVED = "removed", _("Removed by the lead")
    WITHDRAWN = "withdrawn", _("Invitation withdrawn")


class SluiceMembershipQuerySet(models.QuerySet["SluiceMembership"]):
    def active(self) -> SluiceMembershipQuerySet:
        return self.filter(status=SluiceMembershipStatus.ACTIVE)

    def open(self) -> SluiceMembershipQuerySet:
        """Invited or active: the rows an organisation cannot hold twice in one sluice."""
        return self.filter(status__in=SluiceMembership.OPEN)

    def current_or_former(self) -> SluiceMembershipQuerySet:
        """Active members and those that left or were removed: whose ideas are in the sluice."""
        return self.filter(status__in=SluiceMembership.JOINED)


class SluiceMembership(models.Model):
    """An organisation's membership of a shared sluice: invited by the lead, accepted (active)
    or declined by the organisation's administrators, and ended when it leaves. A row is never
    deleted, so who was a member when stays; a new invitation after leaving is a new row. The
    lead may withdraw an invitation or remove a member (`ended_by` says who).

    An organisation is an active member of at most one shared sluice, so an idea's sluice is
    never in doubt. The lead organisation is an active member of its own shared sluice."""

    Status = SluiceMembershipStatus
    OPEN = (SluiceMembershipStatus.INVITED, SluiceMembershipStatus.ACTIVE)
    JOINED = (SluiceMembershipStatus.ACTIVE, SluiceMembershipStatus.LEFT, SluiceMembershipStatus.REMOVED)

    sluice = models.ForeignKey(Sluice, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("sluice"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sluice_memberships", verbose_name=_("organisation")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )

    objects = SluiceMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("sluice membership")
        verbose_name_plural = _("sluice memberships")
        ordering = ["organisation__name", "-invited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sluice", "organisation"],
                condition=Q(status__in=["invited", "active"]),
                name="ideas_sluice_membership_open_once",
            ),
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(status="active"), name="ideas_one_active_shared_sluice"
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(joined_at__isnull=False), name="ideas_sluice_membership_joined"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["left", "removed"]) | Q(left_at__isnull=False, joined_at__isnull=False),
                name="ideas_sluice_membership_left",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.sluice}"

    @property
    def is_lead(self) -> bool:
        return self.organisation_id == self.sluice.lead_organisation_id


class Stage(models.Model):
    """One stage of a sluice's pipeline. Default stages have a `kind` and a translated label."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        SCREENING = "screening", _("Screening")
        CONCEPT = "concept", _("Concept")
        PILOT = "pilot", _("Pilot")
        IMPLEMENTATION = "implementation", _("Implementation")
        SPREAD = "spread", _("Spread")
        CLOSED = "closed", _("Closed")
        CUSTOM = "custom", _("Custom")

    sluice = models.ForeignKey(Sluice, on_delete=models.CASCADE, related_name="stages", verbose_name=_("sluice"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CUSTOM)
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("Only for custom stages."))
    position = models.PositiveSmallIntegerField(_("position"))
    is_final = models.BooleanField(_("ends the process"), default=False)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["sluice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sluice", "position"], name="ideas_stage_unique_position"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.kind != self.Kind.CUSTOM or not self.name:
            return str(self.Kind(self.kind).label)
        return self.name

    # The stage rules of a gate decision. `stages` (the sluice's, by position) saves the query
    # when the caller has them already.

    def sluice_stages(self) -> list[Stage]:
        return list(Stage.objects.filter(sluice_id=self.sluice_id).order_by("position"))

    def next_stage(self, stages: list[Stage] | None = None) -> Stage | None:
        """The stage a Go leads to: the next one by position that is not Closed."""
        return next(
            (
                s
                for s in (self.sluice_stages() if stages is None else stages)
                if s.position > self.position and s.kind != Stage.Kind.CLOSED
            ),
            None,
        )

    def recycle_targets(self, stages: list[Stage] | None = None) -> list[Stage]:
        """Stages a Recycle may send the idea back to: earlier, not final."""
        return [
            s
            for s in (self.sluice_stages() if stages is None else stages)
            if s.position < self.position and not s.is_final
        ]

    def allowed_outcomes(self, stages: list[Stage] | None = None) -> list[str]:
        """From a final stage only Recycle (reopening) is possible."""
        stages = self.sluice_stages() if stages is None else stages
        can_recycle = bool(self.recycle_targets(stages))
        if self.is_final:
            return [str(GateDecision.Outcome.RECYCLE)] if can_recycle else []
        outcomes: list[str] = [GateDecision.Outcome.GO, GateDecision.Outcome.KILL, GateDecision.Outcome.HOLD]
        if self.next_stage(stages) is None:
            outcomes.remove(GateDecision.Outcome.GO)
        if can_recycle:
            outcomes.append(GateDecision.Outcome.RECYCLE)
        return outcomes

    def closed_stage(self) -> Stage | None:
        """Where a Kill leads: the sluice's Closed stage."""
        return Stage.objects.filter(sluice_id=self.sluice_id, kind=Stage.Kind.CLOSED).first()


#: The stages the public filters by: the default kinds, and every custom stage together.
PUBLIC_STAGE_LABELS = {
    **{kind.value: kind.label for kind in Stage.Kind if kind != Stage.Kind.CUSTOM},
    Stage.Kind.CUSTOM.value: _("Other stages"),
}


class Criterion(models.Model):
    """A gate criterion scored at decisions. The standard ones (need, feasibility, effect, cost)
    have a `kind` whose name and help text are translated at display, as standard stages are;
    a custom criterion has the name and description its coordinator gave."""

    Kind = CriterionKind

    sluice = models.ForeignKey(Sluice, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("sluice"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CUSTOM)
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("Only for custom criteria."))
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["sluice", "position", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The criterion's name in the active language (a custom one's as given)."""
        if self.kind != self.Kind.CUSTOM or not self.name:
            return str(self.Kind(self.kind).label)
        return self.name

    @property
    def help_text(self) -> str:
        """What the criterion asks, in the active language (a custom one's description as given)."""
        if self.kind != self.Kind.CUSTOM:
            return str(CRITERION_HELP[self.Kind(self.kind)])
        return self.description


class Tag(models.Model):
    """A category: free tags, and the 17 Agenda 2030 goals (kind sdg, number 1–17)."""

    class Kind(models.TextChoices):
        TOPIC = "topic", _("Topic")
        SDG = "sdg", _("Agenda 2030 goal")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TOPIC)
    number = models.PositiveSmallIntegerField(_("goal number"), null=True, blank=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=120)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=120, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["kind", "number", "name_sv"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language, falling back to Swedish."""
        language = (get_language() or "sv")[:2]
        name = str(getattr(self, f"name_{language}", "") or self.name_sv)
        return f"{self.number}. {name}" if self.kind == self.Kind.SDG and self.number else name


class Audience(models.TextChoices):
    """Who an idea is for."""

    RESIDENTS = "residents", _("Residents")
    BUSINESSES = "businesses", _("Businesses and entrepreneurs")
    EMPLOYEES = "employees", _("Employees of the municipality")
    VISITORS = "visitors", _("Visitors and tourists")
    YOUNG = "young", _("Children and young people")
    ELDERLY = "elderly", _("Older people")
    ASSOCIATIONS = "associations", _("Associations and civil society")
    OTHER = "other", _("Other")


class Currency(models.TextChoices):
    SEK = "SEK", _("Swedish krona (SEK)")
    NOK = "NOK", _("Norwegian krone (NOK)")


def _casework_scope(user: Any) -> tuple[models.QuerySet[Any], models.QuerySet[Any]] | None:
    """The organisations whose ideas `user` works, as subqueries: (casework roles anywhere,
    deciding roles in a verified region). None for anonymous people and staff, who need none."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "is_staff", False):
        return None
    casework = Membership.objects.filter(user=user, role__in=CASEWORK_ROLES).values("organisation_id")
    regional = Membership.objects.filter(
        user=user, role__in=DECIDING_ROLES, organisation__verified_kind=Organisation.Kind.REGION
    ).values("organisation_id")
    return casework, regional


def _served_by(regions: models.QuerySet[Any]) -> Exists:
    """The idea's municipality is verified as served by one of `regions` (an EXISTS on the
    served-municipalities table, so no join multiplies the ideas and no DISTINCT is needed)."""
    served = Organisation.verified_serves.through.objects.filter(
        municipality_id=OuterRef("municipality_id"), organisation_id__in=regions
    )
    return Exists(served)


def _shared_sluices_of(organisations: Any) -> models.QuerySet[Any]:
    """Ids of the shared sluices where one of `organisations` is an active member (the lead
    included): their ideas past local triage are worked without personal data."""
    return (
        SluiceMembership.objects.active()
        .filter(organisation__in=organisations, sluice__shared=True)
        .values("sluice_id")
    )


#: Sort keys of the inbox (page, API and exports) and their ordering.
INBOX_SORTS = {
    "newest": "-created_at",
    "oldest": "created_at",
    "updated": "-updated_at",
    "stage": "stage__position",
    "municipality": "municipality__name",
    "title": "title",
}


class IdeaQuerySet(models.QuerySet["Idea"]):
    def with_supporter_count(self) -> IdeaQuerySet:
        """Annotate `supporters`: distinct supporters counted once over the idea's duplicate group
        (the original and its active duplicates); a duplicate shows its original's figure.

        Reads the stored `Idea.supporter_total` (kept by `services.supporters`), so a page costs
        no query per row and the most supported ideas sort on a column."""
        return self.annotate(supporters=F("supporter_total"))

    def public(self) -> IdeaQuerySet:
        """Ideas anyone may see (title, description, municipality, stage, public answers)."""
        return self.filter(withdrawn_at=None)

    def browse(
        self,
        *,
        municipality: Municipality | None = None,
        country: str = "",
        stage: str = "",
        tags: list[Tag] | tuple[Tag, ...] = (),
        text: str = "",
        sort: str = "newest",
    ) -> IdeaQuerySet:
        """Public browsing (the list page, its Atom feed and the public API): public ideas
        narrowed by municipality, country ("SE"/"NO"), stage kind (ideas without a sluice are
        "received"), every tag in `tags` (a category, an Agenda 2030 goal) and full text,
        sorted "newest" or "supported" (most supporters first). Supporters are annotated."""
        ideas = self.public().with_supporter_count()
        if municipality is not None:
            ideas = ideas.filter(municipality=municipality)
        if country:
            ideas = ideas.filter(municipality__country=country)
        if stage == Stage.Kind.RECEIVED:
            ideas = ideas.filter(Q(stage__kind=stage) | Q(stage=None))
        elif stage:
            ideas = ideas.filter(stage__kind=stage)
        for tag in tags:
            ideas = ideas.filter(pk__in=Idea.tags.through.objects.filter(tag=tag).values("idea_id"))
        if text.strip():
            ideas = ideas.search(text)
        if sort == "supported":
            return ideas.order_by(F("supporters").desc(), "-created_at", "-pk")
        return ideas.order_by("-created_at", "-pk")

    def with_public_outcome(self) -> IdeaQuerySet:
        """Annotate `public_outcome` and `public_outcome_at`: the latest gate decision made
        public (an internal decision is never shown; the stage an idea is in is)."""
        latest = GateDecision.objects.filter(idea=OuterRef("pk"), is_public=True).order_by("-decided_at", "-pk")
        return self.annotate(
            public_outcome=Subquery(latest.values("outcome")[:1]),
            public_outcome_at=Subquery(latest.values("decided_at")[:1]),
        )

    def stage_counts(self) -> list[dict[str, Any]]:
        """[{"kind", "label", "count"}] of these ideas per stage kind, in pipeline order, in one
        query; an idea without a sluice counts as received, custom stages as "custom"."""
        kind = Coalesce("stage__kind", Value(Stage.Kind.RECEIVED.value), output_field=CharField())
        rows = dict(self.order_by().annotate(_kind=kind).values_list("_kind").annotate(n=models.Count("pk")))
        return [
            {"kind": value, "label": PUBLIC_STAGE_LABELS[value], "count": rows[value]}
            for value in PUBLIC_STAGE_LABELS
            if rows.get(value)
        ]

    def workable_by(self, user: Any) -> IdeaQuerySet:
        """Ideas the user does casework on: as admin/coordinator/adviser of the receiving
        organisation or of an accepted co-developing organisation, or as coordinator of a
        region organisation verified to serve the idea's municipality (claims give nothing; see
        Organisation). Staff work on everything."""
        scope = _casework_scope(user)
        if scope is None:
            return self.all() if getattr(user, "is_staff", False) else self.none()
        casework, regional = scope
        return self.filter(
            Q(receiving_organisation__in=casework)
            | Exists(
                Participant.objects.filter(
                    idea=OuterRef("pk"), organisation__in=casework, status=Participant.Status.ACCEPTED
                )
            )
            | _served_by(regional)
            | Q(shared_at__isnull=False, sluice_id__in=_shared_sluices_of(casework))
        )

    def shared_inbox(self, sluice: Sluice | int, organisation: Organisation | int) -> IdeaQuerySet:
        """What a member organisation sees in its shared sluice's inbox: every idea in the shared
        process, and its own ideas still in local triage."""
        sluice_id = sluice if isinstance(sluice, int) else sluice.pk
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        return self.filter(sluice_id=sluice_id).filter(Q(shared_at__isnull=False) | Q(receiving_organisation_id=org_id))

    def fully_workable_by(self, user: Any) -> IdeaQuerySet:
        """Ideas the user works for the receiving side, with the personal data: casework roles in
        the receiving organisation, coordinators of a region verified to serve the municipality,
        and staff. `workable_by` minus these are the ideas the user works only as a co-developing
        partner: no personal data, no speaking for the idea (docs/partner-privacy.md)."""
        scope = _casework_scope(user)
        if scope is None:
            return self.all() if getattr(user, "is_staff", False) else self.none()
        casework, regional = scope
        return self.filter(Q(receiving_organisation__in=casework) | _served_by(regional))

    def with_full_casework(self, user: Any) -> IdeaQuerySet:
        """Annotate `full_casework`: whether the user works the idea for the receiving side
        (`fully_workable_by`), which `Idea.visible_assignee` and `access_for` read."""
        full = Idea.objects.fully_workable_by(user).filter(pk=OuterRef("pk"))
        return self.annotate(full_casework=Exists(full))

    def for_organisation(self, organisation: Organisation | int) -> IdeaQuerySet:
        """The organisation's inbox: ideas it received and ideas it co-develops (accepted).
        A subquery, not a join, so counts and aggregates over the result stay correct."""
        org_id = organisation if isinstance(organisation, int) else organisation.pk
        codeveloped = Participant.objects.filter(organisation_id=org_id, status=Participant.Status.ACCEPTED)
        return self.filter(Q(receiving_organisation_id=org_id) | Q(pk__in=codeveloped.values("idea_id")))

    def in_region(self, region: Organisation | int) -> IdeaQuerySet:
        """Ideas concerning any municipality the (region) organisation is verified to serve."""
        org_id = region if isinstance(region, int) else region.pk
        served = Organisation.verified_serves.through.objects.filter(organisation_id=org_id).values("municipality_id")
        return self.filter(municipality_id__in=served)

    def inbox_filtered(
        self,
        *,
        user: Any = None,
        stage: Stage | int | None = None,
        municipality: Municipality | int | None = None,
        tag: Tag | int | None = None,
        assignee: str = "",
        older_than_days: int | None = None,
        text: str = "",
        include_withdrawn: bool = False,
        sort: str = "newest",
    ) -> IdeaQuerySet:
        """The inbox filters, shared by the page, the API and the export job. Every filter also
        takes an id, so a job can rebuild the same list from JSON (`InboxFilterForm.params`).
        `assignee` is "", "none", "me" or a user id (it filters only ideas `user` works for the
        receiving side); unknown sort keys fall back to newest first."""
        ideas: IdeaQuerySet = self.all()
        if not include_withdrawn:
            ideas = ideas.filter(withdrawn_at=None)
        if stage:
            ideas = ideas.filter(stage=stage)
        if municipality:
            ideas = ideas.filter(municipality=municipality)
        if tag:
            ideas = ideas.filter(pk__in=Idea.tags.through.objects.filter(tag=tag).values("idea_id"))
        if assignee:
            # Who is responsible is the receiving side's business: a partner's filter on it finds
            # nothing among the ideas it only co-develops.
            ideas = ideas.filter(pk__in=Idea.objects.fully_workable_by(user).values("pk"))
        if assignee == "none":
            ideas = ideas.filter(assignee=None)
        elif assignee == "me":
            ideas = ideas.filter(assignee=user if getattr(user, "pk", None) else None)
        elif database_id(assignee) is not None:
            ideas = ideas.filter(assignee_id=database_id(assignee))
        if older_than_days:
            ideas = ideas.filter(created_at__lt=timezone.now() - timedelta(days=older_than_days))
        if text.strip():
            ideas = ideas.search(text)
        return ideas.order_by(INBOX_SORTS.get(sort or "newest", "-created_at"), "-pk")

    def search(self, text: str) -> IdeaQuerySet:
        """Full-text search over title, description and reference.

        PostgreSQL: a full-text query on the stored `search_vector` (title, description and
        reference; Swedish ideas stemmed as Swedish, Norwegian as Norwegian, others word for
        word), so "stationen" finds "station" and a word is never found inside another; OR a
        reference match. SQLite (development, tests): case-insensitive contains for every word."""
        from django.db import connection

        text = text.strip()[:200]
        if not text:
            return self
        by_reference = Q(reference__iexact=text)
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery

            # The stored vector (GIN-indexed, kept by a trigger: migration 0008) is built with
            # the idea's language's configuration; the words sought are stemmed in each of them.
            query = SearchQuery(text, config="swedish", search_type="websearch")
            for config in ("norwegian", "simple"):
                query |= SearchQuery(text, config=config, search_type="websearch")
            return self.filter(Q(search_vector=query) | by_reference)
        words = Q()
        for word in text.split()[:10]:
            words &= Q(title__icontains=word) | Q(description__icontains=word) | Q(reference__icontains=word)
        return self.filter(words | by_reference)


class Idea(models.Model):
    """A submitted idea. `version` guards against lost updates (optimistic locking)."""

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    language = models.CharField(_("language"), max_length=5, blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("municipality")
    )
    receiving_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_ideas",
        verbose_name=_("receiving organisation"),
    )
    sluice = models.ForeignKey(
        Sluice, on_delete=models.PROTECT, null=True, blank=True, related_name="ideas", verbose_name=_("sluice")
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="ideas", verbose_name=_("stage")
    )
    stage_entered_at = models.DateTimeField(_("in this stage since"), null=True, blank=True)
    #: In a shared sluice, when the receiving organisation's own staff passed the idea on to the
    #: shared process (local triage first); None before, and for ideas in an unshared sluice.
    shared_at = models.DateTimeField(_("passed on to the shared sluice"), null=True, blank=True)
    audience = models.CharField(_("who it is for"), max_length=20, choices=Audience.choices, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="ideas", verbose_name=_("tags"))

    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_ideas",
        verbose_name=_("submitted by"),
    )
    submitter_name = models.CharField(_("submitter's name"), max_length=200, blank=True)
    submitter_email = models.EmailField(_("submitter's e-mail"), blank=True)
    consent_text = models.TextField(_("consent given"), blank=True)
    consented_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    notify_submitter = models.BooleanField(_("e-mail the submitter about changes"), default=True)
    status_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    anonymised_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_ideas",
        verbose_name=_("responsible person"),
    )
    budget = models.DecimalField(_("development budget"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.SEK)

    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    #: Distinct confirmed supporters over the idea's duplicate group, the same figure on every
    #: member of the group (`services.supporters`). Kept in the transaction of every change of a
    #: support or a duplicate link by `services.supporters.recount`, and recounted nightly.
    supporter_total = models.PositiveIntegerField(_("supporters"), default=0, editable=False)
    #: PostgreSQL only: the full-text vector of title, description and reference in the idea's
    #: language's configuration, kept by a trigger and GIN-indexed (migration 0008). Unused
    #: (empty) on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = IdeaQuerySet.as_manager()

    #: Columns a full `save()` leaves alone: they are kept by their own statements, and an
    #: instance loaded before a concurrent support would otherwise write back an old figure.
    KEPT_APART = ("supporter_total", "search_vector")

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["receiving_organisation", "-created_at"]),
            models.Index(fields=["municipality", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in self.KEPT_APART and f.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def supporter_count(self) -> int:
        """Distinct supporters over the duplicate group (see `IdeaQuerySet.with_supporter_count`)."""
        annotated = getattr(self, "supporters", None)
        if annotated is not None:
            return int(annotated)
        stored = Idea.objects.filter(pk=self.pk).values_list("supporter_total", flat=True).first()
        return int(stored or 0)

    @property
    def visible_assignee(self) -> Any:
        """The responsible person, for a viewer who works the idea for the receiving side; None
        for a co-developing partner (the other organisation's people are not theirs to see).
        Reads the `full_casework` annotation (`IdeaQuerySet.with_full_casework`); without it, None."""
        return self.assignee if getattr(self, "full_casework", False) else None

    @property
    def stage_label(self) -> str:
        """The stage's name; ideas without a sluice are simply "Received"."""
        return self.stage.label if self.stage_id and self.stage else str(Stage.Kind.RECEIVED.label)

    @property
    def stage_kind(self) -> str:
        return self.stage.kind if self.stage_id and self.stage else Stage.Kind.RECEIVED.value

    @property
    def public_outcome_label(self) -> str:
        """The latest public gate decision in words ("Go", "Hold" ...), or "" if there is none.
        Reads the `public_outcome` annotation (`IdeaQuerySet.with_public_outcome`)."""
        outcome = getattr(self, "public_outcome", None)
        return str(GateDecision.Outcome(outcome).label) if outcome in GateDecision.Outcome.values else ""


def _casework_ideas(user: Any) -> tuple[Any, Any, Any]:
    """Subqueries for the casework querysets below: the ideas the user works for the receiving
    side, the ideas they work at all (also as a partner), and their casework organisations."""
    return (
        Idea.objects.fully_workable_by(user).values("pk"),
        Idea.objects.workable_by(user).values("pk"),
        Membership.objects.filter(user=user, role__in=CASEWORK_ROLES).values("organisation_id"),
    )


def _anyone(user: Any) -> bool | None:
    """True for staff (everything), False for anonymous visitors (nothing), else None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return True if getattr(user, "is_staff", False) else None


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def seen_in_casework_by(self, user: Any) -> AttachmentQuerySet:
        """Attachments may carry personal data: only for the receiving side, never a partner."""
        anyone = _anyone(user)
        if anyone is not None:
            return self.all() if anyone else self.none()
        full, _workable, _own = _casework_ideas(user)
        return self.filter(idea__in=full)


class Attachment(models.Model):
    """A file attached to an idea: type- and size-checked on upload (at most 10 MB)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("idea"))
    file = models.FileField(_("file"), upload_to="ideas/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class SupportQuerySet(models.QuerySet["Support"]):
    def counted(self) -> SupportQuerySet:
        """Supports that count: an anonymous one once its address is confirmed."""
        return self.filter(confirmed_at__isnull=False)

    def people(self) -> models.QuerySet[Any]:
        """(idea_id, person) pairs, each once. A person is their e-mail address (signed-in
        supports store the account's address too), else their account, so someone who supported
        an original and its duplicate counts once over the group."""
        person = Coalesce(NullIf(Lower("email"), Value("")), Concat(Value("user:"), Cast("user_id", CharField())))
        return self.order_by().annotate(person=person).values_list("idea_id", "person").distinct()

    def expired_unconfirmed(self, now: datetime | None = None) -> SupportQuerySet:
        """Anonymous supports whose confirmation link has expired unused."""
        return self.filter(confirmed_at=None, created_at__lt=(now or timezone.now()) - Support.CONFIRM_MAX_AGE)


class Support(models.Model):
    """Someone backs an idea. Signed-in supporters by user, anonymous ones by e-mail."""

    #: How long the link that confirms an anonymous support works; unconfirmed supports then go.
    CONFIRM_MAX_AGE = timedelta(days=7)

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports", verbose_name=_("idea"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(_("supported"), auto_now_add=True)
    #: An anonymous support counts once its address is confirmed through the link mailed to it
    #: (so supports cannot be stuffed with made-up addresses); a signed-in one at once.
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, default=timezone.now)

    objects = SupportQuerySet.as_manager()

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "user"], name="ideas_support_once_per_user", condition=Q(user__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["idea", "email"], name="ideas_support_once_per_email", condition=~Q(email="")
            ),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(email=""), name="ideas_support_has_supporter"),
        ]

    def __str__(self) -> str:
        return f"+1 {self.idea_id}"


class CommentQuerySet(models.QuerySet["Comment"]):
    def seen_in_casework_by(self, user: Any) -> CommentQuerySet:
        """What a caseworker reads: on ideas worked for the receiving side, everything; on ideas
        worked as a co-developing partner, the public answers and the notes the partner's own
        organisation wrote (never the receiving side's notes nor the submitter's information)."""
        anyone = _anyone(user)
        if anyone is not None:
            return self.all() if anyone else self.none()
        full, workable, own = _casework_ideas(user)
        partner = Q(visibility=Comment.Visibility.PUBLIC) | Q(
            visibility=Comment.Visibility.INTERNAL, author_organisation__in=own
        )
        return self.filter(Q(idea__in=full) | (Q(idea__in=workable) & partner))


class Comment(models.Model):
    """Internal notes (casework only) and public answers (shown to the submitter and the public)."""

    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("Internal note")
        PUBLIC = "public", _("Public answer")
        SUBMITTER = "submitter", _("Information from the submitter")

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments", verbose_name=_("idea"))
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    author_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author's organisation"),
    )
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class GateDecisionQuerySet(models.QuerySet["GateDecision"]):
    def seen_in_casework_by(self, user: Any) -> GateDecisionQuerySet:
        """All decisions for the receiving side; a co-developing partner sees the public ones."""
        anyone = _anyone(user)
        if anyone is not None:
            return self.all() if anyone else self.none()
        full, workable, _own = _casework_ideas(user)
        return self.filter(Q(idea__in=full) | Q(idea__in=workable, is_public=True))


class GateDecision(models.Model):
    """A gate decision (Cooper's Stage-Gate): Go / Kill / Hold / Recycle with rationale and scores."""

    class Outcome(models.TextChoices):
        GO = "go", _("Go")
        KILL = "kill", _("Kill")
        HOLD = "hold", _("Hold")
        RECYCLE = "recycle", _("Recycle")

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("idea"))
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    from_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("from stage"))
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("to stage"))
    rationale = models.TextField(_("rationale"))
    is_public = models.BooleanField(_("show the decision to the submitter and public"), default=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True, db_index=True)

    objects = GateDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("gate decision")
        verbose_name_plural = _("gate decisions")
        ordering = ["decided_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.from_stage} → {self.to_stage}"


class CriterionScore(models.Model):
    decision = models.ForeignKey(GateDecision, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion"))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [
            models.UniqueConstraint(fields=["decision", "criterion"], name="ideas_score_once_per_criterion"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class StageVisit(models.Model):
    """How long an idea spent in a stage (for the dashboard's time-in-stage figures)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="stage_visits")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="visits")
    entered_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["entered_at"]

    def __str__(self) -> str:
        return f"{self.idea_id} in {self.stage_id} from {self.entered_at:%Y-%m-%d}"


class TimelineQuerySet(models.QuerySet["Event"]):
    def seen_in_casework_by(self, user: Any) -> TimelineQuerySet:
        """The timeline a caseworker reads: everything for the receiving side; for a
        co-developing partner the public events, the co-development's own events and the notes
        its organisation wrote (no assignments, internal decisions, submitter's additions)."""
        anyone = _anyone(user)
        if anyone is not None:
            return self.all() if anyone else self.none()
        full, workable, _own = _casework_ideas(user)
        own_notes = Comment.objects.seen_in_casework_by(user).filter(visibility=Comment.Visibility.INTERNAL)
        partner = (
            Q(is_public=True)
            | Q(kind__in=Event.CODEVELOPMENT_KINDS)
            | Q(kind=Event.Kind.NOTE, _note__in=own_notes.values("pk"))
        )
        note = Cast(KeyTextTransform("comment", "data"), models.BigIntegerField())
        return self.annotate(_note=note).filter(Q(idea__in=full) | (Q(idea__in=workable) & partner))


class Event(models.Model):
    """The idea's timeline: every step, public or internal, in order."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        INFO_ADDED = "info_added", _("Information added by the submitter")
        STAGE_CHANGED = "stage_changed", _("Moved to another stage")
        DECISION = "decision", _("Gate decision")
        ANSWERED = "answered", _("Public answer")
        NOTE = "note", _("Internal note")
        ASSIGNED = "assigned", _("Responsible person changed")
        EDITED = "edited", _("Edited")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ANONYMISED = "anonymised", _("Personal data removed")
        DUPLICATE_LINKED = "duplicate_linked", _("Marked as duplicate")
        DUPLICATE_UNLINKED = "duplicate_unlinked", _("Duplicate link removed")
        PARTICIPANT_INVITED = "participant_invited", _("Organisation invited to co-develop")
        PARTICIPANT_JOINED = "participant_joined", _("Organisation joined co-development")
        COSTS_CHANGED = "costs_changed", _("Cost shares changed")
        SUPPORTED = "supported", _("Supported")
        SHARED = "shared", _("Passed on to the shared sluice")

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="events", verbose_name=_("idea"))
    kind = models.CharField(_("what"), max_length=24, choices=Kind.choices)
    is_public = models.BooleanField(_("public"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    #: What a co-developing partner reads of the internal timeline besides its own notes.
    CODEVELOPMENT_KINDS = (Kind.PARTICIPANT_INVITED, Kind.PARTICIPANT_JOINED, Kind.COSTS_CHANGED, Kind.SHARED)

    objects = TimelineQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.idea_id} {self.kind}"

    @property
    def from_stage_label(self) -> str:
        return self._stage_label("from")

    @property
    def to_stage_label(self) -> str:
        return self._stage_label("to")

    def _stage_label(self, side: str) -> str:
        """A default stage is named in the reader's language (its kind is stored), a custom
        stage by the name it had; older events only have the name."""
        kind = self.data.get(f"{side}_kind")
        if kind in Stage.Kind.values and kind != Stage.Kind.CUSTOM:
            return str(Stage.Kind(kind).label)
        return str(self.data.get(f"{side}_stage", ""))


class DuplicateLink(models.Model):
    """`duplicate` is the same idea as `original`. Reversible: removing sets `removed_at`."""

    duplicate = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="duplicate_links", verbose_name=_("duplicate")
    )
    original = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="duplicated_by_links", verbose_name=_("original")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("linked by")
    )
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)
    removed_at = models.DateTimeField(_("unlinked"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unlinked by"),
    )

    class Meta:
        verbose_name = _("duplicate link")
        verbose_name_plural = _("duplicate links")
        constraints = [
            models.UniqueConstraint(
                fields=["duplicate"], condition=Q(removed_at__isnull=True), name="ideas_one_active_original"
            ),
            models.CheckConstraint(condition=~Q(duplicate=models.F("original")), name="ideas_not_own_duplicate"),
        ]

    def __str__(self) -> str:
        return f"{self.duplicate_id} = {self.original_id}"


class DuplicateCandidate(models.Model):
    """A pair the similarity engine found above the threshold, computed in the background."""

    class Judgement(models.TextChoices):
        PENDING = "pending", _("Not judged yet")
        DUPLICATE = "duplicate", _("Same idea")
        DISTINCT = "distinct", _("Different ideas")

    idea_a = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+", verbose_name=_("one idea"))
    idea_b = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+", verbose_name=_("other idea"))
    score = models.FloatField(_("similarity"))
    computed_at = models.DateTimeField(_("found"), auto_now=True)
    judgement = models.CharField(_("judgement"), max_length=10, choices=Judgement.choices, default=Judgement.PENDING)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("judged by"),
    )
    judged_at = models.DateTimeField(_("judged"), null=True, blank=True)

    class Meta:
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        constraints = [
            models.UniqueConstraint(fields=["idea_a", "idea_b"], name="ideas_candidate_unique_pair"),
            models.CheckConstraint(condition=Q(idea_a__lt=models.F("idea_b")), name="ideas_candidate_ordered_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_a_id} ~ {self.idea_b_id} ({self.score:.2f})"


class ParticipantRole(models.TextChoices):
    """A co-developing organisation's part. Named apart from accounts' Role (a member's role),
    so the OpenAPI document has two enums instead of one name for both."""

    LEAD = "lead", _("Lead")
    PARTNER = "partner", _("Partner")


class ParticipantStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Taking part")
    DECLINED = "declined", _("Declined")


class Participant(models.Model):
    """An organisation co-developing an idea, with its role and share of the cost (percent)."""

    Role = ParticipantRole
    Status = ParticipantStatus

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="participants", verbose_name=_("idea"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="idea_participations", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.PARTNER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    cost_share = models.DecimalField(
        _("cost share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)

    class Meta:
        verbose_name = _("co-developing organisation")
        verbose_name_plural = _("co-developing organisations")
        ordering = ["-role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "organisation"], name="ideas_participant_once"),
            models.UniqueConstraint(fields=["idea"], condition=Q(role="lead"), name="ideas_one_lead"),
        ]

    def __str__(self) -> str:
        share = formats.number_format(self.cost_share, decimal_pos=2, use_l10n=True)
        return f"{self.organisation} ({self.get_role_display()}, {share} %)"


class ExportQuerySet(models.QuerySet["Export"]):
    def of(self, user: Any) -> ExportQuerySet:
        """The exports a person may see and download: only their own (a list may hold names of
        the people responsible and what a filter for one person found; colleagues ask again)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(requester=user)

    def unfinished(self) -> ExportQuerySet:
        return self.filter(status__in=[Export.Status.QUEUED, Export.Status.RUNNING])

    def expired(self, now: datetime | None = None) -> ExportQuerySet:
        return self.filter(expires_at__lte=now or timezone.now())


class Export(models.Model):
    """A large download built by a background job (`services.exports`), offered to the person
    who asked for it until it expires. `filters` are the inbox filters as JSON
    (`InboxFilterForm.params`): the job rebuilds the list from them with the requester's access
    as it is when the job runs."""

    class Kind(models.TextChoices):
        INBOX = "inbox", _("Inbox")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INBOX)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10)
    #: sha256 of kind, organisation, filters and language: one unfinished export per person and list
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "fingerprint"],
                condition=Q(status__in=["queued", "running"]),
                name="ideas_export_one_unfinished",
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("ideas-export-detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == self.Status.READY else 0
        return min(100, self.rows_done * 100 // self.rows_total)
