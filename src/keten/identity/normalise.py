"""Validate identifying values on entry and bring them into one canonical form for storage and exact matching."""

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import NamedTuple

import phonenumbers
from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import postcode as stdnum_postcode

from keten.core import clock
from keten.core.errors import ValidationFailed


class Normalised(NamedTuple):
    """A checked value: `value` is stored and matched exactly, `display` is what a person reads."""

    value: str
    display: str


class InvalidValue(ValidationFailed):
    """The value is not valid for its kind; the message names the field, e.g. "Telefoonnummer: ..."."""

    def __init__(self, field_label, message):
        self.field_label = field_label
        self.reason = message
        super().__init__(f"{field_label}: {message}")


LABELS = {
    "bsn": _("BSN"),
    "v_number": _("V-nummer"),
    "document_number": _("Documentnummer"),
    "phone": _("Telefoonnummer"),
    "email": _("E-mailadres"),
    "iban": _("IBAN"),
    "licence_plate": _("Kenteken"),
    "postcode": _("Postcode"),
    "address": _("Adres"),
    "kvk": _("KvK-nummer"),
    "trade_name": _("Handelsnaam"),
    "online_handle": _("Online gebruikersnaam"),
    "name": _("Naam"),
    "date_of_birth": _("Geboortedatum"),
    "nationality": _("Nationaliteit"),
    "sex": _("Geslacht"),
    "location": _("Locatie"),
}

EMPTY = _("vul een waarde in.")
TOO_LONG = _("gebruik hoogstens %(limit)d tekens.")

# Free-text kinds get a length limit, so that a pasted document does not end up in the identity store.
SHORT_TEXT_LIMIT = 200
LONG_TEXT_LIMIT = 500

WHITESPACE = re.compile(r"\s+")

# Letters that Unicode does not decompose into a base letter plus diacritic, spelled the way a person
# who cannot type them would. Used only for the matching value, never for display.
FOLD_LETTERS = str.maketrans({
    "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
    "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T",
})
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})


# --- helpers -----------------------------------------------------------------------------------------------


def _fail(kind: str, message) -> InvalidValue:
    return InvalidValue(LABELS[kind], message)


def _require(kind: str, raw: str) -> str:
    """The raw value trimmed; empty input is refused for every kind."""
    text = raw.strip()
    if not text:
        raise _fail(kind, EMPTY)
    return text


def _limit(kind: str, text: str, limit: int) -> str:
    if len(text) > limit:
        raise _fail(kind, TOO_LONG % {"limit": limit})
    return text


def _squash(text: str) -> str:
    """Trim and collapse every run of whitespace (also non-breaking spaces) into one space."""
    return WHITESPACE.sub(" ", text).strip()


def _compact(text: str, separators: str = "") -> str:
    """Remove all whitespace and the given separator characters."""
    text = WHITESPACE.sub("", text)
    for separator in separators:
        text = text.replace(separator, "")
    return text


def fold(text: str) -> str:
    """The matching form of free text: casefolded, diacritics removed, whitespace collapsed.

    Applied until stable, because casefolding can itself produce a diacritic (İ -> i + dot above).
    """
    previous = None
    while text != previous:
        previous = text
        text = unicodedata.normalize("NFKD", text.casefold())
        text = "".join(char for char in text if unicodedata.category(char) != "Mn")
        text = text.translate(FOLD_LETTERS).casefold()
    return _squash(text)


def _is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


# --- numbers and codes -------------------------------------------------------------------------------------


def normalise_bsn(raw: str) -> Normalised:
    """Burgerservicenummer: 9 digits passing the 11-proef; spaces, dots and dashes are ignored."""
    text = _require("bsn", raw)
    try:
        number = stdnum_bsn.validate(text)
    except StdnumError:
        message = _("dit is geen geldig burgerservicenummer (9 cijfers die voldoen aan de elfproef).")
        raise _fail("bsn", message) from None
    return Normalised(number, stdnum_bsn.format(number))


def normalise_v_number(raw: str) -> Normalised:
    """Vreemdelingennummer (IND): 10 digits; spaces and dots are ignored.

    No public check-digit algorithm is known for the V-nummer, so only the format is checked.
    """
    number = _compact(_require("v_number", raw), ".")
    if len(number) != 10 or not _is_ascii_digits(number):
        raise _fail("v_number", _("een V-nummer bestaat uit 10 cijfers."))
    return Normalised(number, number)


