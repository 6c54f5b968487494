"""The normaliser: Scandinavian folding, cleaning, and robustness to any input."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framja.similarity.normalise import MAX_CHARS, MAX_WORDS, clean, fold_word, sound_key, words


@pytest.mark.parametrize(
    ("danish_or_norwegian", "swedish"),
    [("dør", "dör"), ("æble", "äble"), ("paa", "på"), ("Ønske", "önske"), ("café", "cafe")],
)
def test_letters_fold_to_swedish(danish_or_norwegian, swedish):
    assert words(danish_or_norwegian) == words(swedish)


@pytest.mark.parametrize(("word", "swedish"), [("ikke", "inte"), ("ikkje", "inte"), ("jeg", "jag"), ("hvad", "vad")])
def test_function_words_map_to_one_form(word, swedish):
    assert fold_word(word) == swedish


def test_sound_key_bridges_danish_stops_and_hv():
    assert sound_key(fold_word("købe"))[:3] == sound_key(fold_word("köpa"))[:3]
    assert sound_key("hvit") == sound_key("vit")
    assert sound_key("gata")[:3] == sound_key(fold_word("gade"))[:3]


def test_clean_strips_markup_entities_and_invisible_characters():
    assert clean("<p>Bättre&nbsp;<b>cykel</b>vägar</p>").split() == ["bättre", "cykel", "vägar"]
    assert words("cy\u200bkel\u00adväg") == ["cykelväg"]
    assert words("ＡＢＣ") == ["abc"]  # NFKC: full-width letters


def test_numbers_and_letters_are_separate_tokens():
    assert words("1950'erne") == ["1950", "erne"]
    assert words("E4:an") == ["e", "4", "an"]


def test_non_string_input_is_a_clear_error():
    with pytest.raises(TypeError, match="text must be str"):
        clean(None)  # type: ignore[arg-type]


def test_huge_input_is_truncated_and_fast():
    text = "idé om cykelbanor " * 60_000  # about 1 MB
    started = time.perf_counter()
    result = words(text)
    assert time.perf_counter() - started < 2.0
    assert 0 < len(result) <= MAX_WORDS
    assert len(clean(text)) <= MAX_CHARS


@given(st.text(max_size=3_000))
@settings(max_examples=300, deadline=None)
def test_any_text_gives_clean_folded_words(text):
    tokens = words(text)
    assert all(token and token == token.casefold() and " " not in token for token in tokens)
    assert len(tokens) <= MAX_WORDS
    assert words(" ".join(tokens)) == [fold_word(token) for token in tokens]


@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=500),
    st.sampled_from(["<b>", "&amp;", "\x00", "🙂", "\u202e"]),
)
@settings(max_examples=200, deadline=None)
def test_markup_controls_and_emoji_never_crash(text, extra):
    assert isinstance(words(extra + text + extra), list)
