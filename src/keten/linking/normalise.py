"""One function per identifier kind: bring a raw value into its canonical matching form, or say why it cannot.

Independent of keten.identity (this library imports no Django), but the same canonical forms, so that values the
identity store already normalised come through unchanged. Every function raises InvalidIdentifier(kind, reason)
for a value it cannot use; none of them lets another exception through for a str argument.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from anyascii import anyascii
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn

from keten.linking.names import ParsedName, given_key, split_full_name, split_parts, surname_key


class InvalidIdentifier(ValueError):
    """A value that is not a valid identifier of its kind; `kind` and `reason` say which and why."""

    def __init__(self, kind: str, reason: str):
        self.kind = kind
        self.reason = reason
        super().__init__(f"{kind}: {reason}")


_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_NL_PHONE = re.compile(r"(?:\+31|0031|0)([1-9]\d{8})")
_FOREIGN_E164 = re.compile(r"\+(?!31)[1-9]\d{7,14}")
_SEPARATORS = re.compile(r"[\s().\-/]+")


def _text(kind: str, raw) -> str:
    if not isinstance(raw, str):
        raise InvalidIdentifier(kind, f"expected text, got {type(raw).__name__}")
    text = " ".join(raw.split())
    if not text:
        raise InvalidIdentifier(kind, "empty value")
    if len(text) > 300:
        raise InvalidIdentifier(kind, "longer than 300 characters")
    return text


@lru_cache(maxsize=1 << 20)
def phone(raw: str) -> str:
    """E.164 ("+31612345678"). Dutch unless written with + or 00. Dutch numbers take a fast path (nine
    digits after the trunk or country code); others are parsed and validated by `phonenumbers`."""
    text = _text("phone", raw)
    compact = _SEPARATORS.sub("", text).replace("(0)", "")
    if match := _NL_PHONE.fullmatch(compact):
        return "+31" + match[1]
    if _FOREIGN_E164.fullmatch(compact) and _plausible_foreign(compact):
        return compact
    try:
        number = phonenumbers.parse(text, "NL")
    except phonenumbers.NumberParseException:
        raise InvalidIdentifier("phone", "not a telephone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier("phone", "not a valid telephone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _plausible_foreign(compact: str) -> bool:
    """A number already written in international form: its country code must exist and the number fit E.164.
    Full validation by `phonenumbers` costs 17 µs a number, a third of the batch budget at a million records;
    for matching, a well-formed international number is as good as a validated one."""
    digits = compact[1:]
    return any(int(digits[:size]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE for size in (1, 2, 3))


def iban(raw: str) -> str:
    """Compact upper case, check digits and country format checked by python-stdnum."""
    text = _text("iban", raw)
    try:
        # The check digits and the length; the per-country account formats (a bank-registry look-up per
        # number, the slowest step of a batch run) matter for payments, not for matching.
        return stdnum_iban.validate(text, check_country=False)
    except StdnumError:
        raise InvalidIdentifier("iban", "not a valid IBAN") from None


def bsn(raw: str) -> str:
    """Nine digits passing the elfproef."""
    text = _text("bsn", raw)
    try:
        return stdnum_bsn.validate(text)
    except StdnumError:
        raise InvalidIdentifier("bsn", "not a valid BSN (9 digits passing the elfproef)") from None


_EMAIL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def email(raw: str) -> str:
    """Lower case, "mailto:" dropped."""
    address = _text("email", raw).lower().removeprefix("mailto:").strip()
    if not _EMAIL.fullmatch(address) or ".." in address or address.startswith("."):
        raise InvalidIdentifier("email", "not a valid e-mail address")
    return address


_PLATE = re.compile(r"[A-Z0-9]{2,10}")


def licence_plate(raw: str) -> str:
    """Letters and digits, upper case, without dashes or spaces; a foreign plate keeps its country prefix
    ("DE:BAB1234", as keten.identity writes it)."""
    text = _text("licence_plate", raw).upper()
    country, colon, rest = text.partition(":")
    if colon and (len(country) != 2 or not country.isalpha()):
        raise InvalidIdentifier("licence_plate", "country prefix must be two letters, as in DE:B-AB 1234")
    plate = _SEPARATORS.sub("", rest if colon else text)
    if not _PLATE.fullmatch(plate) or not any(char.isdigit() for char in plate):
        raise InvalidIdentifier("licence_plate", "a plate has 2 to 10 letters and digits, at least one digit")
    return f"{country}:{plate}" if colon and country != "NL" else plate


_POSTCODE = re.compile(r"([1-9]\d{3}) ?([A-Z]{2})")
_HOUSE_NUMBER = re.compile(r"(\d{1,5}) ?[-/ ]? ?([A-Z]{0,4}|\d{1,4})")


def postcode(raw: str) -> str:
    """Dutch postcode "1234AB" (not SA, SD or SS, which are not issued)."""
    text = _text("postcode", raw).upper()
    match = _POSTCODE.fullmatch(text)
    if not match or match[2] in ("SA", "SD", "SS"):
        raise InvalidIdentifier("postcode", "not a Dutch postcode such as 1234 AB")
    return match[1] + match[2]


@lru_cache(maxsize=1 << 20)
def postcode_house_number(postcode_raw: str, house_number_raw: str) -> str:
    """An address as postcode and house number with its addition: "1234AB-12A"."""
    code = postcode(postcode_raw)
    text = _text("house_number", house_number_raw).upper()
    match = _HOUSE_NUMBER.fullmatch(text)
    if not match or int(match[1]) == 0:
        raise InvalidIdentifier("house_number", "not a house number such as 12, 12a or 12-2")
    return f"{code}-{match[1]}{match[2]}"


_ADDRESS_POSTCODE = re.compile(r"\b([1-9]\d{3}) ?([A-Z]{2})\b")
_ADDRESS_NUMBER = re.compile(r"\b(\d{1,5}) ?([A-Z]{0,2})\b")


def address(raw: str) -> str:
    """A free-text address: postcode + house number when both can be found ("1234AB-12A"), otherwise the
    folded text itself, so that two entries of the same street and number still agree."""
    text = _SPACE.sub(" ", anyascii(_text("address", raw)).upper().replace(",", " ").replace(";", " ")).strip()
    number = _ADDRESS_NUMBER.search(_ADDRESS_POSTCODE.sub(" ", text))
    code = _ADDRESS_POSTCODE.search(text)
    if code and number and code[2] not in ("SA", "SD", "SS"):
        return f"{code[1]}{code[2]}-{number[1]}{number[2]}"
    if not number or not any(char.isalpha() for char in text):
        raise InvalidIdentifier("address", "an address needs a street and a house number")
    return text.lower()


def company_number(raw: str) -> str:
    """KvK-nummer: 8 digits (dots and spaces ignored)."""
    digits = _SEPARATORS.sub("", _text("company_number", raw))
    if len(digits) != 8 or not digits.isascii() or not digits.isdigit():
        raise InvalidIdentifier("company_number", "a KvK number has 8 digits")
    return digits


_HANDLE = re.compile(r"[\w.\-]{1,100}")


def online_handle(raw: str) -> str:
    """A user name on a platform: leading @ dropped, case folded. "platform:name" keeps the platform."""
    text = _text("online_handle", raw).casefold().removeprefix("@")
    platform, colon, name = text.rpartition(":")
    name = name.removeprefix("@")
    if not _HANDLE.fullmatch(name):
        raise InvalidIdentifier("online_handle", "a user name has no spaces and 1 to 100 characters")
    return f"{platform}:{name}" if colon else name


_DOCUMENT = re.compile(r"[A-Z0-9]{6,20}")


def document_number(raw: str) -> str:
    """Passport, identity card or permit number: 6–20 letters and digits, upper case."""
    number = _SEPARATORS.sub("", _text("document_number", raw)).upper()
    if not _DOCUMENT.fullmatch(number):
        raise InvalidIdentifier("document_number", "a document number has 6 to 20 letters and digits")
    return number


@lru_cache(maxsize=1024)
def nationality(raw: str) -> str:
    """An ISO 3166 country code of two letters (three-letter codes of the countries met most are mapped)."""
    code = _text("nationality", raw).upper()
    code = _ALPHA3.get(code, code)
    if len(code) != 2 or not code.isalpha() or not code.isascii():
        raise InvalidIdentifier("nationality", "use a country code such as NL, RO or NLD")
    return code


# The nationalities met most in Dutch trafficking figures (CoMensha), and the neighbours.
_ALPHA3 = {"NLD": "NL", "ROU": "RO", "BGR": "BG", "POL": "PL", "UKR": "UA", "HUN": "HU", "NGA": "NG",
           "MAR": "MA", "ERI": "ER", "VNM": "VN", "CHN": "CN", "SYR": "SY", "DEU": "DE", "BEL": "BE",
           "RUS": "RU", "MDA": "MD", "SVK": "SK", "LTU": "LT", "LVA": "LV", "IND": "IN", "PHL": "PH",
           "BRA": "BR", "SUR": "SR", "TUR": "TR", "ALB": "AL", "GHA": "GH", "SLE": "SL", "GIN": "GN"}


@lru_cache(maxsize=256)
def sex(raw: str) -> str:
    """"f", "m", "x"; Dutch and English words and letters."""
    value = {"v": "f", "vrouw": "f", "female": "f", "f": "f", "m": "m", "man": "m", "male": "m", "x": "x"}.get(
        _text("sex", raw).lower())
    if value is None:
        raise InvalidIdentifier("sex", "use f, m or x")
    return value


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date of birth as far as known: year always, month and day when given (0 when not)."""

    year: int
    month: int = 0
    day: int = 0

    def __str__(self) -> str:
        return "-".join([f"{self.year:04d}", *([f"{self.month:02d}"] if self.month else []),
                         *([f"{self.day:02d}"] if self.day else [])])