DOCUMENT_NUMBER = re.compile(r"[A-Z0-9]{6,20}")


def normalise_document_number(raw: str) -> Normalised:
    """Number of a passport, identity card, residence permit, ...: 6–20 letters and digits, upper case;
    spaces and dashes are ignored. Formats differ per country and document, so nothing more is checked."""
    number = _compact(_require("document_number", raw), "-").upper()
    if not DOCUMENT_NUMBER.fullmatch(number):
        raise _fail("document_number", _("een documentnummer bestaat uit 6 tot 20 letters en cijfers."))
    return Normalised(number, number)


def normalise_phone(raw: str) -> Normalised:
    """Telephone number, Dutch unless it starts with + or 00; value in E.164, display in international format."""
    text = _limit("phone", _require("phone", raw), 50)
    try:
        number = phonenumbers.parse(text, "NL")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise _fail("phone", _("dit is geen geldig telefoonnummer."))
    return Normalised(
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
    )


# An ASCII address in dot-atom form (RFC 5322 without quoted local parts or address literals), which is
# what people actually use. The whole address is lower-cased: local parts are case-insensitive at every
# provider that matters here, and a consistent form matters more for matching than the rare exception.
EMAIL_LOCAL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
EMAIL_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")


def normalise_email(raw: str) -> Normalised:
    address = _require("email", raw).lower()
    if address.startswith("mailto:"):
        address = address[len("mailto:"):]
    local, at, domain = address.rpartition("@")
    if not (
        at and len(address) <= 254 and len(local) <= 64
        and EMAIL_LOCAL.fullmatch(local) and EMAIL_DOMAIN.fullmatch(domain)
    ):
        raise _fail("email", _("dit is geen geldig e-mailadres."))
    return Normalised(address, address)


def normalise_iban(raw: str) -> Normalised:
    """IBAN with its check digits and the country's account format; value compact, display in groups of 4."""
    text = _limit("iban", _require("iban", raw), 50)
    try:
        number = stdnum_iban.validate(text)
    except StdnumError:
        raise _fail("iban", _("dit is geen geldig IBAN.")) from None
    return Normalised(number, stdnum_iban.format(number))


# Dutch licence plates since 1951: six letters and digits in one of the RDW side codes ("sidecodes").
# Maps the letter/digit shape (L/D) to the group sizes shown between dashes.
DUTCH_SIDECODES = {
    "LLDDDD": (2, 2, 2),  # 1: XX-99-99
    "DDDDLL": (2, 2, 2),  # 2: 99-99-XX
    "DDLLDD": (2, 2, 2),  # 3: 99-XX-99
    "LLDDLL": (2, 2, 2),  # 4: XX-99-XX
    "LLLLDD": (2, 2, 2),  # 5: XX-XX-99
    "DDLLLL": (2, 2, 2),  # 6: 99-XX-XX
    "DDLLLD": (2, 3, 1),  # 7: 99-XXX-9
    "DLLLDD": (1, 3, 2),  # 8: 9-XXX-99
    "LLDDDL": (2, 3, 1),  # 9: XX-999-X
    "LDDDLL": (1, 3, 2),  # 10: X-999-XX
    "LLLDDL": (3, 2, 1),  # 11: XXX-99-X
    "LDDLLL": (1, 2, 3),  # 12: X-99-XXX
    "DLLDDD": (1, 2, 3),  # 13: 9-XX-999
    "DDDLLD": (3, 2, 1),  # 14: 999-XX-9
}
DUTCH_PLATE = re.compile(r"[A-Z0-9]{6}")
FOREIGN_PLATE = re.compile(r"([A-Z]{2}):(.*)", re.DOTALL)


def _shape(plate: str) -> str:
    return "".join("D" if char.isdigit() else "L" for char in plate)


