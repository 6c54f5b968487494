"""Equal-terms statistics (the 4R method's representation and resources) over the support log.

The app has one table of its own: the reference shares a dashboard compares with (e.g. women
among the company leaders of the region, from SCB or SSB), set by an organisation's
administrators and coordinators. Every figure itself is computed from `framja.support`'s
efforts and their snapshots in `stats.py`, under the disclosure rules of `framja.disclosure`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from framja.accounts.models import Organisation
from framja.support.models import AgeBand, ForeignBackground, Gender, LeadershipTeam


class Dimension(models.TextChoices):
    """What a table classifies clients by: one snapshot field of the effort each."""

    GENDER = "gender", _("Gender")
    LEADERSHIP = "leadership", _("Leadership team")
    AGE_BAND = "age_band", _("Age band")
    BACKGROUND = "background", _("Foreign background")


#: The effort's snapshot field and the categories of each dimension, in the tables' order.
SNAPSHOT_FIELD = {
    Dimension.GENDER: "snapshot_gender",
    Dimension.LEADERSHIP: "snapshot_leadership_team",
    Dimension.AGE_BAND: "snapshot_age_band",
    Dimension.BACKGROUND: "snapshot_foreign_background",
}
CATEGORIES: dict[str, type[models.TextChoices]] = {
    Dimension.GENDER: Gender,
    Dimension.LEADERSHIP: LeadershipTeam,
    Dimension.AGE_BAND: AgeBand,
    Dimension.BACKGROUND: ForeignBackground,
}
#: The category of efforts whose snapshot holds no value (no consent, or a company without a
#: recorded leader); the empty snapshot value in the database.
UNKNOWN = "unknown"


def category_choices(dimension: str) -> list[tuple[str, Any]]:
    return [*CATEGORIES[dimension].choices, (UNKNOWN, _("Not recorded"))]


def category_label(dimension: str, category: str) -> str:
    return str(dict(category_choices(dimension)).get(category, category))


class ReferenceShareQuerySet(models.QuerySet["ReferenceShare"]):
    def for_organisation(self, organisation: Organisation) -> ReferenceShareQuerySet:
        """The organisation's own reference shares and those of the regions verified to serve its
        municipality (the organisation's own win where both give one: `reference_map`)."""
        regions = Organisation.objects.filter(
            verified_kind=Organisation.Kind.REGION, verified_serves=organisation.municipality_id
        ).values("pk")
        if organisation.municipality_id is None:
            return self.filter(organisation=organisation)
        return self.filter(Q(organisation=organisation) | Q(organisation__in=regions))

    def reference_map(self, organisation: Organisation) -> dict[tuple[str, str], ReferenceShare]:
        """(dimension, category) -> the reference share that applies to the organisation."""
        found: dict[tuple[str, str], ReferenceShare] = {}
        for share in self.for_organisation(organisation).order_by("pk"):
            key = (share.dimension, share.category)
            if key not in found or share.organisation_id == organisation.pk:
                found[key] = share
        return found


class ReferenceShare(models.Model):
    """The share one category has in a reference population, e.g. women among the company
    leaders of the region: the figure the dashboard sets each share beside, with the gap."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="reference_shares", verbose_name=_("organisation")
    )
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    category = models.CharField(_("category"), max_length=20)
    share = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    period = models.CharField(_("period"), max_length=50, blank=True, help_text=_("The year the figure describes."))
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where the figure comes from, e.g. SCB, table and year.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReferenceShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("reference share")
        verbose_name_plural = _("reference shares")
        ordering = ["dimension", "category", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "dimension", "category"],
                name="equality_reference_share_unique",
                violation_error_message=_("This organisation already has a reference share for this category."),
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=100), name="equality_reference_share_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_dimension_display()}: {self.category_label} {self.share} %"

    @property
    def category_label(self) -> str:
        return category_label(self.dimension, self.category)

    def clean(self) -> None:
        if self.dimension in CATEGORIES and self.category not in dict(category_choices(self.dimension)):
            raise ValidationError(
                {"category": ValidationError(_("Choose a category of the dimension."), code="invalid")}
            )
