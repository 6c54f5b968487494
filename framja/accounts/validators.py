"""Check digits of Swedish and Norwegian organisation numbers.

Swedish organisationsnummer: 10 digits, the last a Luhn check digit over the first nine.
Norwegian organisasjonsnummer: 9 digits, the last a mod-11 check digit with weights 3,2,7,6,5,4,3,2.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-]")


def clean_organisation_number(raw: str) -> str:
    """Strip spaces and dashes: "556036-0793" -> "5560360793"."""
    return _SEPARATORS.sub("", raw or "")


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def mod11_check_digit(first_eight: str) -> int | None:
    """The Norwegian check digit, or None when the remainder makes the number impossible."""
    weights = (3, 2, 7, 6, 5, 4, 3, 2)
    remainder = sum(int(d) * w for d, w in zip(first_eight, weights, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def validate_swedish_organisation_number(value: str) -> None:
    digits = clean_organisation_number(value)
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(_("A Swedish organisation number has 10 digits, e.g. 556036-0793."), code="format")
    if not luhn_is_valid(digits):
        raise ValidationError(_("The check digit of this Swedish organisation number is wrong."), code="checksum")


def validate_norwegian_organisation_number(value: str) -> None:
    digits = clean_organisation_number(value)
    if not re.fullmatch(r"\d{9}", digits):
        raise ValidationError(_("A Norwegian organisation number has 9 digits, e.g. 974760673."), code="format")
    if mod11_check_digit(digits[:8]) != int(digits[8]):
        raise ValidationError(_("The check digit of this Norwegian organisation number is wrong."), code="checksum")


def validate_organisation_number(value: str, country: str) -> None:
    if country == "SE":
        validate_swedish_organisation_number(value)
    elif country == "NO":
        validate_norwegian_organisation_number(value)


def format_organisation_number(number: str, country: str) -> str:
    """The number as people write it: 556036-0793 (SE), 974 760 673 (NO); anything else as stored."""
    if country == "SE" and len(number) == 10:
        return f"{number[:6]}-{number[6:]}"
    if country == "NO" and len(number) == 9:
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    return number