_DATE_PARTS = re.compile(r"[\s\-/.]+")


@lru_cache(maxsize=1 << 16)
def date_of_birth(raw: str) -> PartialDate:
    """"1998-03-07", "07-03-1998", "7/3/1998", "19980307", "1998-03", "03-1998" or "1998". A day-month order
    that cannot be a date (13+ as month) is read the other way round ("03/25/1998": the American order)."""
    text = _text("date_of_birth", raw)
    parts = [part for part in _DATE_PARTS.split(text) if part]
    if len(parts) == 1 and len(parts[0]) == 8 and parts[0].isdigit():
        parts = [parts[0][:4], parts[0][4:6], parts[0][6:]]
    if not parts or not all(part.isascii() and part.isdigit() for part in parts) or len(parts) > 3:
        raise InvalidIdentifier("date_of_birth", "not a date such as 07-03-1998, 03-1998 or 1998")
    if len(parts[0]) == 4:
        parts = parts[::-1]
    year, *rest = (int(part) for part in reversed(parts))
    if len(parts[-1]) != 4 or not 1900 <= year <= 2100:
        raise InvalidIdentifier("date_of_birth", "the year must be written in full, 1900 or later")
    month, day = (rest + [0, 0])[:2]
    if month > 12 and 1 <= day <= 12:
        month, day = day, month
    if not 0 <= month <= 12 or (day and not month) or not _day_fits(year, month, day):
        raise InvalidIdentifier("date_of_birth", "no such date")
    return PartialDate(year, month, day)


