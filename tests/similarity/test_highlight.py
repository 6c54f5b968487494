"""The words two ideas share, for the regional view's side-by-side pairs (pure, no Django)."""

from __future__ import annotations

from framja.similarity import highlight


def test_shared_words_meet_across_case_and_neighbour_spelling():
    swedish = "Öppna data om lediga lokaler för företag"
    norwegian = "Åpne DATA om ledige næringslokaler for bedrifter"
    assert highlight.shared_words(swedish, norwegian) == ["data", "lediga"]


def test_function_words_and_short_words_are_not_shared_words():
    assert highlight.shared_words("En buss för och till i byn", "En buss for og til i byn") == ["buss", "byn"]
    assert highlight.shared_words("och att för med", "och att för med") == []


def test_segments_rejoin_to_the_original_text_and_mark_only_shared_words():
    text = "Laddstolpar för <b>snöskotrar</b> & turism"
    shared = highlight.shared_keys(text, "Snöskotrar i fjällen, laddstolpar")
    parts = highlight.segments(text, shared)
    assert "".join(piece for piece, _ in parts) == text
    assert [piece for piece, is_shared in parts if is_shared] == ["Laddstolpar", "snöskotrar"]


def test_segments_without_shared_words_is_the_whole_text():
    assert highlight.segments("Anropsstyrd buss", set()) == [("Anropsstyrd buss", False)]
    assert highlight.segments("", {"x"}) == []