def normalise_licence_plate(raw: str) -> Normalised:
    """Licence plate. A plate without prefix is Dutch and must fit one of the side codes 1–14: value
    "XXJX99", display "XX-JX-99". A foreign plate is entered with its ISO country code and a colon,
    "DE:B-AB 1234": value "DE:BAB1234" (2–10 letters and digits after the code), display "B-AB 1234 (DE)".
    """
    text = _require("licence_plate", raw).upper()
    if match := FOREIGN_PLATE.fullmatch(text):
        country, text = match[1], match[2].strip()
        if country != "NL":
            return _foreign_plate(country, text)
    plate = _compact(text, "-")
    groups = DUTCH_SIDECODES.get(_shape(plate)) if DUTCH_PLATE.fullmatch(plate) else None
    if groups is None:
        raise _fail("licence_plate", _(
            "dit is geen geldig Nederlands kenteken. Zet voor een buitenlands kenteken de landcode ervoor, "
            "bijvoorbeeld DE:B-AB 1234."
        ))
    first, second, _third = groups
    return Normalised(plate, f"{plate[:first]}-{plate[first:first + second]}-{plate[first + second:]}")


def _foreign_plate(country: str, text: str) -> Normalised:
    if country not in phonenumbers.SUPPORTED_REGIONS:
        raise _fail("licence_plate", _("onbekende landcode voor het kenteken."))
    plate = _compact(text, "-.")
    if not 2 <= len(plate) <= 10 or not all(char.isalnum() for char in plate):
        raise _fail("licence_plate", _("een buitenlands kenteken bestaat uit 2 tot 10 letters en cijfers."))
    return Normalised(f"{country}:{plate}", f"{_squash(text)} ({country})")


def normalise_postcode(raw: str) -> Normalised:
    """Dutch postcode: 4 digits (not starting with 0) and 2 letters other than SA, SD and SS."""
    text = _require("postcode", raw)
    try:
        display = stdnum_postcode.validate(text)
    except StdnumError:
        raise _fail("postcode", _("dit is geen geldige postcode (bijvoorbeeld 1234 AB).")) from None
    return Normalised(display.replace(" ", ""), display)


def normalise_kvk(raw: str) -> Normalised:
    """KvK-nummer: 8 digits; spaces and dots are ignored. python-stdnum has no KvK module and the KvK
    publishes no check digit, so only the format is checked."""
    number = _compact(_require("kvk", raw), ".")
    if len(number) != 8 or not _is_ascii_digits(number):
        raise _fail("kvk", _("een KvK-nummer bestaat uit 8 cijfers."))
    return Normalised(number, number)


# --- free text ---------------------------------------------------------------------------------------------

# A postcode inside an address, after folding: "1234 ab" or "1234ab" standing on its own.
POSTCODE_IN_TEXT = re.compile(r"(?<![0-9a-z])([1-9][0-9]{3}) ?([a-z]{2})(?![0-9a-z])")


def _canonical_postcode(match: re.Match) -> str:
    letters = match[2].upper()
    return match[0] if letters in ("SA", "SD", "SS") else f"{match[1]}{letters}"


def normalise_address(raw: str) -> Normalised:
    """Street, house number and optionally postcode and place, as free text. The value is folded (see
    `fold`), commas become spaces and a postcode in it takes its canonical form "1234AB"."""
    display = _limit("address", _squash(_require("address", raw)), SHORT_TEXT_LIMIT)
    value = fold(display.replace(",", " ").replace(";", " "))
    if not any(char.isalpha() for char in value) or not any(char.isdigit() for char in value):
        raise _fail("address", _("vul een straat met huisnummer in."))
    return Normalised(POSTCODE_IN_TEXT.sub(_canonical_postcode, value), display)


def _free_text(kind: str, raw: str, limit: int) -> Normalised:
    display = _limit(kind, _squash(_require(kind, raw)), limit)
    value = fold(display)
    if not value:  # nothing but diacritics
        raise _fail(kind, EMPTY)
    return Normalised(value, display)


def normalise_trade_name(raw: str) -> Normalised:
    """Trade name of a business, free text; the value is folded (diacritics removed as well)."""
    return _free_text("trade_name", raw, SHORT_TEXT_LIMIT)


def normalise_location(raw: str) -> Normalised:
    """A place described in words (a building, a parking lot, a street corner); the value is folded."""
    return _free_text("location", raw, LONG_TEXT_LIMIT)


def normalise_online_handle(raw: str) -> Normalised:
    """A user name on a website or app. A leading @ is dropped, the rest is lower-cased (value casefolded);
    diacritics are kept, because on a platform they make a different account."""
    text = _limit("online_handle", _require("online_handle", raw), SHORT_TEXT_LIMIT)
    handle = text.removeprefix("@").strip().lower()
    if not handle:
        raise _fail("online_handle", EMPTY)
    if WHITESPACE.search(handle):
        raise _fail("online_handle", _("een gebruikersnaam bevat geen spaties."))
    return Normalised(handle.casefold(), handle)


