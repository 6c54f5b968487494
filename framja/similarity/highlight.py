"""The words two texts share, for showing a candidate duplicate pair side by side.

Words are compared after the engine's normalisation (`normalise.clean` and `fold_word`, then the
spelling key `sound_key`) and without a final -a/-e/-o, so Swedish "lediga" and Norwegian "ledige",
or "buss" and "bus", meet.
Function words ("och", "og", "för", "for") and one- or two-letter words are never counted: every
pair shares them, and marking them would hide the words that matter.

`segments(text, keys)` cuts the ORIGINAL text into (piece, shared) runs, so a template can show
it with its own escaping and wrap the shared pieces in <mark>; nothing here produces HTML.
"""

from __future__ import annotations

import re

from framja.similarity.normalise import FUNCTION_WORDS, MAX_CHARS, clean, fold_word, sound_key

# Same token rule as the engine: a run of digits or a run of letters.
_TOKEN = re.compile(r"\d+|[^\W\d_]+")
MIN_LETTERS = 3
# Common words of the three languages that the engine's function-word table keeps as they are.
_COMMON = frozenset(
    fold_word(w)
    for w in [
        "för",
        "for",
        "med",
        "på",
        "om",
        "den",
        "det",
        "ett",
        "en",
        "et",
        "ei",
        "de",
        "dem",
        "som",
        "har",
        "kan",
        "ska",
        "vill",
        "att",
        "och",
        "av",
        "till",
        "från",
        "i",
        "inte",
        "ikke",
        "also",
        "också",
        "også",
        "the",
        "and",
        "for",
        "with",
        "from",
        "this",
        "that",
        "are",
        "our",
    ]
)
_IGNORED = frozenset(FUNCTION_WORDS) | frozenset(FUNCTION_WORDS.values()) | _COMMON


def word_key(token: str) -> str | None:
    """The comparison key of one token, or None if the token is too common to count."""
    cleaned = clean(token)
    if not cleaned:
        return None
    folded = fold_word(cleaned)
    if folded in _IGNORED:
        return None
    if folded.isdigit():
        return folded if len(folded) >= 2 else None
    if len(folded) < MIN_LETTERS:
        return None
    key = sound_key(folded)
    if len(key) >= 5 and key[-1] in "aeo":
        key = key[:-1]  # lediga / ledige / ledigo: the neighbour languages' endings
    return key


def keys(text: str) -> set[str]:
    """The comparison keys of every countable word of `text`."""
    found = set()
    for match in _TOKEN.finditer(text[:MAX_CHARS]):
        key = word_key(match.group())
        if key is not None:
            found.add(key)
    return found


def shared_keys(*texts: str) -> set[str]:
    """Keys of the words every one of `texts` contains."""
    if not texts:
        return set()
    result = keys(texts[0])
    for text in texts[1:]:
        result &= keys(text)
    return result


def segments(text: str, shared: set[str]) -> list[tuple[str, bool]]:
    """`text` cut into runs of (original piece, is a shared word); joined, the pieces are `text`."""
    out: list[tuple[str, bool]] = []
    position = 0

    def add(piece: str, is_shared: bool) -> None:
        if not piece:
            return
        if out and out[-1][1] == is_shared and not is_shared:
            out[-1] = (out[-1][0] + piece, False)
        else:
            out.append((piece, is_shared))

    if shared:
        for match in _TOKEN.finditer(text[:MAX_CHARS]):
            key = word_key(match.group())
            if key is not None and key in shared:
                add(text[position : match.start()], False)
                add(match.group(), True)
                position = match.end()
    add(text[position:], False)
    return out


def shared_words(text_a: str, text_b: str) -> list[str]:
    """The shared words as written in `text_a` (first spelling of each, in text order)."""
    shared = shared_keys(text_a, text_b)
    seen: set[str] = set()
    words = []
    for match in _TOKEN.finditer(text_a[:MAX_CHARS]):
        key = word_key(match.group())
        if key is not None and key in shared and key not in seen:
            seen.add(key)
            words.append(match.group())
    return words
