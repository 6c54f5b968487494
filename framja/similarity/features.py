"""Text -> set of character-trigram features, shared by the index and its tests.

Each folded word contributes the trigrams of its spelling and of its `sound_key`, padded the
way pg_trgm pads words ("  w", " wo", ..., "rd "), so that a word's start weighs a little more
than its middle. Trigrams of words (not of the running text) make the method blind to word
order and robust to inflection and compounding; the sound-key trigrams carry the Danish and
Norwegian spellings over to Swedish. Trigrams subsume stemming here: adding Snowball stems as
extra features did not improve any development set.
"""

from __future__ import annotations

from functools import lru_cache

from framja.similarity.normalise import sound_key, words


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@lru_cache(maxsize=4_096)
def word_features(word: str) -> frozenset[str]:
    """Trigrams of a folded word and, marked "~", of its sound key (cached: words repeat).

    Both sets are kept even when they coincide: a trigram that matches in spelling and in
    sound then counts twice, which measured better than one merged set on every dev set.
    """
    return frozenset(_trigrams(word)) | frozenset("~" + g for g in _trigrams(sound_key(word)))


def text_features(text: str) -> set[str]:
    """The feature set of a text; empty when the text has no letters or digits."""
    return set().union(*map(word_features, set(words(text))))
