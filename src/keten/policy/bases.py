"""The legal bases Keten knows, as data: a citation and a plain-Dutch explanation for each.

The policy rules, the sharing guide and (later) the knowledge base all read them from here.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class LegalBasis:
    code: str
    citation: str | Promise
    explanation: str | Promise


_BASES = [
    LegalBasis("avg_6_1_c", _("AVG art. 6 lid 1 sub c"),
               _("De verwerking is nodig om een wettelijke plicht na te komen, bijvoorbeeld de meldplicht van "
                 "politie en KMar aan CoMensha.")),
    LegalBasis("avg_6_1_e", _("AVG art. 6 lid 1 sub e"),
               _("De verwerking is nodig voor een taak van algemeen belang die bij wet aan de organisatie is "
                 "opgedragen, zoals de zorg en opvang die gemeenten moeten regelen.")),
    LegalBasis("avg_6_1_d", _("AVG art. 6 lid 1 sub d (en art. 9 lid 2 sub c)"),
               _("De verwerking is nodig om het leven of de gezondheid van iemand te beschermen, als toestemming "
                 "vragen niet kan.")),
    LegalBasis("avg_9_2_g", _("AVG art. 9 lid 2 sub g"),
               _("Bijzondere persoonsgegevens (zoals gezondheid of seksueel leven) mogen worden gebruikt als "
                 "dat nodig is om redenen van zwaarwegend algemeen belang, op basis van een wet.")),
    LegalBasis("avg_9_2_h", _("AVG art. 9 lid 2 sub h"),
               _("Gezondheidsgegevens mogen worden gebruikt voor zorg en behandeling, door of onder "
                 "verantwoordelijkheid van iemand met een beroepsgeheim.")),
    LegalBasis("avg_10_wpg", _("AVG art. 10 jo. Wet politiegegevens"),
               _("Strafrechtelijke gegevens mogen alleen worden gebruikt onder toezicht van de overheid of op "
                 "basis van een specifieke wet; voor de politie is dat de Wet politiegegevens.")),
    LegalBasis("wpg_partnership", _("Wet politiegegevens art. 20 (samenwerkingsverband)"),
               _("De politie mag politiegegevens verstrekken aan partners in een samenwerkingsverband voor een "
                 "zwaarwegend algemeen belang, zoals de aanpak van mensenhandel.")),
    LegalBasis("wgs", _("Wet gegevensverwerking door samenwerkingsverbanden (WGS)"),
               _("Sinds 1 maart 2025 mogen partners in een samenwerkingsverband, zoals een Zorg- en "
                 "Veiligheidshuis of RIEC, onder voorwaarden samen gegevens verwerken.")),
    LegalBasis("jeugdwet", _("Jeugdwet art. 7.4.0"),
               _("Jeugdhulpaanbieders en de gemeente mogen gegevens verwerken die nodig zijn voor jeugdhulp; "
                 "vanaf 16 jaar beslist de jongere zelf over toestemming.")),
    LegalBasis("wmo", _("Wet maatschappelijke ondersteuning 2015 art. 5.1.1"),
               _("De gemeente mag gegevens verwerken die nodig zijn voor opvang en ondersteuning van "
                 "volwassenen, zoals de opvang van slachtoffers.")),
    LegalBasis("meldcode", _("Meldcode huiselijk geweld en kindermishandeling (Wet verplichte meldcode)"),
               _("Een professional mag in de vijf stappen van de meldcode overleggen met Veilig Thuis en, bij "
                 "acuut of structureel onveilig, melden, ook zonder toestemming.")),
    LegalBasis("consent", _("Toestemming (AVG art. 6 lid 1 sub a)"),
               _("De persoon (vanaf 16 jaar) of een ouder of voogd (onder 16 jaar) heeft toestemming gegeven, "
                 "voor een omschreven doel en tijd. Intrekken kan altijd.")),
    LegalBasis("conflict_of_duties", _("Conflict van plichten"),
               _("Bij ernstig gevaar mag een professional met een beroepsgeheim gegevens delen zonder toestemming "
                 "als dat het enige middel is om ernstige schade te voorkomen.")),
    LegalBasis("besluit_politiegegevens_comensha", _("Besluit politiegegevens art. 4:3; Vreemdelingencirculaire B8"),
               _("Politie en KMar melden vermoedelijke slachtoffers van mensenhandel aan CoMensha, dat ze "
                 "registreert voor het Rijk en geanonimiseerd doorgeeft aan de Nationaal Rapporteur.")),
]

LEGAL_BASES: dict[str, LegalBasis] = {basis.code: basis for basis in _BASES}


def basis(code: str) -> LegalBasis:
    return LEGAL_BASES[code]
