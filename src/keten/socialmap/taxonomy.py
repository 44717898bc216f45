"""Keten's vocabularies for the social map, as data: service types, audiences, genders, forms of exploitation,
residence statuses and funding. They are published as HSDS taxonomies; a service carries its facts as
attributes that point at these terms. Forms of exploitation follow ../shared/data/catalogue/exploitation_forms.csv
(art. 273f Sr)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    code: str
    name: str
    description: str
    parent: str = ""


@dataclass(frozen=True)
class Vocabulary:
    name: str
    description: str
    terms: tuple[Term, ...]


SERVICE_TYPE = "keten-service-type"
AUDIENCE = "keten-audience"
GENDER = "keten-gender"
EXPLOITATION_FORM = "keten-exploitation-form"
RESIDENCE_STATUS = "keten-residence-status"
FUNDING_SOURCE = "keten-funding"
CHAIN_ROLE = "keten-chain-role"

VOCABULARIES = (
    Vocabulary(SERVICE_TYPE, "Soort hulp die een dienst biedt aan slachtoffers of daders van mensenhandel.", (
        Term("shelter", "Opvang", "Onderdak met begeleiding."),
        Term("shelter_cosm", "Categorale opvang (COSM)", "Opvang voor slachtoffers in de bedenktijd; plaatsing "
             "alleen via CoMensha.", "shelter"),
        Term("shelter_omm", "Opvang multiproblematiek (OMM)", "Opvang voor slachtoffers met meervoudige "
             "problematiek.", "shelter"),
        Term("shelter_women", "Vrouwenopvang", "Opvang voor vrouwen, onder verantwoordelijkheid van de "
             "centrumgemeente.", "shelter"),
        Term("shelter_men", "Mannenopvang", "Opvang voor mannen.", "shelter"),
        Term("shelter_youth", "Beschermde opvang minderjarigen", "Beschermde opvang voor minderjarigen.", "shelter"),
        Term("shelter_crisis", "Crisisopvang", "Opvang dezelfde dag bij acuut gevaar.", "shelter"),
        Term("care", "Zorg", "Behandeling en begeleiding."),
        Term("care_trauma", "Traumabehandeling", "Behandeling van trauma.", "care"),
        Term("care_mental_health", "Geestelijke gezondheidszorg", "Ggz-behandeling.", "care"),
        Term("care_medical", "Medische zorg", "Huisarts, ziekenhuis of medisch onderzoek.", "care"),
        Term("care_addiction", "Verslavingszorg", "Hulp bij verslaving.", "care"),
        Term("legal_aid", "Juridische hulp", "Advocaat of juridisch advies, ook over de B8-verblijfsregeling."),
        Term("identity_documents", "Identiteitsdocumenten", "Hulp bij paspoort, ID-kaart of verblijfsdocument."),
        Term("work_income", "Werk en inkomen", "Uitkering, werk of schuldhulp."),
        Term("housing", "Huisvesting", "Hulp bij een eigen woning na de opvang."),
        Term("return", "Terugkeer en re-integratie", "Hulp bij terugkeer naar het land van herkomst."),
        Term("peer_support", "Ervaringsdeskundigen", "Steun van mensen die zelf slachtoffer zijn geweest."),
        Term("perpetrator_help", "Hulp voor daders", "Hulp en behandeling voor (mogelijke) daders."),
        Term("information", "Informatie en advies", "Informatie, advies en doorverwijzing."),
        Term("care_coordination", "Zorgcoördinatie mensenhandel", "De regionale zorgcoördinator: eerste "
             "aanspreekpunt voor opvang en zorg van slachtoffers."),
        Term("reporting_point", "Meldpunt", "Advies en melden bij vermoedens (Veilig Thuis, politie, CoMensha)."),
    )),
    Vocabulary(AUDIENCE, "Voor wie de dienst is.", (
        Term("victim", "Slachtoffers", "(Vermoedelijke) slachtoffers van mensenhandel."),
        Term("perpetrator", "Daders", "(Vermoedelijke) daders van mensenhandel."),
        Term("professional", "Professionals", "Professionals met een vraag of een vermoeden."),
    )),
    Vocabulary(GENDER, "Voor welk geslacht de dienst is; zonder term: iedereen.", (
        Term("female", "Vrouwen", "Alleen voor vrouwen."),
        Term("male", "Mannen", "Alleen voor mannen."),
        Term("any", "Iedereen", "Voor iedereen, ongeacht geslacht."),
    )),
    Vocabulary(EXPLOITATION_FORM, "Vorm van uitbuiting (art. 273f Sr).", (
        Term("sexual", "Seksuele uitbuiting", "Uitbuiting voor seksuele handelingen of diensten."),
        Term("labour", "Arbeidsuitbuiting", "Uitbuiting in werk of diensten buiten de seksbranche."),
        Term("criminal", "Criminele uitbuiting", "Gedwongen strafbare feiten plegen of bedelen."),
        Term("organ_removal", "Gedwongen orgaanverwijdering", "Gedwongen afstaan van een orgaan."),
    )),
    Vocabulary(RESIDENCE_STATUS, "Verblijfsstatus waarvoor de dienst open staat.", (
        Term("dutch_eu", "Nederlands of EU", "Nederlanders en EU-burgers."),
        Term("b8_reflection", "Bedenktijd (B8)", "Niet-EU, in de bedenktijd van de B8-regeling."),
        Term("b8_permit", "B8-verblijfsvergunning", "Met een verblijfsvergunning op grond van de B8-regeling."),
        Term("unaccompanied_minor", "Alleenstaande minderjarige", "Alleenstaande minderjarige vreemdeling."),
        Term("undocumented", "Zonder verblijfsdocument", "Zonder geldig verblijfsrecht."),
    )),
    Vocabulary(CHAIN_ROLE, "De rol van een dienst in de keten: wie u belt voor een gemeente (\"Wie bel ik?\").", (
        Term("care_coordinator", "Zorgcoördinator mensenhandel", "Regionaal eerste aanspreekpunt voor opvang en "
             "zorg van slachtoffers."),
        Term("veilig_thuis", "Veilig Thuis", "Advies- en meldpunt huiselijk geweld en kindermishandeling."),
        Term("police_avim", "Politie AVIM", "Afdeling Vreemdelingen, Identificatie en Mensenhandel van de "
             "politie-eenheid."),
        Term("comensha", "CoMensha", "Landelijk coördinatiecentrum; coördineert waar een regio geen "
             "zorgcoördinator heeft."),
    )),
    Vocabulary(FUNDING_SOURCE, "Wie de dienst betaalt; maakt de financieringsmuren tussen gemeenten zichtbaar.", (
        Term("wmo_central", "Wmo (centrumgemeente)", "Wet maatschappelijke ondersteuning, via de centrumgemeente."),
        Term("jeugdwet", "Jeugdwet", "Jeugdhulp, via de gemeente."),
        Term("zvw", "Zorgverzekeringswet", "Via de zorgverzekering."),
        Term("cosm", "Landelijke COSM-regeling", "Rijksregeling voor de categorale opvang."),
        Term("own_funds", "Eigen middelen", "Fondsen, giften of eigen middelen."),
    )),
)
