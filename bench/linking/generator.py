"""Synthetic person records with known ground truth, for measuring the linking engine (fixed seed).

Noise model (per record, independently; the rates are the constants below):
- people: nationality by NATIONALITIES; given names from short per-country lists (so many people share one),
  surnames built from syllables with per-country endings (Romanian -escu, Polish -ski/-ska, Bulgarian and
  Ukrainian in Cyrillic -ов/-ова/-енко, Dutch with tussenvoegsels) and drawn Zipf-like, so common surnames exist;
  dates of birth 1960–2008; 1 to 8 records per person (mean about 2.2).
- names: Cyrillic names written in Cyrillic or in English, German, French or Polish transliteration; Polish and
  Romanian diacritics dropped; one typo (substitution, deletion, insertion or transposition); given name and
  surname swapped; given name as an initial; tussenvoegsels written "van der Berg", "v.d. Berg", "Berg van der",
  or left out; the whole name as "Surname, Given"; name missing.
- dates of birth: missing, year only, year and month, day and month swapped, one digit wrong, and written as
  07-03-1998, 1998-03-07, 7/3/1998 or 19980307.
- phones: written 06-12345678, +31 6 1234 5678, 0031612345678, (06) 12345678; one digit wrong; missing.
- shared values: people in a trafficking network carry the network's phone (5–30 people), people in workers'
  housing share an address (5–15 people), and records made at a shelter carry the shelter's phone and address
  (10 shelters, each in hundreds of records): values held by many unrelated people.
- other identifiers (e-mail, IBAN, plate, document number, BSN) present for some people, each missing in part
  of their records; nationality missing or written as a three-letter code.
"""

import random
import string
from dataclasses import dataclass

SEED = 20261128

NATIONALITIES = {"NL": 30, "RO": 15, "BG": 10, "PL": 12, "UA": 8, "HU": 5, "NG": 8, "VN": 5, "MA": 7}
ALPHA3 = {"NL": "NLD", "RO": "ROU", "BG": "BGR", "PL": "POL", "UA": "UKR", "HU": "HUN", "NG": "NGA", "VN": "VNM",
          "MA": "MAR"}

GIVEN = {
    "NL": "Jan Pieter Kees Henk Willem Daan Bram Sem Lucas Thijs Ruben Lars Joost Maarten Sanne Anouk Lotte Emma "
          "Julia Sophie Fleur Iris Eva Lieke Femke Noor Marieke Annelies Ingrid Wilma Petra Mirjam Joyce Kim",
    "RO": "Andrei Alexandru Ionuț Mihai Ștefan Cristian Florin Gheorghe Vasile Constantin Adrian Bogdan Ioana "
          "Maria Elena Andreea Alexandra Mihaela Cristina Gabriela Raluca Florentina Simona Loredana Daniela",
    "PL": "Łukasz Paweł Krzysztof Piotr Tomasz Michał Marcin Grzegorz Wojciech Jakub Mateusz Kamil Agnieszka "
          "Małgorzata Katarzyna Joanna Magdalena Żaneta Justyna Beata Dorota Ewa Anna Monika Aleksandra",
    "HU": "László István József Zoltán Sándor Gábor Ferenc Attila Péter Tamás Erzsébet Katalin Ilona Éva Anikó "
          "Zsuzsanna Mária Krisztina Judit Ágnes",
    "NG": "Chinedu Emeka Oluwaseun Adebayo Ifeanyi Uchenna Tunde Segun Obinna Chukwuemeka Ngozi Chioma Amaka "
          "Funmilayo Adaeze Blessing Precious Joy Favour Esther Gift Oluchi",
    "VN": "Minh Anh Tuan Hung Duc Thanh Long Nam Hoang Phuong Linh Huong Lan Mai Thu Ha Trang Ngoc Hoa Quynh",
    "MA": "Mohamed Youssef Ahmed Hamza Khalid Rachid Said Omar Karim Mehdi Fatima Khadija Aicha Meryem Samira "
          "Nadia Leila Salma Zineb Imane",
}
GIVEN_CYRILLIC = {
    "BG": "Георги Иван Димитър Николай Петър Христо Стефан Тодор Васил Красимир Мария Елена Йорданка Десислава "
          "Милена Цветелина Радка Силвия Гергана Юлия",
    "UA": "Олександр Андрій Сергій Дмитро Юрій Віталій Максим Богдан Тарас Микола Олена Юлія Наталія Оксана "
          "Тетяна Ірина Світлана Людмила Ганна Катерина",
}
GIVEN = {key: value.split() for key, value in GIVEN.items()} | {k: v.split() for k, v in GIVEN_CYRILLIC.items()}

