"""Official code lists: counties/fylker, municipalities/kommuner and SNI 2007.

Codes are strings (leading zeros matter). A municipality code is unique only within its
country: "1860" is both Laxå (SE) and Vestvågøy (NO).

Names are searched through a stored `search_key`: the names folded to lower-case ASCII
(`fold`), so "ostersund" finds Östersund and "tromso" Tromsø on SQLite and PostgreSQL alike,
without database extensions.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    SWEDEN = "SE", _("Sweden")
    NORWAY = "NO", _("Norway")


# Letters that Unicode does not decompose into base letter + accent.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "đ": "d", "ŋ": "n", "ŧ": "t", "ß": "ss", "ł": "l", "ð": "d", "þ": "th"})
_NOT_WORD = re.compile(r"[^a-z0-9|]+")
#: Longest text that is folded; names are short and a bounded input keeps every query cheap.
MAX_QUERY_LENGTH = 100
#: Separates the several names of one row inside its search key.
KEY_SEPARATOR = " | "


def fold(text: str) -> str:
    """Lower-case ASCII with single spaces: "Malung-Sälen" -> "malung salen", "Tromsø" -> "tromso".

    Used for both the stored keys and the queries, so they always meet. Control characters,
    punctuation and anything else outside a-z/0-9 become spaces.
    """
    text = unicodedata.normalize("NFKD", text[: MAX_QUERY_LENGTH * 2].casefold()).translate(_LETTERS)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(_NOT_WORD.sub(" ", text.replace("|", " ")).split())


def search_key(*names: str) -> str:
    """The stored search key of a row with these names (the display name first)."""
    return KEY_SEPARATOR.join(folded for folded in (fold(name) for name in names if name) if folded)


_QS = TypeVar("_QS", bound=models.QuerySet[Any])


def _ranked(qs: _QS, folded: str) -> _QS:
    """Rows whose key contains `folded`: exact name, then name prefix, then word prefix, then the rest."""
    return qs.filter(search_key__contains=folded).annotate(
        match_rank=Case(
            When(Q(search_key=folded) | Q(search_key__startswith=folded + KEY_SEPARATOR), then=Value(0)),
            When(search_key__startswith=folded, then=Value(1)),
            When(search_key__contains=f" {folded}", then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    )


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

    @property
    def qualified_code(self) -> str:
        return f"{self.country}-{self.code}"


_QUALIFIED_CODE = re.compile(r"(?:(?P<country>[A-Za-z]{2})\s*[-:]?\s*)?(?P<code>[0-9]{4})")
#: A code or code prefix in a search, optionally country-qualified: "23", "SE-23", "no 5001".
_CODE_QUERY = re.compile(r"(?:(?P<country>SE|NO)\s*[-:]?\s*)?(?P<code>[0-9]{1,4})", re.IGNORECASE)


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def search(self, text: str) -> MunicipalityQuerySet:
        """Match by name (any of its names, case- and accent-insensitive) or code prefix.

        Ordered best first: the exact name, names starting with the text, names with a word
        starting with it, then other matches; "SE-23" and "23" match codes starting with 23.
        """
        text = (text or "")[:MAX_QUERY_LENGTH].strip()
        code = _CODE_QUERY.fullmatch(text)
        if code is not None:
            qs = self.filter(code__startswith=code["code"])
            if code["country"]:
                qs = qs.filter(country=code["country"].upper())
            return qs.annotate(match_rank=Value(0)).order_by("country", "code")
        folded = fold(text)
        if not folded:
            return self
        return _ranked(self, folded).order_by("match_rank", "name", "country")

    def matching(self, q: str = "", *, country: str | None = None, county: str | None = None) -> MunicipalityQuerySet:
        """What the API and the autocomplete answer: `search(q)` within a country and county, county loaded."""
        qs = self.select_related("county")
        if country:
            qs = qs.filter(country=country)
        if county:
            qs = qs.filter(county__code=county)
        return qs.search(q)

    def by_code(self, code: str, country: str | None = None) -> MunicipalityQuerySet:
        """Accept "2303", "SE-2303" or "NO-5001"; a bare ambiguous code matches both countries."""
        code = code.strip().upper()
        if len(code) > 3 and code[2] == "-" and code[:2] in Country.values:
            country, code = code[:2], code[3:]
        qs = self.filter(code=code)
        return qs.filter(country=country) if country else qs

    def lookup(self, code: str, country: str | None = None) -> Municipality:
        """The one municipality a (possibly country-qualified) code names.

        Raises ValidationError (field "code" or "country") for a malformed code, a country that
        contradicts the code's prefix, or a bare code used in both countries (such as "1860");
        raises Municipality.DoesNotExist for a well-formed code that names nothing.
        """
        match = _QUALIFIED_CODE.fullmatch((code or "").strip())
        if match is None:
            raise ValidationError(
                {"code": _("A municipality code has four digits, optionally after SE- or NO-, e.g. 2380 or NO-5001.")},
                code="invalid",
            )
        prefix = (match["country"] or "").upper() or None
        if prefix is not None and prefix not in Country.values:
            raise ValidationError({"code": _("The country prefix must be SE or NO.")}, code="invalid")
        country = (country or "").upper() or None
        if prefix and country and prefix != country:
            raise ValidationError({"country": _("The country contradicts the code's prefix.")}, code="conflict")
        qs = self.select_related("county").filter(code=match["code"])
        if prefix or country:
            qs = qs.filter(country=prefix or country)
        found = list(qs[:2])
        if not found:
            raise Municipality.DoesNotExist(f"No municipality {code!r}")
        if len(found) > 1:
            raise ValidationError(
                {
                    "code": _(
                        "The code %(code)s is used in both Sweden and Norway (%(names)s). "
                        "Write SE-%(code)s or NO-%(code)s, or give the country."
                    )
                    % {"code": match["code"], "names": " / ".join(f"{m.country}: {m.name}" for m in found)}
                },
                code="ambiguous",
            )
        return found[0]


class Municipality(models.Model):
    """A Swedish kommun or a Norwegian kommune (2024 numbering)."""

    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    code = models.CharField(_("code"), max_length=4)
    name = models.CharField(_("name"), max_length=100, help_text=_("The name people use, e.g. Östersund."))
    official_name = models.CharField(_("official name"), max_length=150, blank=True)
    alternative_name = models.CharField(
        _("alternative name"), max_length=150, blank=True, help_text=_("E.g. the Sami name of a Norwegian kommune.")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("county")
    )
    search_key = models.CharField(max_length=400, editable=False, default="")

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["country", "name"]
        constraints = [models.UniqueConstraint(fields=["country", "code"], name="places_municipality_unique_code")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = self.make_search_key()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def make_search_key(self) -> str:
        return search_key(self.name, self.alternative_name, self.official_name)

    @property
    def qualified_code(self) -> str:
        """Country-qualified code, unambiguous across the border (e.g. "SE-1860")."""
        return f"{self.country}-{self.code}"

    @property
    def label(self) -> str:
        """Name with county, telling apart namesakes such as the two Herøy (needs county loaded)."""
        return f"{self.name} ({self.county.name})"


def _localised(obj: SniSection | SniDivision) -> str:
    """Swedish names by default; English where the English UI asks and a name exists."""
    if (get_language() or "sv")[:2] == "en" and obj.name_en:
        return obj.name_en
    return obj.name


class SniSection(models.Model):
    """A section (avdelning) of SNI 2007: a letter A-U, e.g. C Tillverkning."""

    code = models.CharField(_("code"), max_length=1, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("SNI section")
        verbose_name_plural = _("SNI sections")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def display_name(self) -> str:
        return _localised(self)


class SniDivision(models.Model):
    """A division (huvudgrupp) of SNI 2007: two digits, the same as NACE Rev. 2."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    section = models.ForeignKey(
        SniSection, on_delete=models.PROTECT, related_name="divisions", verbose_name=_("section")
    )

    class Meta:
        verbose_name = _("SNI division")
        verbose_name_plural = _("SNI divisions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def display_name(self) -> str:
        return _localised(self)


_SNI_CODE = re.compile(r"[0-9]{2}(?:\.?[0-9]{1,3})?")


class SniCodeQuerySet(models.QuerySet["SniCode"]):
    def search(self, text: str) -> SniCodeQuerySet:
        """Match by code prefix ("62", "62.01", "6201") or by words of the name, best first."""
        text = (text or "")[:MAX_QUERY_LENGTH].strip()
        if _SNI_CODE.fullmatch(text):
            return self.filter(code__startswith=text.replace(".", "")).annotate(match_rank=Value(0))
        folded = fold(text)
        if not folded:
            return self
        return _ranked(self, folded).order_by("match_rank", "code")

    def matching(self, q: str = "", *, section: str | None = None, division: str | None = None) -> SniCodeQuerySet:
        """`search(q)` within a section and division, with division and section loaded."""
        qs = self.select_related("division__section")
        if section:
            qs = qs.filter(division__section__code=section)
        if division:
            qs = qs.filter(division__code=division)
        return qs.search(q)

    def lookup(self, code: str) -> SniCode:
        """The detail group "62010" or "62.010"; ValidationError if malformed, DoesNotExist if unknown."""
        digits = (code or "").strip().replace(".", "")
        if not re.fullmatch(r"[0-9]{5}", digits):
            raise ValidationError({"code": _("An SNI code has five digits, e.g. 62010 or 62.010.")}, code="invalid")
        return self.select_related("division__section").get(code=digits)


class SniCode(models.Model):
    """A detail group (detaljgrupp) of SNI 2007, the five-digit code businesses are registered with."""

    code = models.CharField(_("code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=300)
    division = models.ForeignKey(
        SniDivision, on_delete=models.PROTECT, related_name="codes", verbose_name=_("division")
    )
    search_key = models.CharField(max_length=300, editable=False, default="")

    objects = SniCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("SNI code")
        verbose_name_plural = _("SNI codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.dotted_code} {self.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_key = search_key(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def dotted_code(self) -> str:
        """The official notation with a dot after the division: "62.010"."""
        return f"{self.code[:2]}.{self.code[2:]}"
