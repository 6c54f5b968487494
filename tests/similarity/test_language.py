"""The language guesser (a label for ideas; the index does not depend on it)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from framja.similarity import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Jag tycker att kommunen inte borde bygga fler parkeringar här.", "sv"),
        ("Jeg synes ikke at kommunen skal bygge flere parkeringspladser, hvad med cykler?", "da"),
        ("Jeg synes ikke at kommunen bør bygge flere parkeringsplasser, hva med sykler?", "nb"),
        ("Eg synest ikkje at kommunen bør byggje fleire parkeringsplassar, kva med syklar?", "nn"),
        ("I think the council should not build more car parks here.", "en"),
        ("12345 !!!", "und"),
    ],
)
def test_detects_the_five_languages(text, language):
    assert detect_language(text) == language


@given(st.text(max_size=1_000))
def test_any_text_gets_a_known_label(text):
    assert detect_language(text) in {"sv", "nb", "nn", "da", "en", "und"}
