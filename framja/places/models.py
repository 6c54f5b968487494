"""Official code lists: counties/fylker, municipalities/kommuner and SNI 2007.

Codes are strings (leading zeros matter). A municipality code is unique only within its
country: "1860" is both Laxå (SE) and Vestvågøy (NO).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    SWEDEN = "SE", _("Sweden")
    NORWAY = "NO", _("Norway")


class County(models.Model):
    """A Swedish län or a Norwegian fylke."""

    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    code = models.CharField(_("code"), max_length=2)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("county")
        verbose_name_plural = _("counties")
        ordering = ["country", "code"]
        constraints = [models.UniqueConstraint(fields=["country", "code"], name="places_county_unique_code")]

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def search(self, text: str) -> MunicipalityQuerySet:
        """Match by code prefix or by name (case-insensitive, anywhere in the name)."""
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(code__startswith=text) | Q(name__icontains=text))

    def by_code(self, code: str, country: str | None = None) -> MunicipalityQuerySet:
        """Accept "2303", "SE-2303" or "NO-5001"; a bare ambiguous code matches both countries."""
        code = code.strip().upper()
        if len(code) > 3 and code[2] == "-" and code[:2] in Country.values:
            country, code = code[:2], code[3:]
        qs = self.filter(code=code)
        return qs.filter(country=country) if country else qs


class Municipality(models.Model):
    """A Swedish kommun or a Norwegian kommune (2024 numbering)."""

    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    code = models.CharField(_("code"), max_length=4)
    name = models.CharField(_("name"), max_length=100)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county"))

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["country", "name"]
        constraints = [models.UniqueConstraint(fields=["country", "code"], name="places_municipality_unique_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def qualified_code(self) -> str:
        """Country-qualified code, unambiguous across the border (e.g. "SE-1860")."""
        return f"{self.country}-{self.code}"