CONSONANTS = "bdfghklmnprstvz"
VOWELS = "aeiou"
CYR_CONSONANTS = "бвгджзклмнпрстфхцчш"
CYR_VOWELS = "аеиоу"
SURNAME_ENDINGS = {
    "NL": ["", "", "er", "ink", "ema", "stra", "man", "huis", "sen", "s"],
    "RO": ["escu", "eanu", "u", "ea", "ache"], "PL": ["ski", "czyk", "wicz", "ak", "ek"],
    "HU": ["i", "ás", "os", "ely"], "NG": ["a", "ke", "wu", "ye"], "MA": ["i", "a", "aoui", "ani"],
    "BG": ["ов", "ев"], "UA": ["енко", "чук", "ко", "ий"],
}
VN_SURNAMES = ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Phan", "Vu", "Dang", "Bui", "Do", "Ho", "Ngo", "Duong"]
PARTICLES = ["van", "de", "van der", "van den", "van de", "ter", "den"]
ROMANIAN_DIACRITICS = {"escu": "escu", "s": "ș", "t": "ț", "a": "ă"}

#: Cyrillic transliteration schemes as people actually write names (English, German, French, Polish habits).
TRANSLIT = {
    "en": {"ш": "sh", "ж": "zh", "ч": "ch", "х": "kh", "ц": "ts", "ю": "yu", "я": "ya", "й": "y", "щ": "shch",
           "в": "v", "у": "u", "и": "i", "і": "i", "ї": "yi", "є": "ye", "ь": "", "ъ": "a"},
    "de": {"ш": "sch", "ж": "sh", "ч": "tsch", "х": "ch", "ц": "z", "ю": "ju", "я": "ja", "й": "j", "щ": "schtsch",
           "в": "w", "у": "u", "и": "i", "і": "i", "ї": "ji", "є": "je", "ь": "", "ъ": "a"},
    "fr": {"ш": "ch", "ж": "j", "ч": "tch", "х": "kh", "ц": "ts", "ю": "iou", "я": "ia", "й": "i", "щ": "chtch",
           "в": "v", "у": "ou", "и": "i", "і": "i", "ї": "ii", "є": "ie", "ь": "", "ъ": "a"},
    "pl": {"ш": "sz", "ж": "ż", "ч": "cz", "х": "ch", "ц": "c", "ю": "ju", "я": "ja", "й": "j", "щ": "szcz",
           "в": "w", "у": "u", "и": "i", "і": "i", "ї": "ji", "є": "je", "ь": "", "ъ": "a"},
}
BASIC_CYRILLIC = dict(zip("абгдезклмнопрстф", "abgdezklmnoprstf", strict=True)) | {"ё": "yo", "ы": "y", "э": "e"}

SHELTERS = 10
RECORDS_PER_PERSON = [1] * 45 + [2] * 25 + [3] * 15 + [4] * 8 + [5] * 3 + [6] * 2 + [7] * 1 + [8] * 1

# Noise rates (per record).
P_CYRILLIC_AS_WRITTEN = 0.3
P_DROP_DIACRITICS = 0.5
P_TYPO = 0.15
P_SWAP = 0.08
P_INITIAL = 0.05
P_NAME_MISSING = 0.03
P_FULL_NAME_FORM = 0.2
P_DOB_MISSING, P_DOB_YEAR, P_DOB_YEAR_MONTH, P_DOB_SWAP, P_DOB_DIGIT = 0.10, 0.05, 0.03, 0.04, 0.04
P_PHONE_MISSING, P_PHONE_TYPO = 0.25, 0.02
P_SHELTER, P_NETWORK, P_HOUSING = 0.03, 0.05, 0.10


@dataclass(frozen=True)
class Row:
    """One generated record and the person it belongs to (the ground truth)."""

    id: str
    person: int
    given_name: str
    surname: str
    name: str
    date_of_birth: str
    nationality: str
    sex: str
    postcode: str
    house_number: str
    phone: str
    email: str
    iban: str
    licence_plate: str
    document_number: str
    bsn: str


def transliterate(text: str, scheme: str) -> str:
    table = TRANSLIT[scheme]
    out = []
    for char in text:
        lower = char.lower()
        piece = table.get(lower, BASIC_CYRILLIC.get(lower, lower))
        out.append(piece.capitalize() if char != lower and piece else piece)
    return "".join(out)


