"""Person names for matching: transliteration, Dutch tussenvoegsels, spelling-variant folding and phonetic keys."""

import re
from functools import lru_cache
from typing import NamedTuple

from anyascii import anyascii

#: Dutch tussenvoegsels and the foreign particles written the same way. They are kept apart from the surname:
#: "Van den Berg", "v.d. Berg" and "Berg" compare on "berg".
PARTICLES = frozenset({
    "van", "de", "der", "den", "het", "'t", "t", "te", "ten", "ter", "in", "op", "aan", "bij", "onder", "over",
    "uit", "voor", "von", "zu", "zum", "zur", "du", "da", "di", "del", "della", "des", "dos", "das", "le", "la",
    "v", "vd", "v/d", "d",
})

# Transliteration and spelling variants, folded onto one form after anyascii: German, French, English and
# Polish renderings of the same Cyrillic name ("Schewtschenko", "Chevtchenko", "Shevchenko"), Polish and Dutch
# digraphs, and the many ways of writing й/ий/ія/ю at the end or start of a name. Order matters: longest first.
_VARIANTS = (
    ("shtsch", "shch"), ("schtsch", "shch"), ("szcz", "shch"), ("tsch", "ch"), ("tch", "ch"), ("sch", "sh"),
    ("sz", "sh"), ("cz", "ch"), ("rz", "zh"), ("dzh", "j"), ("dj", "j"), ("zh", "j"), ("kh", "h"), ("ch", "h"),
    ("ph", "f"), ("w", "v"), ("ou", "u"), ("iy", "i"), ("ij", "i"), ("yi", "i"), ("ii", "i"), ("ie", "i"),
    ("yu", "ju"), ("iu", "ju"), ("ya", "ja"), ("ia", "ja"), ("ye", "je"), ("y", "i"), ("ck", "k"), ("c", "k"),
    ("q", "k"), ("x", "ks"), ("th", "t"), ("dt", "t"),
)
_VARIANT_PATTERN = re.compile("|".join(re.escape(source) for source, _target in _VARIANTS))
_VARIANT_MAP = dict(_VARIANTS)
_REPEATS = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiouj]")


class ParsedName(NamedTuple):
    """A name split for matching: given names, tussenvoegsels, surname, all ASCII lower case."""

    given: str
    particles: str
    surname: str


# Every ASCII character but letters, apostrophe and hyphen becomes a space.
_TO_SPACE = str.maketrans({chr(code): " " for code in range(128)
                           if not (chr(code).isalpha() or chr(code) in "'-")})


@lru_cache(maxsize=1 << 18)
def to_ascii(text: str) -> str:
    """Lower-case ASCII: Cyrillic transliterated, Romanian, Bulgarian and Polish diacritics removed."""
    text = (text if text.isascii() else anyascii(text)).lower().translate(_TO_SPACE)
    return " ".join(text.split()).replace(" -", "-").replace("- ", "-")


@lru_cache(maxsize=1 << 18)
def name_key(token: str) -> str:
    """The matching form of one name part: spelling variants folded and repeated letters collapsed
    ("Iuliia", "Yulia", "Julija" -> "julja"; "Janssen" -> "jansen")."""
    word = to_ascii(token).replace(" ", "").replace("-", "").replace("'", "")
    previous = None
    while word != previous:  # a replacement can produce another variant: "tsch" -> "ch" -> "h"
        previous = word
        word = _REPEATS.sub(r"\1", _VARIANT_PATTERN.sub(lambda match: _VARIANT_MAP[match[0]], word))
    return word


@lru_cache(maxsize=1 << 18)
def phonetic_key(token: str) -> str:
    """A coarse sound key for blocking: the first letter and the consonant skeleton, four characters at most
    ("jansen", "janssen", "jahnsen" -> "jnsn"). Soundex and (Double) Metaphone encode English pronunciation;
    this one works on the already variant-folded key, which serves Dutch and East-European names better."""
    key = name_key(token)
    if not key:
        return ""
    skeleton = key[0] + _VOWELS.sub("", key[1:]).replace("h", "")
    return _REPEATS.sub(r"\1", skeleton)[:4]


def split_full_name(full: str) -> ParsedName:
    """Split "Jan van der Berg" or "Berg, Jan van der" into given names, tussenvoegsels and surname. Without
    a comma the last word is the surname and the particles before it belong to it."""
    text = anyascii(full).lower()
    if "," in text:
        surname_part, _comma, given_part = text.partition(",")
        surname_words, given_words = to_ascii(surname_part).split(), to_ascii(given_part).split()
        # "Berg van der, Jan" and "Berg, Jan van der": particles may trail either part.
        trailing = []
        while given_words and given_words[-1] in PARTICLES and len(given_words) > 1:
            trailing.insert(0, given_words.pop())
        while len(surname_words) > 1 and surname_words[-1] in PARTICLES:
            trailing.insert(0, surname_words.pop())
        return _parsed(given_words, trailing, surname_words)
    words = to_ascii(text).split()
    if len(words) <= 1:
        return _parsed([], [], words)
    split = len(words) - 1
    while split > 1 and words[split - 1] in PARTICLES:
        split -= 1
    return _parsed(words[:split], words[split:len(words) - 1], words[-1:])


def split_parts(given: str, surname: str) -> ParsedName:
    """Given names and a surname entered apart; tussenvoegsels leading the surname ("van der Berg") are
    moved into `particles`, as are trailing ones ("Berg van der")."""
    words = to_ascii(surname).split()
    leading = []
    while len(words) > 1 and words[0] in PARTICLES:
        leading.append(words.pop(0))
    while len(words) > 1 and words[-1] in PARTICLES:
        leading.append(words.pop())
    return _parsed(to_ascii(given).split(), leading, words)


def _parsed(given: list[str], particles: list[str], surname: list[str]) -> ParsedName:
    return ParsedName(" ".join(given), " ".join(particles), " ".join(surname))


def given_key(given: str) -> str:
    """The key of the given names: the first given name (a second one is often left out); an initial stays
    one letter, which compare.py treats as agreeing with any name that starts with it."""
    words = given.split()
    while len(words) > 1 and words[0] in PARTICLES:  # a surname with tussenvoegsels in the given-name field
        words.pop(0)
    first = words[0] if words else ""
    return name_key(first) if len(first) > 1 else first


def surname_key(surname: str) -> str:
    """The key of the surname: all its words joined ("Ionescu-Popa" -> "ionesku popa" -> "ioneskupopa")."""
    return name_key(surname)
