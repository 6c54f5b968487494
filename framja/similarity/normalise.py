"""Text normalisation for Swedish, Norwegian (bokmål, nynorsk), Danish and English.

Two layers:

* `clean()` makes any input safe and comparable: HTML tags and entities, control characters,
  Unicode forms (NFKC), case, and a hard length cap so a 1 MB paste costs no more than an idea.
* `words()` splits cleaned text into word tokens and folds them towards one Scandinavian
  spelling (`fold_word`), so that Danish "købe", Norwegian "kjøpe" and Swedish "köpa" meet.
  Closed-class function words are mapped to one shared form (`FUNCTION_WORDS`), because they are
  the words the neighbour languages spell most differently.

The folding is deliberately lossy: it is used only to compare texts, never to show them.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

# Only the first MAX_CHARS characters of a text are read; ideas are a few kilobytes, and a
# bounded input keeps every call bounded in time and memory.
MAX_CHARS = 20_000
# At most MAX_WORDS words are used from one text.
MAX_WORDS = 3_000
# Words longer than this are cut: nothing in these languages is longer, and it bounds n-grams.
MAX_WORD_LEN = 40

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_TAG = re.compile(r"<[^<>]{0,2000}>")
# A token is a run of digits or a run of letters: "1950'erne" -> "1950", "erne".
_TOKEN = re.compile(r"\d+|[^\W\d_]+")

# Letters kept as they are; every other diacritic is stripped (é -> e, ü -> u).
_SCANDINAVIAN_LETTERS = frozenset("åäöæø")
# Danish/Norwegian letters folded onto the Swedish ones.
_LETTER_FOLD = str.maketrans({"æ": "ä", "ø": "ö", "ß": "ss", "þ": "th", "ð": "d"})

_VOWELS = "aeiouyåäö"
_DOUBLE_CONSONANT = re.compile(r"([bcdfghjklmnpqrstvwxz])\1+")
_POSTVOCALIC_STOP = re.compile(r"(?<=[aeiouyåäö])(b|d|g)")

# Function words of the neighbour languages mapped to one form (Swedish where there is one).
# This is a closed class: pronouns, auxiliaries, conjunctions, prepositions, common adverbs.
# Keys are already letter-folded (ø -> ö, æ -> ä, aa -> å).
FUNCTION_WORDS: dict[str, str] = {
    # pronouns
    "jeg": "jag", "eg": "jag", "äg": "jag", "mig": "mig", "meg": "mig", "dig": "dig",
    "deg": "dig", "sig": "sig", "seg": "sig", "hun": "hon", "ho": "hon", "hende": "henne",
    "os": "oss", "dere": "ni", "dykk": "ni", "i": "i", "jer": "er",
    "dei": "de", "dem": "dem", "deres": "deras", "vores": "vår", "våre": "våra",
    "mine": "mina", "dine": "dina", "sine": "sina", "noget": "något", "noe": "något",
    "noko": "något", "nogen": "någon", "noen": "någon", "nokon": "någon", "nokre": "några",
    "ingen": "ingen", "intet": "inget", "ingenting": "inget", "alle": "alla", "hver": "varje",
    "hvert": "varje", "selv": "själv", "sjølv": "själv",
    "sjöl": "själv", "själv": "själv", "sjölv": "själv", "denne": "denna", "dette": "detta",
    "disse": "dessa", "desse": "dessa", "hvilken": "vilken", "hvilket": "vilket",
    "hvilke": "vilka", "kva": "vad", "hva": "vad", "hvad": "vad", "hvem": "vem", "kven": "vem",
    "kvifor": "varför", "hvorfor": "varför", "hvordan": "hur", "korleis": "hur",
    "hvornår": "när", "hvor": "var",
    # auxiliaries and copula
    "er": "är", "erer": "är", "værer": "är", "väre": "vara", "vere": "vara", "värt": "varit",
    "blive": "bli", "bliver": "blir", "blitt": "blivit",
    "blevet": "blivit", "have": "ha", "haver": "har", "hadde": "hade", "havde": "hade",
    "skal": "ska", "skall": "ska", "skulle": "skulle", "vil": "vill", "ville": "ville",
    "kunne": "kunna", "kunde": "kunde", "må": "må", "måtte": "måste", "burde": "borde",
    "gjøre": "göra", "gjöre": "göra", "gjöra": "göra", "gör": "gör",
    "gjör": "gör", "gjörde": "gjorde", "gjorde": "gjorde",
    # conjunctions, subjunctions
    "og": "och", "å": "att", "at": "att", "eller": "eller", "men": "men", "fordi": "eftersom",
    "hvis": "om", "dersom": "om", "da": "då", "så": "så", "som": "som", "end": "än",
    "enn": "än", "mens": "medan", "medens": "medan", "skönt": "fast", "selvom": "fast",
    # prepositions
    "af": "av", "av": "av", "til": "till", "fra": "från", "frå": "från",
    "ved": "vid", "etter": "efter", "efter": "efter", "under": "under", "över": "över",
    "uden": "utan", "uten": "utan", "utan": "utan", "mellem": "mellan", "mellom": "mellan",
    "omkring": "omkring", "hos": "hos", "gennem": "genom", "gjennom": "genom",
    "igennem": "igenom", "gjennomgå": "genomgå", "blandt": "bland", "blant": "bland",
    # adverbs and particles
    "ikke": "inte", "ikkje": "inte", "ej": "inte", "ikk": "inte",
    "også": "också", "òg": "också", "nu": "nu", "nå": "nu", "her": "här",
    "der": "där", "meget": "mycket", "mye": "mycket", "mykje": "mycket",
    "mange": "många", "mykke": "mycket", "lidt": "lite", "litt": "lite", "lite": "lite",
    "altid": "alltid", "alltid": "alltid", "aldrig": "aldrig", "aldri": "aldrig",
    "igjen": "igen", "igen": "igen", "bare": "bara", "berre": "bara", "kun": "bara",
    "endnu": "ännu", "allerede": "redan", "allereie": "redan",
    "ogsaa": "också", "jo": "ju", "nok": "nog", "vel": "väl", "godt": "gott",
    "hjemme": "hemma", "heime": "hemma", "hjem": "hem", "heim": "hem", "ud": "ut",
    "ute": "ute", "inde": "inne", "oppe": "uppe", "op": "upp", "opp": "upp",
    "ned": "ner", "nede": "nere", "hit": "hit", "dit": "dit",
    "sammen": "tillsammans", "saman": "tillsammans", "måske": "kanske", "kanskje": "kanske",
    "sikkert": "säkert", "lige": "lika", "like": "lika", "lenge": "länge", "længe": "länge",
    "länge": "länge", "snart": "snart", "fortsatt": "fortfarande",
    "framleis": "fortfarande", "ja": "ja", "nej": "nej", "nei": "nej",
}  # fmt: skip


def clean(text: str) -> str:
    """Return `text` made safe and comparable: no markup, no control characters, NFKC, casefolded.

    Raises TypeError for anything that is not a string, so a caller's mistake is loud.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    text = text[:MAX_CHARS]
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text).casefold()
    # Invisible format characters (soft hyphen, zero-width space/joiners, BOM) would split a
    # word in two: delete them. Other control characters are separators like punctuation.
    return _INVISIBLE.sub("", text)