def _day_fits(year: int, month: int, day: int) -> bool:
    if not day:
        return True
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31,
            30, 31]
    return 1 <= day <= days[month - 1]


def person_name(*, full: str = "", given: str = "", surname: str = "") -> ParsedName:
    return _person_name(full, given, surname)


def _person_name(full: str, given: str, surname: str) -> ParsedName:
    """A name split for matching (see keten.linking.names), from a full name or from its parts."""
    if full:
        parsed = split_full_name(_text("name", full))
    else:
        parsed = split_parts(given or "", _text("name", surname) if surname else "")
    if not (given_key(parsed.given) or surname_key(parsed.surname)):
        raise InvalidIdentifier("name", "no letters in the name")
    if _DIGIT.search(full + given + surname):
        raise InvalidIdentifier("name", "a name has no digits")
    return parsed


#: The normaliser of every single-valued kind, by the names keten.identity and the Record use.
NORMALISERS = {
    "phone": phone, "iban": iban, "bsn": bsn, "email": email, "licence_plate": licence_plate,
    "postcode": postcode, "address": address, "company_number": company_number, "kvk": company_number,
    "online_handle": online_handle, "document_number": document_number, "nationality": nationality, "sex": sex,
    "date_of_birth": lambda raw: str(date_of_birth(raw)),
    "name": lambda raw: " ".join(part for part in person_name(full=raw) if part),
}


def normalise(kind: str, raw: str) -> str:
    """The canonical form of `raw` as a `kind`; InvalidIdentifier when it is not one."""
    try:
        normaliser = NORMALISERS[kind]
    except KeyError:
        raise InvalidIdentifier(kind, "unknown kind of identifier") from None
    return normaliser(raw)


def try_normalise(kind: str, raw: str | None) -> str | None:
    """`normalise`, or None for a missing or invalid value (batch input: one bad value must not stop a run)."""
    if not raw:
        return None
    try:
        return normalise(kind, raw)
    except InvalidIdentifier:
        return None