# Dutch tussenvoegsels (and a few foreign particles used the same way). Only needed to recognise
# particles written after the surname in "Berg van der, Jan".
PARTICLES = frozenset({
    "van", "de", "der", "den", "het", "'t", "t", "te", "ten", "ter", "in", "op", "aan", "bij", "onder", "over",
    "uit", "voor", "von", "zu", "zum", "zur", "du", "da", "di", "del", "della", "des", "dos", "das", "le", "la",
})
# "t" after one of these is the article 't written without its apostrophe: "in t Veld" -> "in 't veld".
BEFORE_T = frozenset({"in", "op", "van", "aan", "uit", "onder", "over", "voor", "bij"})
NAME_PUNCTUATION = frozenset(" -'.,")


def normalise_name(raw: str) -> Normalised:
    """A person's name. The value is folded, initials lose their dots ("J.A." -> "j a"), and the form
    "Surname, Given names" is turned round into "given names [tussenvoegsels] surname", also when the
    tussenvoegsels follow the surname ("Berg van der, Jan" and "Berg, Jan van der" -> "jan van der berg").
    Fuzzy matching is the linking engine's business; this is only the canonical form."""
    display = _limit("name", _squash(_require("name", raw)), SHORT_TEXT_LIMIT)
    # Apostrophes and dashes are unified before folding and again after, as decomposition can produce
    # them (ŉ -> ʼn).
    text = fold(display.translate(APOSTROPHES).translate(DASHES)).translate(APOSTROPHES).translate(DASHES)
    if any(char.isdigit() for char in text):
        raise _fail("name", _("een naam bevat geen cijfers."))
    if any(not (char.isalpha() or char in NAME_PUNCTUATION or unicodedata.category(char)[0] == "M") for char in text):
        raise _fail("name", _("de naam bevat tekens die niet in een naam horen."))
    if text.count(",") > 1:
        raise _fail("name", _("gebruik hoogstens één komma, zoals in ‘Achternaam, Voornamen’."))
    text = re.sub(r"\s*-\s*", "-", text.replace(".", " "))
    if "," in text:
        surname, _comma, given = text.partition(",")
        words = given.split() + _surname_first(surname.split())
    else:
        words = text.split()
    words = _apostrophe_t([word for word in words if word.strip("-'")])
    if not words:
        raise _fail("name", EMPTY)
    return Normalised(" ".join(words), display)


def _apostrophe_t(words: list[str]) -> list[str]:
    return [
        "'t" if word == "t" and index and words[index - 1] in BEFORE_T else word
        for index, word in enumerate(words)
    ]


def _surname_first(words: list[str]) -> list[str]:
    """Move tussenvoegsels written after the surname ("berg van der") to the front ("van der berg")."""
    split = len(words)
    while split > 1 and words[split - 1] in PARTICLES:
        split -= 1
    return words[split:] + words[:split]


# --- person details ----------------------------------------------------------------------------------------

# Display strings are stored data, not interface text, so they stay Dutch and are not translated.
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
MONTH_NUMBERS = {name: number for number, name in enumerate(MONTHS, 1)} | {
    name[:3]: number for number, name in enumerate(MONTHS, 1)
} | {"mrt": 3}
DATE_SEPARATORS = re.compile(r"\s*[-/.]\s*|\s+")
EARLIEST_YEAR = 1900


def normalise_date_of_birth(raw: str) -> Normalised:
    """Date of birth, exact or partial: "1998-03-07", "07-03-1998", "7-3-1998", "7 maart 1998", "1998-03",
    "03-1998", "1998". Value "1998-03-07" / "1998-03" / "1998"; display "7 maart 1998" / "maart 1998" /
    "1998". Two-digit years are refused as ambiguous; the date may not lie in the future nor before 1900."""
    parts = DATE_SEPARATORS.split(_require("date_of_birth", raw).lower())
    year, month, day = _date_parts(parts)
    if year is None:
        raise _fail("date_of_birth", _("dit is geen geldige datum; schrijf bijvoorbeeld 07-03-1998, 03-1998 of 1998."))
    if year < EARLIEST_YEAR:
        raise _fail("date_of_birth", _("het jaar moet 1900 of later zijn."))
    today = clock.today()
    if (year, month or 1, day or 1) > (today.year, today.month, today.day):
        raise _fail("date_of_birth", _("een geboortedatum kan niet in de toekomst liggen."))
    if day:
        return Normalised(f"{year:04d}-{month:02d}-{day:02d}", f"{day} {MONTHS[month - 1]} {year}")
    if month:
        return Normalised(f"{year:04d}-{month:02d}", f"{MONTHS[month - 1]} {year}")
    return Normalised(f"{year:04d}", str(year))


