"""keep_whole: references and ISO dates inside text from elsewhere never break at their hyphens,
and the rest of the text is escaped as any other template variable."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe


def render(source: str, **context: object) -> str:
    return Template("{% load typography %}" + source).render(Context(context))


def test_reference_and_dates_are_wrapped_whole():
    html = render("{{ text|keep_whole }}", text="IDE-2380-2026-0004 Laddstolpar, beslut 2026-03-01 09:30")
    assert html == (
        '<span class="nowrap">IDE-2380-2026-0004</span> Laddstolpar, '
        'beslut <span class="nowrap">2026-03-01 09:30</span>'
    )


def test_the_rest_of_the_text_is_escaped():
    html = render("{{ text|keep_whole }}", text='<script>alert("x")</script> IDE-2380-2026-0004 & co')
    assert "<script>" not in html
    assert html.startswith("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; ")
    assert html.endswith('<span class="nowrap">IDE-2380-2026-0004</span> &amp; co')


def test_text_without_codes_is_only_escaped():
    assert render("{{ text|keep_whole }}", text="Almi Mitt <b>") == "Almi Mitt &lt;b&gt;"
    assert render("{{ text|keep_whole }}", text=12) == "12"


def test_markup_is_left_as_it_is():
    safe = mark_safe('<span class="reference">IDE-2380-2026-0004</span>')
    assert render("{{ text|keep_whole }}", text=safe) == safe


def test_in_a_translated_sentence():
    with translation.override("en"):
        html = render(
            "{% load i18n %}"
            "{% blocktranslate with reference=ref|keep_whole %}Edit {{ reference }}{% endblocktranslate %}",
            ref="IDE-5001-2026-0012",
        )
    assert html == 'Edit <span class="nowrap">IDE-5001-2026-0012</span>'
