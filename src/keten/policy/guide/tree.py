"""The decision tree of "Mag ik dit delen?" as data: its questions, answers and outcomes, and how to walk it.

A path is the list of option keys a visitor chose, from START onwards. Keys are short, fixed words
("no", "care", "adult"), so a path in a URL never carries anything about a person.

The legal content follows the Handvat gegevensuitwisseling in het zorg- en veiligheidsdomein, the meldcode
huiselijk geweld en kindermishandeling (with its afwegingskader, 2019) and the KNMG guidance on professional
secrecy. Legal bases are codes of keten.policy.bases.LEGAL_BASES.
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Text = str | Promise

#: What an option key may look like: it ends up in a URL, separated by dots.
KEY_PATTERN = re.compile(r"^[a-z0-9_]{1,32}$")
#: A path longer than this cannot be real: the deepest path of the tree is far shorter.
MAX_PATH_LENGTH = 20


@dataclass(frozen=True)
class Option:
    """One answer to a question: its label, the id of the node it leads to, and the key that names it in a path."""

    label: Text
    next: str
    key: str


@dataclass(frozen=True)
class Question:
    id: str
    text: Text
    help: Text
    options: tuple[Option, ...]

    def option(self, key: str) -> Option | None:
        return next((option for option in self.options if option.key == key), None)


@dataclass(frozen=True)
class Outcome:
    """Where a path ends: the advice, who to share with, the legal bases (codes) and the next steps."""

    id: str
    title: Text
    recommendation: Text
    share_with: tuple[Text, ...]
    basis_codes: tuple[str, ...]
    steps: tuple[Text, ...]


Node = Question | Outcome


class InvalidPath(ValueError):
    """A path that does not lead through the tree: an unknown answer, or answers after an outcome.

    `position` is the 1-based number of the answer that does not fit."""

    def __init__(self, message: str, *, position: int):
        super().__init__(message)
        self.position = position


YES = _("Ja")
NO = _("Nee")


def _yes_no(*, yes: str, no: str, yes_label: Text = YES, no_label: Text = NO) -> tuple[Option, ...]:
    return (Option(label=yes_label, next=yes, key="yes"), Option(label=no_label, next=no, key="no"))


def _age(*, adult: str, minor_16_17: str, under_16: str) -> tuple[Option, ...]:
    return (
        Option(label=_("18 jaar of ouder"), next=adult, key="adult"),
        Option(label=_("16 of 17 jaar"), next=minor_16_17, key="age_16_17"),
        Option(label=_("Jonger dan 16 jaar"), next=under_16, key="under_16"),
    )


AGE_TEXT = _("Hoe oud is de persoon om wie het gaat?")
AGE_HELP = _("Weet u het niet zeker, maar kan de persoon jonger zijn dan 18 jaar? Ga dan uit van een minderjarige.")
CONSENT_TEXT = _("Geeft de persoon toestemming om het signaal te delen?")
CONSENT_HELP = _(
    "Toestemming moet vrij gegeven zijn. De persoon weet dan wat u deelt, met wie en waarom. "
    "Heeft u het nog niet gevraagd? Kies dan ‘Nee’."
)
CONSENT_YES = _("Ja, de persoon geeft toestemming")
CONSENT_NO = _("Nee, of ik heb het nog niet gevraagd")

QUESTIONS = (
    Question(
        id="acute_danger",
        text=_("Is er nu acuut gevaar voor iemand?"),
        help=_("Bijvoorbeeld: iemand wordt bedreigd, mishandeld of vastgehouden, is ernstig gewond, "
               "of dat gaat nu gebeuren."),
        options=_yes_no(yes="call_112", no="organisation",
                        yes_label=_("Ja, er is nu acuut gevaar"), no_label=_("Nee, niet op dit moment")),
    ),
    Question(
        id="organisation",
        text=_("Waar werkt u?"),
        help=_("Kies wat het best past. Werkt u in een wijkteam als hulpverlener met een beroepsgeheim? "
               "Kies dan zorg of hulpverlening."),
        options=(
            Option(label=_("Zorg of hulpverlening met een beroepsgeheim, bijvoorbeeld huisarts, arts, "
                           "verpleegkundige, ggz of maatschappelijk werk"), next="age_secrecy", key="care"),
            Option(label=_("Jeugdhulp of jeugdbescherming"), next="age_secrecy", key="youth"),
            Option(label=_("Opvang, bijvoorbeeld vrouwenopvang of maatschappelijke opvang"),
                   next="age_secrecy", key="shelter"),
            Option(label=_("Gemeente, bijvoorbeeld een loket, burgerzaken of handhaving"),
                   next="municipality_subject", key="municipality"),
            Option(label=_("Veilig Thuis"), next="veilig_thuis_consent", key="veilig_thuis"),
            Option(label=_("Politie, Koninklijke Marechaussee of Nederlandse Arbeidsinspectie"),
                   next="investigation_subject", key="investigation"),
            Option(label=_("School, werkgever, woningcorporatie of een andere organisatie"),
                   next="age_general", key="other"),
        ),
    ),
    Question(
        id="municipality_subject",
        text=_("Waar gaat uw signaal over?"),
        help=_("Bijvoorbeeld bij burgerzaken: veel mensen die op één adres staan ingeschreven, of een bedrijf "
               "dat steeds nieuwe arbeidsmigranten inschrijft."),
        options=(
            Option(label=_("Over een persoon die misschien slachtoffer is en hulp nodig heeft"),
                   next="age_general", key="person"),
            Option(label=_("Over een adres, pand, bedrijf of netwerk"), next="municipality_partnership", key="place"),
        ),
    ),
    # Professionals with (statutory or professional) secrecy: without consent, only the meldcode or a
    # conflict of duties lets them share.
    Question(id="age_secrecy", text=AGE_TEXT, help=AGE_HELP,
             options=_age(adult="consent_adult_secrecy", minor_16_17="consent_16_17", under_16="parent_safe")),
    Question(id="age_general", text=AGE_TEXT, help=AGE_HELP,
             options=_age(adult="consent_adult_general", minor_16_17="consent_16_17", under_16="parent_safe")),
    Question(id="consent_adult_secrecy", text=CONSENT_TEXT, help=CONSENT_HELP,
             options=_yes_no(yes="refer_with_consent", no="serious_harm", yes_label=CONSENT_YES, no_label=CONSENT_NO)),
    Question(id="consent_adult_general", text=CONSENT_TEXT, help=CONSENT_HELP,
             options=_yes_no(yes="refer_with_consent", no="consult_anonymously",
                             yes_label=CONSENT_YES, no_label=CONSENT_NO)),
    Question(
        id="consent_16_17",
        text=_("Geeft de jongere zelf toestemming om het signaal te delen?"),
        help=_("Vanaf 16 jaar geeft een jongere zelf toestemming. Toestemming van de ouders is dan niet nodig."),
        options=_yes_no(yes="refer_with_consent", no="meldcode_veilig_thuis",
                        yes_label=_("Ja, de jongere geeft toestemming"), no_label=CONSENT_NO),
    ),
    Question(
        id="parent_safe",
        text=_("Kunt u de ouder of voogd veilig om toestemming vragen?"),
        help=_("Onder de 16 jaar geeft de ouder of voogd toestemming. Kies ‘Nee’ als de ouder of voogd zelf "
               "betrokken kan zijn bij de uitbuiting, of als het kind door de vraag in gevaar kan komen."),
        options=_yes_no(yes="minor_parent_consent", no="meldcode_veilig_thuis",
                        yes_label=_("Ja, dat kan veilig"), no_label=_("Nee, of ik twijfel")),
    ),
    Question(
        id="serious_harm",
        text=_("Loopt de persoon of iemand anders ernstig gevaar als u het signaal niet deelt?"),
        help=_("Denk aan uitbuiting die doorgaat, geweld, bedreiging of ernstige schade aan de gezondheid. "
               "Het gevaar is niet acuut, maar wel ernstig."),
        options=_yes_no(yes="domestic_circle", no="consult_anonymously",
                        yes_label=_("Ja, dat denk ik"), no_label=_("Nee, of dat weet ik nog niet")),
    ),
    Question(
        id="domestic_circle",
        text=_("Hoort de (vermoedelijke) dader bij de huiselijke kring van de persoon?"),
        help=_("Tot de huiselijke kring horen een partner of ex-partner, familieleden, huisgenoten en "
               "huisvrienden. Een loverboy die zich als vriend voordoet, hoort daar vaak ook bij."),
        options=_yes_no(yes="meldcode_veilig_thuis", no="conflict_of_duties",
                        no_label=_("Nee, of dat weet ik niet")),
    ),
    Question(
        id="veilig_thuis_consent",
        text=_("Is er toestemming om de persoon aan te melden voor opvang of hulp?"),
        help=_("Vanaf 16 jaar geeft de persoon zelf toestemming, onder de 16 jaar de ouder of voogd."),
        options=_yes_no(yes="refer_with_consent", no="veilig_thuis_task",
                        yes_label=_("Ja, er is toestemming"), no_label=_("Nee, of nog niet")),
    ),
    Question(
        id="investigation_subject",
        text=_("Waar gaat uw informatie over?"),
        help=_("Bij de geringste aanwijzing van mensenhandel is iemand een vermoedelijk slachtoffer."),
        options=(
            Option(label=_("Over een vermoedelijk slachtoffer"), next="comensha_duty", key="victim"),
            Option(label=_("Over vermoedelijke daders, een adres of een bedrijf"),
                   next="police_partnership", key="suspects"),
        ),
    ),
)

OUTCOMES = (
    Outcome(
        id="call_112",
        title=_("Bel 112"),
        recommendation=_(
            "Er is acuut gevaar. Bel direct 112. U mag dan zonder toestemming delen wat de hulpdiensten nodig "
            "hebben om het gevaar af te wenden. Heeft u een beroepsgeheim? Dan mag u het doorbreken als dat de "
            "enige manier is om ernstige schade te voorkomen. Dat heet een conflict van plichten."
        ),
        share_with=(_("De politie, ambulance of brandweer, via 112"),),
        basis_codes=("avg_6_1_d", "conflict_of_duties"),
        steps=(
            _("Bel 112 en zeg dat er acuut gevaar is."),
            _("Deel alleen wat nodig is om het gevaar af te wenden: waar de persoon is, wat er aan de hand is en "
              "welk gevaar er dreigt."),
            _("Let op uw eigen veiligheid. Spreek een mogelijke dader niet zelf aan."),
            _("Schrijf daarna op wat u heeft gedeeld, met wie en waarom."),
            _("Bespreek het daarna met uw aandachtsfunctionaris. Samen kunt u de zorgcoördinator mensenhandel "
              "of Veilig Thuis inschakelen voor verdere hulp."),
        ),
    ),
    Outcome(
        id="refer_with_consent",
        title=_("Meld de persoon aan bij de zorgcoördinator mensenhandel"),
        recommendation=_(
            "Met toestemming mag u de gegevens delen die nodig zijn om opvang of hulp aan te vragen. De "
            "zorgcoördinator mensenhandel in uw regio regelt opvang en zorg, en kan de persoon met toestemming "
            "aanmelden bij CoMensha. Toestemming is nodig voor de aanvraag van opvang of hulp. Niet voor iedere "
            "uitwisseling daarna is opnieuw toestemming nodig: vaak is er een andere grondslag, bijvoorbeeld "
            "voor hulpverleners die direct bij de zorg betrokken zijn. Na de invoering van de AVG dachten veel "
            "mensen dat er altijd uitdrukkelijke toestemming nodig is. Dat klopt niet."
        ),
        share_with=(
            _("De zorgcoördinator mensenhandel in uw regio"),
            _("CoMensha, voor registratie en eventueel een plek in de opvang (via de zorgcoördinator, met "
              "toestemming)"),
        ),
        basis_codes=("consent", "avg_9_2_h"),
        steps=(
            _("Leg de toestemming vast: wat u deelt, met wie, voor welk doel, de datum en tot wanneer de "
              "toestemming geldt."),
            _("Deel alleen wat nodig is voor de aanmelding. Gegevens over gezondheid deelt u alleen als dat voor "
              "de hulp nodig is."),
            _("Meld de persoon aan bij de zorgcoördinator mensenhandel van uw regio. Die regelt opvang en zorg "
              "en blijft het aanspreekpunt."),
            _("Heeft de persoon geen verblijfsvergunning? Dan kan hij of zij recht hebben op bedenktijd "
              "(Vreemdelingencirculaire B8/3). De zorgcoördinator helpt bij het contact met de politie."),
            _("De persoon mag de toestemming altijd intrekken. Deel daarna niets meer op basis van die "
              "toestemming."),
        ),
    ),
    Outcome(
        id="consult_anonymously",
        title=_("Vraag toestemming en overleg intussen anoniem"),
        recommendation=_(
            "Zonder toestemming deelt u in deze situatie geen gegevens waarmee iemand te herkennen is. U kunt het "
            "signaal wel anoniem bespreken, dus zonder naam of andere herkenbare gegevens. Doe dat met uw "
            "aandachtsfunctionaris en met de zorgcoördinator mensenhandel van uw regio. Probeer intussen "
            "toestemming te krijgen."
        ),
        share_with=(
            _("Uw aandachtsfunctionaris (anoniem)"),
            _("De zorgcoördinator mensenhandel in uw regio (anoniem)"),
            _("CoMensha of Veilig Thuis (0800 2000), voor advies (anoniem)"),
        ),
        basis_codes=("consent",),
        steps=(
            _("Leg de persoon uit wat u wilt delen, met wie en waarom. Vraag dan om toestemming."),
            _("Bespreek het signaal anoniem: noem geen naam, geboortedatum, adres of andere gegevens waaraan "
              "iemand te herkennen is."),
            _("Vraag de zorgcoördinator mensenhandel of CoMensha om advies over wat u kunt doen."),
            _("Speelt er ook huiselijk geweld? Iedereen kan Veilig Thuis (0800 2000) om advies vragen."),
            _("Heeft u geen beroepsgeheim en vermoedt u een misdrijf? Dan kunt u ook anoniem melden bij Meld "
              "Misdaad Anoniem (0800 7000)."),
            _("Komt iemand in ernstig gevaar? Doorloop deze hulp dan opnieuw. Bij acuut gevaar belt u 112."),
            _("Schrijf in het dossier op wat u heeft gedaan en met wie u heeft overlegd."),
        ),
    ),
    Outcome(
        id="meldcode_veilig_thuis",
        title=_("Volg de meldcode en meld zo nodig bij Veilig Thuis"),
        recommendation=_(
            "Volg de vijf stappen van de meldcode huiselijk geweld en kindermishandeling. Uitbuiting van een "
            "minderjarige valt ook onder kindermishandeling. U mag bij Veilig Thuis melden zonder toestemming "
            "van de betrokkene; heeft u een beroepsgeheim, dan geeft de wet u daarvoor een meldrecht. Is er "
            "acute of structurele onveiligheid, of kunt u geen goede hulp bieden of organiseren? Dan meldt u "
            "bij Veilig Thuis."
        ),
        share_with=(
            _("Veilig Thuis (0800 2000), voor advies of een melding"),
            _("Uw aandachtsfunctionaris huiselijk geweld en kindermishandeling"),
            _("De zorgcoördinator mensenhandel, via Veilig Thuis of met toestemming"),
        ),
        basis_codes=("meldcode", "wmo", "jeugdwet"),
        steps=(
            _("Breng de signalen in kaart. Schrijf op wat u ziet en hoort, niet wat u denkt."),
            _("Overleg met een collega of uw aandachtsfunctionaris. Vraag zo nodig Veilig Thuis om "
              "advies; dat kan anoniem."),
            _("Ga in gesprek met de persoon, en bij een kind ook met de ouder of voogd. Sla dit gesprek "
              "over als het iemand in gevaar brengt."),
            _("Weeg het geweld of de uitbuiting. Twijfelt u? Vraag Veilig Thuis dan altijd om advies."),
            _("Neem twee besluiten. Is melden nodig? Bij acute of structurele onveiligheid meldt u altijd "
              "bij Veilig Thuis. Kunt u zelf hulp bieden of organiseren? Als dat niet kan, meldt u ook."),
        ),
    ),
    Outcome(
        id="minor_parent_consent",
        title=_("Vraag de ouder of voogd om toestemming"),
        recommendation=_(
            "Het kind is jonger dan 16 jaar. Dan geeft de ouder of voogd toestemming om gegevens te delen voor "
            "opvang of hulp. Met die toestemming meldt u het kind aan bij de zorgcoördinator mensenhandel of bij "
            "de jeugdhulp. Weigert de ouder of voogd, of twijfelt u aan de veiligheid van het kind? Volg dan de "
            "meldcode en meld zo nodig bij Veilig Thuis."
        ),
        share_with=(
            _("De zorgcoördinator mensenhandel in uw regio"),
            _("De jeugdhulp of het wijkteam van de gemeente"),
            _("Veilig Thuis (0800 2000), als de ouder of voogd weigert of als u twijfelt aan de veiligheid"),
        ),
        basis_codes=("consent", "jeugdwet", "meldcode"),
        steps=(
            _("Vertel de ouder of voogd wat u wilt delen, met wie en waarom. Vraag dan om toestemming."),
            _("Betrek het kind zelf ook, op een manier die past bij de leeftijd. Is het kind 12 jaar of ouder? "
              "Vraag het dan ook zelf om toestemming."),
            _("Is het kind zonder ouders in Nederland? Dan is Nidos meestal de voogd."),
            _("Leg de toestemming vast: wat u deelt, met wie, voor welk doel, de datum en tot wanneer."),
            _("Weigert de ouder of voogd, of brengt de vraag het kind in gevaar? Volg dan de meldcode."),
        ),
    ),
    Outcome(
        id="conflict_of_duties",
        title=_("Weeg af of u uw beroepsgeheim mag doorbreken"),
        recommendation=_(
            "U heeft geen toestemming, maar u denkt dat de persoon of iemand anders ernstig gevaar loopt. Dan "
            "mag u uw beroepsgeheim doorbreken als u dat zorgvuldig afweegt en er geen andere weg is. Dat heet "
            "een conflict van plichten. Deel dan alleen wat strikt nodig is, bijvoorbeeld met de politie of de "
            "zorgcoördinator mensenhandel. Ook in een Zorg- en Veiligheidshuis of een ander samenwerkingsverband "
            "blijft uw beroepsgeheim gelden."
        ),
        share_with=(
            _("De politie (0900 8844): alleen wat nodig is om het gevaar af te wenden"),
            _("De zorgcoördinator mensenhandel in uw regio"),
            _("Uw aandachtsfunctionaris of privacyfunctionaris, om vooraf te overleggen"),
        ),
        basis_codes=("conflict_of_duties",),
        steps=(
            _("Bepaal het doel: welk gevaar wilt u afwenden door het signaal te delen?"),
            _("Probeer eerst toestemming te krijgen. Kan dat niet, of brengt de vraag iemand in gevaar? Schrijf "
              "dan op waarom."),
            _("Ga na of er een andere weg is zonder uw beroepsgeheim te doorbreken, bijvoorbeeld anoniem overleg "
              "met de zorgcoördinator mensenhandel."),
            _("Weeg af: is de schade als u zwijgt groter dan de schade als u deelt?"),
            _("Deel alleen wat nodig is, en alleen met wie het gevaar kan afwenden."),
            _("Overleg vooraf met uw aandachtsfunctionaris of privacyfunctionaris. Leg uw afweging vast in het "
              "dossier, en ook wat u met wie heeft gedeeld."),
        ),
    ),
    Outcome(
        id="veilig_thuis_task",
        title=_("Voer uw wettelijke taak uit; voor een aanmelding voor opvang is toestemming nodig"),
        recommendation=_(
            "Veilig Thuis mag voor zijn wettelijke taak gegevens gebruiken en delen zonder toestemming, als dat "
            "nodig is om huiselijk geweld of kindermishandeling te onderzoeken of te stoppen. Zo kunt u de "
            "politie inlichten of een casus inbrengen bij de Signaaltafel of het Zorg- en Veiligheidshuis. Een "
            "aanmelding voor opvang of hulp bij de zorgcoördinator mensenhandel doet u met toestemming. Zonder "
            "toestemming kunt u de zorgcoördinator wel anoniem om advies vragen."
        ),
        share_with=(
            _("De politie, bij een vermoeden van mensenhandel of een ander strafbaar feit"),
            _("De Signaaltafel of het Zorg- en Veiligheidshuis"),
            _("De zorgcoördinator mensenhandel: anoniem, of met toestemming"),
        ),
        basis_codes=("wmo", "avg_6_1_e", "avg_9_2_g", "wgs"),
        steps=(
            _("Deel alleen wat nodig is voor uw taak. Schrijf op wat u met wie deelt en waarom."),
            _("Overleg met de politie over het vermoeden van mensenhandel. De politie meldt vermoedelijke "
              "slachtoffers bij CoMensha."),
            _("Blijf werken aan toestemming voor hulp. Met toestemming meldt u de persoon aan bij de "
              "zorgcoördinator mensenhandel."),
            _("Gaat het om een kind en geeft de ouder of voogd geen toestemming? Overweeg dan een verzoek tot "
              "onderzoek bij de Raad voor de Kinderbescherming."),
        ),
    ),
    Outcome(
        id="comensha_duty",
        title=_("Meld het vermoedelijke slachtoffer bij CoMensha"),
        recommendation=_(
            "Politie en Koninklijke Marechaussee moeten ieder vermoedelijk slachtoffer van mensenhandel melden "
            "bij CoMensha. Dat is een plicht, ook zonder toestemming van het slachtoffer en ook als er geen "
            "aangifte komt. Ook de Nederlandse Arbeidsinspectie meldt vermoedelijke slachtoffers bij CoMensha; "
            "volg daarvoor uw eigen werkinstructie. Heeft het slachtoffer geen rechtmatig verblijf? Bied dan bij "
            "de geringste aanwijzing de bedenktijd aan (Vreemdelingencirculaire B8/3). Voor opvang en zorg meldt "
            "u het slachtoffer, met toestemming, aan bij de zorgcoördinator mensenhandel."
        ),
        share_with=(
            _("CoMensha, dat vermoedelijke slachtoffers landelijk registreert"),
            _("De zorgcoördinator mensenhandel in de regio, met toestemming van het slachtoffer"),
            _("De IND, als het slachtoffer een verblijfsvergunning op grond van B8/3 aanvraagt"),
        ),
        basis_codes=("besluit_politiegegevens_comensha", "avg_10_wpg"),
        steps=(
            _("Meld het vermoedelijke slachtoffer bij CoMensha, ook als het slachtoffer (nog) geen aangifte doet."),
            _("Heeft het slachtoffer geen rechtmatig verblijf? Bied dan de bedenktijd aan: maximaal drie maanden "
              "om te beslissen over aangifte, met opvang en verblijf in die tijd."),
            _("Vraag het slachtoffer om toestemming voor een aanmelding bij de zorgcoördinator mensenhandel, voor "
              "opvang en zorg."),
            _("Deel met iedere ontvanger alleen de gegevens die hij voor zijn taak nodig heeft."),
        ),
    ),
    Outcome(
        id="police_partnership",
        title=_("Deel via de Signaaltafel, het RIEC of het Zorg- en Veiligheidshuis"),
        recommendation=_(
            "Informatie over vermoedelijke daders, adressen of bedrijven deelt u binnen een samenwerkingsverband, "
            "zoals de Signaaltafel, het RIEC of het Zorg- en Veiligheidshuis. De Wet politiegegevens staat dat "
            "toe voor een zwaarwegend algemeen belang, zoals de aanpak van mensenhandel. Sinds 1 maart 2025 geeft "
            "de Wet gegevensverwerking door samenwerkingsverbanden (WGS) aangewezen samenwerkingsverbanden, zoals "
            "het RIEC en het Zorg- en Veiligheidshuis, een wettelijke basis om samen gegevens te verwerken."
        ),
        share_with=(
            _("De Signaaltafel mensenhandel in uw regio"),
            _("Het RIEC, voor de bestuurlijke aanpak"),
            _("Het Zorg- en Veiligheidshuis"),
        ),
        basis_codes=("wpg_partnership", "wgs", "avg_10_wpg"),
        steps=(
            _("Breng de informatie in volgens de werkafspraken van het samenwerkingsverband."),
            _("Deel alleen wat nodig is voor het doel van het samenwerkingsverband."),
            _("Gaat het ook om een vermoedelijk slachtoffer? Meld die dan bij CoMensha."),
            _("Leg vast wat u heeft gedeeld, met wie en met welk doel."),
        ),
    ),
    Outcome(
        id="municipality_partnership",
        title=_("Breng het signaal in bij het RIEC of het Zorg- en Veiligheidshuis"),
        recommendation=_(
            "Als gemeente mag u gegevens gebruiken voor uw publieke taak. Signalen over een adres, pand, bedrijf "
            "of netwerk kunt u inbrengen bij het RIEC of het Zorg- en Veiligheidshuis. Sinds 1 maart 2025 geeft "
            "de Wet gegevensverwerking door samenwerkingsverbanden (WGS) een wettelijke basis om in zulke "
            "samenwerkingsverbanden samen gegevens te verwerken. Deel alleen wat nodig is voor het doel van het "
            "samenwerkingsverband."
        ),
        share_with=(
            _("Het RIEC in uw regio"),
            _("Het Zorg- en Veiligheidshuis"),
            _("De politie, bij een vermoeden van een strafbaar feit"),
        ),
        basis_codes=("avg_6_1_e", "wgs"),
        steps=(
            _("Bespreek het signaal met de contactpersoon mensenhandel of ondermijning van uw gemeente."),
            _("Breng het signaal in bij het RIEC of het Zorg- en Veiligheidshuis, volgens de afspraken van uw "
              "gemeente."),
            _("Deel alleen wat nodig is: het adres, het bedrijf en wat u heeft gezien. Gegevens over personen "
              "deelt u alleen als dat voor het doel nodig is."),
            _("Ziet u een persoon die hulp nodig heeft? Doorloop deze hulp dan opnieuw voor die persoon."),
        ),
    ),
)

TREE: dict[str, Node] = {node.id: node for node in (*QUESTIONS, *OUTCOMES)}
START = "acute_danger"


@dataclass(frozen=True)
class Walk:
    """Where a path leads, and the answers given on the way (question and chosen option, in order)."""

    node: Node
    trail: tuple[tuple[Question, Option], ...]


def follow(answers: Sequence[str]) -> Walk:
    """Walk the tree along `answers` (option keys); raise InvalidPath where an answer does not fit."""
    if len(answers) > MAX_PATH_LENGTH:
        raise InvalidPath(f"path has {len(answers)} answers; at most {MAX_PATH_LENGTH}", position=MAX_PATH_LENGTH + 1)
    node: Node = TREE[START]
    trail: list[tuple[Question, Option]] = []
    for position, key in enumerate(answers, start=1):
        if isinstance(node, Outcome):
            raise InvalidPath(f"answer {position} ({key!r}) comes after outcome {node.id!r}", position=position)
        option = node.option(key)
        if option is None:
            valid = ", ".join(o.key for o in node.options)
            raise InvalidPath(f"answer {position} ({key!r}) is not an option of question {node.id!r} ({valid})",
                              position=position)
        trail.append((node, option))
        node = TREE[option.next]
    return Walk(node=node, trail=tuple(trail))


def walk(answers: Sequence[str]) -> Node:
    """The question to ask next, or the outcome, after `answers`."""
    return follow(answers).node


def all_paths() -> list[tuple[str, ...]]:
    """Every path from START to an outcome, depth first in the order of the options.

    Raises ValueError on a cycle or on an option that points at no node, so a broken tree fails loudly."""
    paths: list[tuple[str, ...]] = []

    def visit(node_id: str, path: tuple[str, ...], seen: tuple[str, ...]) -> None:
        if node_id not in TREE:
            raise ValueError(f"path {'.'.join(path)!r} leads to unknown node {node_id!r}")
        if node_id in seen:
            raise ValueError(f"cycle: {' -> '.join((*seen, node_id))}")
        node = TREE[node_id]
        if isinstance(node, Outcome):
            paths.append(path)
            return
        for option in node.options:
            visit(option.next, (*path, option.key), (*seen, node_id))

    visit(START, (), ())
    return paths


def iter_nodes(kind: type) -> Iterator:
    """The nodes of one kind (Question or Outcome), in definition order."""
    return (node for node in TREE.values() if isinstance(node, kind))
