"""Numbers of the equal-terms tables as people read them: a hidden value is the disclosure
library's mark ("–"), shares are percentages with one decimal in the reader's format."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import template
from django.utils.formats import number_format

from framja.disclosure import display

register = template.Library()


@register.filter
def share(value: Fraction | None) -> str:
    return display(value, lambda v: number_format(round(float(v) * 100, 1), 1, use_l10n=True, force_grouping=False))


@register.filter
def points(value: Fraction | None) -> str:
    def render(v: Fraction) -> str:
        text = number_format(round(float(v), 1), 1, use_l10n=True)
        return text if float(v) < 0 else f"+{text}"

    return display(value, render)


@register.filter
def amount(value: Decimal | int | None) -> str:
    if value is None:
        return display(None)
    return number_format(value, 0 if value == int(value) else 1, use_l10n=True, force_grouping=True)


@register.filter
def bar_width(value: Fraction | None) -> int:
    """The bar's width in percent of the track (0 when hidden: the text says "–")."""
    return 0 if value is None else round(float(value) * 100)


@register.filter
def item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)