def _bsn(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10 and digits[0] != 0:
            return "".join(map(str, digits)) + str(last)


def _iban(rng: random.Random) -> str:
    bank = rng.choice(["INGB", "RABO", "ABNA", "SNSB", "TRIO"])
    account = "".join(str(rng.randint(0, 9)) for _ in range(10))
    numeric = "".join(str(int(c, 36)) for c in bank + account + "NL00")
    check = 98 - int(numeric) % 97
    return f"NL{check:02d}{bank}{account}"


class Generator:
    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        rng = self.rng
        self.surnames = {}
        for country, endings in SURNAME_ENDINGS.items():
            cyrillic = country in ("BG", "UA")
            consonants, vowels = (CYR_CONSONANTS, CYR_VOWELS) if cyrillic else (CONSONANTS, VOWELS)
            pool = set()
            while len(pool) < 6000:
                stem = "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.choice((1, 2, 2, 3))))
                stem += rng.choice(consonants) if rng.random() < 0.5 else ""
                pool.add((stem + rng.choice(endings)).capitalize())
            self.surnames[country] = sorted(pool)
        self.surnames["VN"] = VN_SURNAMES
        self.shelters = [(f"+31 20 555 {1000 + i}", f"{1011 + i * 7} DA", str(10 + i)) for i in range(SHELTERS)]
        self.networks: list[str] = []
        self.housing: list[tuple[str, str]] = []

    def _zipf(self, pool: list[str]) -> str:
        # Rank r is drawn with weight ~ 1/r^0.8 by inverting a power law: a few very common surnames.
        index = int(len(pool) * self.rng.random() ** 2.2)
        return pool[min(index, len(pool) - 1)]

    def person(self, person_id: int) -> dict:
        rng = self.rng
        country = rng.choices(list(NATIONALITIES), weights=list(NATIONALITIES.values()))[0]
        sex = rng.choice("fm")
        given = rng.choice(GIVEN[country])
        surname = self._zipf(self.surnames[country])
        if country == "NL" and rng.random() < 0.25:
            surname = f"{rng.choice(PARTICLES)} {surname}"
        if country in ("BG", "PL") and sex == "f":
            surname = surname[:-1] + ("ова" if surname.endswith("ов") else "ева" if surname.endswith("ев")
                                      else "ska" if surname.endswith("ski") else surname[-1])
        year, month, day = rng.randint(1960, 2008), rng.randint(1, 12), rng.randint(1, 28)
        phone = (f"06{rng.randint(10000000, 99999999)}" if country == "NL" or rng.random() < 0.6 else
                 f"+{ {'RO': '40 7', 'BG': '359 8', 'PL': '48 5', 'UA': '380 6'}.get(country, '44 7')}"
                 f"{rng.randint(10000000, 99999999)}{'' if country in ('RO', 'BG', 'PL', 'UA') else '1'}")
        if rng.random() < P_NETWORK:
            if not self.networks or rng.random() < 0.1:
                self.networks.append(f"06{rng.randint(10000000, 99999999)}")
            phone = rng.choice(self.networks[-20:])
        postcode, house = (f"{rng.randint(1000, 9999)} {rng.choice(string.ascii_uppercase[:20])}"
                           f"{rng.choice(string.ascii_uppercase[:20])}", str(rng.randint(1, 300)))
        if rng.random() < P_HOUSING:
            if not self.housing or rng.random() < 0.12:
                self.housing.append((postcode, house))
            postcode, house = rng.choice(self.housing[-10:])
        elif rng.random() < 0.4:
            postcode = house = ""
        ascii_given = transliterate(given, "en") if country in ("BG", "UA") else given
        ascii_surname = transliterate(surname, "en") if country in ("BG", "UA") else surname
        email = (f"{ascii_given}.{ascii_surname.replace(' ', '')}{rng.randint(1, 99)}@example.com".lower()
                 if rng.random() < 0.35 else "")
        return {
            "id": person_id, "country": country, "sex": sex, "given": given, "surname": surname,
            "dob": (year, month, day), "phone": phone, "postcode": postcode, "house": house,
            "email": email.encode("ascii", "ignore").decode(),
            "iban": _iban(rng) if rng.random() < 0.2 else "",
            "plate": (f"{rng.choice('GHJKLNPRSTVXZ')}{rng.choice('GHJKLNPRSTVXZ')}-{rng.randint(100, 999)}-"
                      f"{rng.choice('BDFGHJKLNPRSTVXZ')}") if rng.random() < 0.06 else "",
            "document": (country + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(7))
                         if rng.random() < 0.3 else ""),
            "bsn": _bsn(rng) if country == "NL" and rng.random() < 0.4 else "",
        }

    def record(self, person: dict, record_id: str) -> Row:
        rng = self.rng
        given, surname = self._name_form(person["given"], person["country"]), self._name_form(person["surname"],
                                                                                              person["country"])
        if rng.random() < P_TYPO:
            if rng.random() < 0.5:
                given = _typo(rng, given)
            else:
                surname = _typo(rng, surname)
        particle, _space, core = surname.rpartition(" ") if person["country"] == "NL" else ("", "", surname)
        if particle:
            choice = rng.random()
            if choice < 0.2:
                surname = f"{'.'.join(word[0] for word in particle.split())}. {core}"
            elif choice < 0.35:
                surname = core
            elif choice < 0.5:
                surname = f"{particle.capitalize()} {core}"
        if rng.random() < P_INITIAL:
            given = given[0] + "."
        if rng.random() < P_SWAP:
            given, surname = surname, given
        name = ""
        if rng.random() < P_FULL_NAME_FORM and not particle:
            name, given, surname = f"{surname}, {given}", "", ""
        if rng.random() < P_NAME_MISSING:
            name = given = surname = ""
        shelter = self.shelters[rng.randrange(SHELTERS)] if rng.random() < P_SHELTER else None
        phone = shelter[0] if shelter else ("" if rng.random() < P_PHONE_MISSING else self._phone(person["phone"]))
        postcode, house = (shelter[1], shelter[2]) if shelter else (
            ("", "") if rng.random() < 0.3 else (self._postcode(person["postcode"]), person["house"]))
        nationality = "" if rng.random() < 0.2 else (ALPHA3[person["country"]] if rng.random() < 0.2
                                                     else person["country"])
        keep = rng.random

        return Row(
            id=record_id, person=person["id"], given_name=given, surname=surname, name=name,
            date_of_birth=self._dob(*person["dob"]), nationality=nationality,
            sex="" if keep() < 0.2 else person["sex"], postcode=postcode, house_number=house, phone=phone,
            email=(person["email"].upper() if keep() < 0.1 else person["email"]) if keep() < 0.6 else "",
            iban=person["iban"] if keep() < 0.6 else "", licence_plate=person["plate"] if keep() < 0.6 else "",
            document_number=person["document"] if keep() < 0.5 else "", bsn=person["bsn"] if keep() < 0.6 else "")

    def _name_form(self, text: str, country: str) -> str:
        rng = self.rng
        if country in ("BG", "UA"):
            return text if rng.random() < P_CYRILLIC_AS_WRITTEN else transliterate(text, rng.choice(list(TRANSLIT)))
        if country in ("PL", "RO", "HU") and rng.random() < P_DROP_DIACRITICS:
            from anyascii import anyascii

            return anyascii(text)
        return text

    def _phone(self, phone: str) -> str:
        rng = self.rng
        if rng.random() < P_PHONE_TYPO:
            position = rng.randrange(len(phone) - 4, len(phone))
            phone = phone[:position] + str((int(phone[position]) + 1) % 10) + phone[position + 1:]
        if not phone.startswith("06"):
            return phone
        rest = phone[2:]
        return rng.choice([phone, f"06-{rest}", f"+31 6 {rest[:4]} {rest[4:]}", f"00316{rest}", f"(06) {rest}",
                           f"06 {rest[:2]} {rest[2:4]} {rest[4:6]} {rest[6:]}"])

    def _postcode(self, postcode: str) -> str:
        return "" if not postcode else self.rng.choice([postcode, postcode.replace(" ", ""), postcode.lower()])

    def _dob(self, year: int, month: int, day: int) -> str:
        rng = self.rng
        draw = rng.random()
        if draw < P_DOB_MISSING:
            return ""
        draw -= P_DOB_MISSING
        if draw < P_DOB_YEAR:
            return str(year)
        draw -= P_DOB_YEAR
        if draw < P_DOB_YEAR_MONTH:
            return f"{month:02d}-{year}"
        draw -= P_DOB_YEAR_MONTH
        if draw < P_DOB_SWAP and day <= 12:
            month, day = day, month
        elif draw < P_DOB_SWAP + P_DOB_DIGIT:
            if rng.random() < 0.5:
                year += 1 if year % 10 != 9 else -1
            else:
                day += 1 if day % 10 != 9 else -1
        return rng.choice([f"{day:02d}-{month:02d}-{year}", f"{year}-{month:02d}-{day:02d}", f"{day}/{month}/{year}",
                           f"{year}{month:02d}{day:02d}"])


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    position = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    letter = rng.choice("abcdefghijklmnoprstuvwz")
    if kind < 0.35:
        return text[:position] + letter + text[position + 1:]
    if kind < 0.6:
        return text[:position] + text[position + 1:]
    if kind < 0.8:
        return text[:position] + letter + text[position:]
    return text[:position - 1] + text[position] + text[position - 1] + text[position + 1:]


def generate(records: int, seed: int = SEED) -> list[Row]:
    """`records` rows (ids "r0000001", ...), persons numbered from 0; deterministic for a seed."""
    generator = Generator(seed)
    rows: list[Row] = []
    person_id = 0
    while len(rows) < records:
        person = generator.person(person_id)
        for _ in range(min(generator.rng.choice(RECORDS_PER_PERSON), records - len(rows))):
            rows.append(generator.record(person, f"r{len(rows):07d}"))
        person_id += 1
    return rows