def strip_diacritics(word: str) -> str:
    """Strip accents except the Scandinavian letters, which carry meaning (å, ä, ö, æ, ø)."""
    if word.isascii():
        return word
    out = []
    for ch in word:
        if ch in _SCANDINAVIAN_LETTERS:
            out.append(ch)
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


def fold_letters(word: str) -> str:
    """Fold Danish/Norwegian spelling onto Swedish letters: aa -> å, æ -> ä, ø -> ö."""
    word = strip_diacritics(word).translate(_LETTER_FOLD)
    if "aa" in word:
        word = word.replace("aa", "å")
    return word


@lru_cache(maxsize=100_000)
def fold_word(word: str) -> str:
    """Map a word to its shared Scandinavian form: letters folded, function words unified."""
    word = fold_letters(word[:MAX_WORD_LEN])
    return FUNCTION_WORDS.get(word, word)


def sound_key(word: str) -> str:
    """A coarse spelling key for a folded word, blind to the regular sv/da/no differences.

    Danish writes b/d/g after a vowel where Swedish and Norwegian write p/t/k ("købe"/"köpa",
    "gade"/"gata"); Danish and Norwegian spell v as hv ("hvid"/"vit"); consonant doubling,
    ei/e, kj/tj/sj and c/k/q/x/z/w vary. The key is used only for character n-grams.
    """
    if word.startswith("hv"):
        word = word[1:]
    elif word.startswith("kv") and len(word) > 3:
        word = "v" + word[2:]
    word = (
        word.replace("sch", "sj")
        .replace("skj", "sj")
        .replace("kj", "tj")
        .replace("ph", "f")
        .replace("th", "t")
        .replace("ch", "k")
        .replace("ck", "k")
        .replace("qu", "kv")
        .replace("q", "k")
        .replace("c", "k")
        .replace("x", "ks")
        .replace("z", "s")
        .replace("w", "v")
        .replace("ei", "e")
        .replace("øy", "ö")
        .replace("öy", "ö")
        .replace("öj", "ö")
        .replace("ø", "ö")
    )
    word = _POSTVOCALIC_STOP.sub(_devoice, word)
    word = _DOUBLE_CONSONANT.sub(r"\1", word)
    # Vowel quality differs more than consonants across the three languages; merge close pairs.
    return word.translate(_VOWEL_FOLD)


_DEVOICE = {"b": "p", "d": "t", "g": "k"}
_VOWEL_FOLD = str.maketrans({"å": "o", "ä": "e", "y": "ö", "u": "o"})


def _devoice(match: re.Match[str]) -> str:
    return _DEVOICE[match.group(1)]


def tokens(text: str) -> list[str]:
    """Cleaned word tokens of `text`, not yet folded (at most MAX_WORDS)."""
    return _TOKEN.findall(clean(text))[:MAX_WORDS]


def words(text: str) -> list[str]:
    """Cleaned, folded word tokens of `text` (at most MAX_WORDS); digits and letters split."""
    return [fold_word(token) for token in tokens(text)]
