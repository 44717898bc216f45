"""The advice of the Aanmeldwijzer, the public guide for front-desk staff: from a few plain answers and the social
map's contacts for a municipality to whom to call now, in which order, and what to tell them.

Pure: no database and no request. The view resolves the place and looks up `who_to_call`; this module decides.
Phone numbers come from the social map; the few public national lines below are used only where the social map
has none for the role (and 112, which no map needs to hold). No number here is made up."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from keten.socialmap.selectors import (
    CARE_COORDINATOR,
    COMENSHA,
    POLICE_AVIM,
    VEILIG_THUIS,
    ChainContact,
    PhoneNumber,
    WhoToCall,
)

Text = str | Promise

# What the worker noticed: the forms of exploitation of art. 273f Sr (codes of the social map's
# EXPLOITATION_FORM vocabulary), or "don't know".
SEXUAL, LABOUR, CRIMINAL, ORGAN_REMOVAL, UNKNOWN = "sexual", "labour", "criminal", "organ_removal", "unknown"
NOTICED = (SEXUAL, LABOUR, CRIMINAL, ORGAN_REMOVAL, UNKNOWN)


class Minor:
    """Does the person look younger than 18?"""

    YES, NO, UNSURE = "yes", "no", "unsure"
    ALL = (YES, NO, UNSURE)


# The kinds of contact, in the words of the chain roles where the social map has them.
EMERGENCY, POLICE, LABOUR_INSPECTORATE, ANONYMOUS = "emergency", "police", "labour_inspectorate", "anonymous"

#: Public national lines, used where the social map lists no number for the role. 112 is the emergency number;
#: 0900-8844 the police without urgency, 0800-2000 Veilig Thuis and 0800-7000 Meld Misdaad Anoniem as the brief
#: of this guide names them (the demo social map carries the first two as well); 0800-5151 the report line of
#: the Nederlandse Arbeidsinspectie (../shared/DOMAIN.md). CoMensha and the care coordinators have no national
#: number here on purpose: theirs come from the social map only.
EMERGENCY_NUMBER = PhoneNumber("112")
POLICE_NUMBER = PhoneNumber("0900-8844")
VEILIG_THUIS_NUMBER = PhoneNumber("0800-2000")
ANONYMOUS_NUMBER = PhoneNumber("0800-7000")
LABOUR_INSPECTORATE_NUMBER = PhoneNumber("0800-5151")


@dataclass(frozen=True)
class Answers:
    """What the worker answered; nothing about the person but these choices."""

    noticed: frozenset[str] = frozenset()
    minor: str = Minor.NO
    danger: bool = False


@dataclass(frozen=True)
class Contact:
    """One place to call, with why. `organization` and the hours come from the social map, when it has them."""

    kind: str
    name: Text
    why: Text
    phones: tuple[PhoneNumber, ...]
    organization: str = ""
    opening_hours: tuple[str, ...] = ()
    url: str = ""
    is_national: bool = False


@dataclass(frozen=True)
class Advice:
    """Who to call, first one first, and what to bear in mind. `municipality` is "" when the place is unknown."""

    contacts: tuple[Contact, ...]
    municipality: str
    notes: tuple[Text, ...] = ()

    @property
    def call_112_first(self) -> bool:
        return bool(self.contacts) and self.contacts[0].kind == EMERGENCY

    @property
    def for_the_person(self) -> tuple[Contact, ...]:
        """The contacts a person may call for help themselves (112 is in the text for the person already)."""
        return tuple(contact for contact in self.contacts if contact.kind in PERSON_KINDS)


PERSON_KINDS = frozenset({CARE_COORDINATOR, VEILIG_THUIS, POLICE, COMENSHA})

#: What to tell the person you call.
WHAT_TO_SAY = (
    _("Wat u zag of hoorde, in uw eigen woorden."),
    _("Waar het was: de plaats, en het adres of de werkplek als u die weet."),
    _("Wanneer het was, en of het vaker gebeurt."),
    _("Of de persoon nu in gevaar is."),
    _("Of de persoon jonger lijkt dan 18 jaar."),
    _("Hoe ze u kunnen terugbellen."),
)
#: And what is not needed.
NOT_NEEDED = _("De naam of andere gegevens van de persoon zijn niet nodig om advies te vragen. Noem ze alleen "
               "als dat nodig is en de persoon het goed vindt.")

UNKNOWN_PLACE_NOTE = _("We weten niet in welke gemeente dit is. Daarom ziet u alleen de landelijke nummers. Die "
                       "kunt u altijd bellen.")


def advise(answers: Answers, who: WhoToCall | None) -> Advice:
    """Who to call, in order: 112 first when there is danger now; for a minor Veilig Thuis, then the police;
    otherwise the region's care coordinator (CoMensha where the region has none), then the police; the labour
    inspectorate for labour exploitation; CoMensha as the national centre; and Meld Misdaad Anoniem last.
    `who` is None when the place is unknown: then only the national lines."""
    coordinators = _from_map(who, CARE_COORDINATOR, name=_("Zorgcoördinator mensenhandel"), why=_(
        "Het eerste aanspreekpunt in de regio voor opvang en hulp aan slachtoffers. Hier vraagt u advies en "
        "meldt u de persoon aan."))
    has_coordinator = bool(coordinators)
    comensha = _from_map(who, COMENSHA, name="CoMensha", why=_(
        "Landelijk coördinatiecentrum mensenhandel: advies, en het regelen van hulp waar de regio geen "
        "zorgcoördinator heeft.") if not has_coordinator else _(
        "Landelijk coördinatiecentrum mensenhandel: voor advies als u de zorgcoördinator niet bereikt."))
    veilig_thuis = _from_map(
        who, VEILIG_THUIS, name="Veilig Thuis", fallback=VEILIG_THUIS_NUMBER,
        why=_("De persoon lijkt jonger dan 18 jaar. Veilig Thuis geeft advies en neemt uw melding aan, dag en "
              "nacht.") if answers.minor == Minor.YES else _(
            "Twijfelt u of de persoon jonger is dan 18 jaar? Vraag Veilig Thuis om advies, dag en nacht."))
    police = _from_map(who, POLICE_AVIM, kind=POLICE, name=_("Politie"), fallback=POLICE_NUMBER, why=_(
        "Voor advies van de specialisten mensenhandel (AVIM) en voor een melding of aangifte. Vraag naar de "
        "afdeling mensenhandel."))
    regional = coordinators or comensha

    contacts: list[Contact] = []
    if answers.danger:
        contacts.append(Contact(kind=EMERGENCY, name=_("Alarmnummer 112"), phones=(EMERGENCY_NUMBER,), why=_(
            "Er is nu gevaar: bel eerst 112 en vraag om de politie. Blijf zelf ook veilig.")))
    if answers.minor == Minor.YES:
        contacts += [*veilig_thuis, *police, *regional]
    else:
        contacts += [*regional, *(veilig_thuis if answers.minor == Minor.UNSURE else ()), *police]
    if LABOUR in answers.noticed:
        contacts.append(Contact(
            kind=LABOUR_INSPECTORATE, name=_("Nederlandse Arbeidsinspectie"), phones=(LABOUR_INSPECTORATE_NUMBER,),
            is_national=True, why=_("Bij vermoedens van arbeidsuitbuiting: u meldt misstanden in werk, loon of "
                                    "huisvesting.")))
    if has_coordinator:
        contacts += comensha
    contacts.append(Contact(kind=ANONYMOUS, name=_("Meld Misdaad Anoniem"), phones=(ANONYMOUS_NUMBER,),
                            is_national=True, why=_("Wilt u iets melden zonder uw naam te noemen? Dat kan hier, "
                                                    "gratis.")))

    notes = (UNKNOWN_PLACE_NOTE,) if who is None else tuple(note for note in (who.fallback_note,) if note)
    return Advice(contacts=tuple(contacts), municipality=who.municipality.name if who else "", notes=notes)


def _from_map(who: WhoToCall | None, role: str, *, name: Text, why: Text, kind: str = "",
              fallback: PhoneNumber | None = None) -> list[Contact]:
    """The social map's contacts in a chain role; where it has none (or no number), the national line if any."""
    found: tuple[ChainContact, ...] = who.contacts_for(role) if who else ()
    contacts = [
        Contact(kind=kind or role, name=name, why=why,
                phones=contact.phones or ((fallback,) if fallback else ()),
                organization=contact.organization_name, opening_hours=contact.opening_hours, url=contact.url,
                is_national=contact.is_national)
        for contact in found
    ]
    if not contacts and fallback:
        contacts.append(Contact(kind=kind or role, name=name, why=why, phones=(fallback,), is_national=True))
    return contacts