def _date_parts(parts: list[str]) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) from the pieces of a date, the year written in full; (None, None, None) when the
    pieces do not make a real (partial) date."""
    invalid = (None, None, None)
    if not 1 <= len(parts) <= 3:
        return invalid
    if len(parts[0]) == 4 and _is_ascii_digits(parts[0]):  # year first: ISO order
        parts = parts[::-1]
    year = parts[-1]
    month = parts[-2] if len(parts) >= 2 else None
    day = parts[-3] if len(parts) == 3 else None
    if not (len(year) == 4 and _is_ascii_digits(year)):
        return invalid
    if month is not None:
        month = MONTH_NUMBERS.get(month) or (int(month) if len(month) <= 2 and _is_ascii_digits(month) else 0)
        if not 1 <= month <= 12:
            return invalid
    if day is not None:
        if not (len(day) <= 2 and _is_ascii_digits(day)):
            return invalid
        try:
            date(int(year), month, int(day))
        except ValueError:
            return invalid
        day = int(day)
    return int(year), month, day


# Alpha-2 codes are checked against the region codes phonenumbers knows, a close approximation of
# ISO 3166-1 (it adds a few such as AC, TA and XK). No list of alpha-3 codes is installed, so those are
# checked for form only; they also cover the ICAO document codes XXA (stateless) and XXB (refugee).
# Note that NL and NLD are different values: the form should steer people to one of the two.
COUNTRY_CODE = re.compile(r"[A-Z]{2,3}")


def normalise_nationality(raw: str) -> Normalised:
    code = _require("nationality", raw).upper()
    if not COUNTRY_CODE.fullmatch(code):
        raise _fail("nationality", _("gebruik een landcode van twee of drie letters, bijvoorbeeld NL of NLD."))
    if len(code) == 2 and code not in phonenumbers.SUPPORTED_REGIONS:
        raise _fail("nationality", _("onbekende landcode."))
    return Normalised(code, code)


SEXES = {"female": "vrouw", "male": "man", "x": "X", "unknown": "onbekend"}
SEX_SYNONYMS = {
    "v": "female", "vrouw": "female", "vrouwelijk": "female", "f": "female", "female": "female",
    "m": "male", "man": "male", "mannelijk": "male", "male": "male",
    "x": "x",
    "o": "unknown", "onbekend": "unknown", "unknown": "unknown",
}


def normalise_sex(raw: str) -> Normalised:
    """Sex as registered: female, male, x (the Dutch "X" in passports) or unknown; Dutch and English input."""
    sex = SEX_SYNONYMS.get(_require("sex", raw).lower())
    if sex is None:
        raise _fail("sex", _("kies vrouw, man, x of onbekend."))
    return Normalised(sex, SEXES[sex])


# --- dispatcher --------------------------------------------------------------------------------------------

NORMALISERS: dict[str, Callable[[str], Normalised]] = {
    "bsn": normalise_bsn,
    "v_number": normalise_v_number,
    "document_number": normalise_document_number,
    "phone": normalise_phone,
    "email": normalise_email,
    "iban": normalise_iban,
    "licence_plate": normalise_licence_plate,
    "postcode": normalise_postcode,
    "address": normalise_address,
    "kvk": normalise_kvk,
    "trade_name": normalise_trade_name,
    "online_handle": normalise_online_handle,
    "name": normalise_name,
    "date_of_birth": normalise_date_of_birth,
    "nationality": normalise_nationality,
    "sex": normalise_sex,
    "location": normalise_location,
}


def normalise(kind: str, raw: str) -> Normalised:
    """Validate and normalise `raw` as a value of `kind`; raises InvalidValue with a Dutch message."""
    try:
        normaliser = NORMALISERS[kind]
    except KeyError:
        raise ValueError(f"unknown kind of identifying value: {kind!r}") from None
    if not isinstance(raw, str):
        raise TypeError(f"expected a str for {kind!r}, got {type(raw).__name__}")
    return normaliser(raw)
