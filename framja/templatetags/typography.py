"""How text breaks across lines: `{% load typography %}`.

A browser breaks text after a hyphen, so in a narrow column a reference becomes "IDE-2380-2026-"
above "0004" and a date "2026-03-" above "01" (WCAG 1.4.10 asks pages to reflow at 320 px, not to
tear such codes apart). Markup written in a template puts a code in `<span class="nowrap">`;
this filter does the same inside text that comes whole from elsewhere (an audit entry's object,
a translated sentence with a reference in it).
"""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe

register = template.Library()

# A reference (IDE-2380-2026-0004, any upper-case prefix) or an ISO date with an optional time.
CODE = re.compile(r"\b[A-Z]{2,}(?:-\d+)+\b|\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?\b")


@register.filter(needs_autoescape=True)
def keep_whole(value: Any, autoescape: bool = True) -> SafeString | Any:
    """`value` with each reference and ISO date in a `<span class="nowrap">`, the rest escaped.
    Text that is already markup is left as it is (its codes are the template's to wrap)."""
    if isinstance(value, SafeData):
        return value
    text = str(value)
    quote = escape if autoescape else str  # autoescape off: the template vouches for the text
    parts: list[str] = []
    last = 0
    for match in CODE.finditer(text):
        parts.append(quote(text[last : match.start()]))
        parts.append(format_html('<span class="nowrap">{}</span>', match.group()))
        last = match.end()
    parts.append(quote(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part was escaped above (or autoescape is off)
