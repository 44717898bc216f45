"""A synthetic social map for the demo: about 300 services in all twelve provinces, with the chain roles that
"Wie bel ik?" asks for. Everything looks invented: names say "Demo" and "(fictief)", phone numbers sit in the
088 555 block, e-mail addresses and websites use the reserved .invalid domain. The only real numbers are the
public national lines of Veilig Thuis (0800 2000) and the police (0900 8844).

Deterministic (one seeded random generator) and run once: if a demo social-map organisation exists, nothing
is added. Written with bulk_create straight to the models: demo seeding, not a use case, so no audit."""

import json
import random
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from keten.accounts.models import Membership, Organisation
from keten.accounts.roles import OrganisationType as T
from keten.accounts.roles import Role
from keten.core.clock import now
from keten.regions.models import LayerKind, Municipality, Postcode4, Region
from keten.socialmap import search_index
from keten.socialmap import taxonomy as V
from keten.socialmap.models import (
    Address,
    CapacityUnit,
    Funding,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    TaxonomyTerm,
)
from keten.socialmap.services import load_taxonomies

SEED = 2026
GEOJSON = Path(__file__).resolve().parents[1] / "regions" / "data" / "gemeente_2025.geojson"
EMAIL_DOMAIN = "demo.keten.invalid"

#: Care-coordination regions left without a care coordinator, so the coverage view shows gaps.
CARE_COORDINATION_GAPS = ("ZC03", "ZC09")

#: Per province: how big its demo offer is (1 small, 2 medium, 3 large) and the area names its organisations use.
PROVINCES = {
    "PV20": (1, ["Ommelanden", "Oldambt", "Westerkwartier"]),
    "PV21": (1, ["Noordkust", "Zuidwest-Friesland", "De Wâlden"]),
    "PV22": (1, ["Zuidoost-Drenthe", "Noord-Drenthe", "Veenkoloniën"]),
    "PV23": (2, ["Twente", "Salland", "Vechtdal", "IJsseldelta"]),
    "PV24": (1, ["Flevokust", "Noordoostpolder", "Polderland"]),
    "PV25": (3, ["Achterhoek", "Veluwe", "Rivierenland", "Gelderse Vallei", "Liemers"]),
    "PV26": (2, ["Utrechtse Heuvelrug", "Eemland", "Lekstroom", "Vechtstreek"]),
    "PV27": (3, ["Amstelland", "Kennemerland", "Zaanstreek", "Gooi", "West-Friesland", "Kop van Noord-Holland"]),
    "PV28": (3, ["Rijnmond", "Haaglanden", "Holland Rijnland", "Drechtsteden", "Midden-Holland", "Westland"]),
    "PV29": (1, ["Walcheren", "Zeeuws-Vlaanderen", "Bevelanden"]),
    "PV30": (3, ["Meierij", "Kempen", "Baronie", "Peelland", "Maasland", "Hart van Brabant"]),
    "PV31": (2, ["Parkstad", "Westelijke Mijnstreek", "Noord-Limburg", "Maasvallei"]),
}

#: Shelters with a national function, as (province, beds or places). COSM totals 50 beds, OMM 36 places.
COSM = {"PV28": 20, "PV27": 18, "PV21": 12}
OMM = {"PV27": 10, "PV21": 10, "PV23": 8, "PV24": 8}
#: The six provinces whose main shelter organisation also takes in men.
MENS_SHELTER = ("PV23", "PV25", "PV26", "PV27", "PV28", "PV30")

LANGUAGES = {"nl": "Nederlands", "en": "Engels", "pl": "Pools", "ro": "Roemeens", "bg": "Bulgaars",
             "uk": "Oekraïens", "es": "Spaans", "ar": "Arabisch", "ti": "Tigrinya"}
WEEKDAYS = "MO,TU,WE,TH,FR"
ALL_DAYS = "MO,TU,WE,TH,FR,SA,SU"
STREETS = ("Demostraat", "Demolaan", "Voorbeeldweg", "Fictiefplein", "Proefkade")
SECRET_STREETS = ("Demohof", "Schuilweg", "Stillelaan")

ANY_AGE, ADULT, MINOR, YOUNG_ADULT, FROM_23 = (None, None), (18, None), (0, 17), (18, 22), (23, None)


@dataclass
class SocialMapSummary:
    organizations: int = 0
    services: int = 0
    locations: int = 0
    service_areas: int = 0
    attributes: int = 0
    created: bool = False

    def __str__(self):
        if not self.created:
            return "Demo social map already there: nothing added."
        return (f"Demo social map: {self.organizations} organisations, {self.services} services, "
                f"{self.locations} locations, {self.service_areas} service areas, {self.attributes} attributes.")


# --- Geography ----------------------------------------------------------------------------------------

_centroids: dict[str, tuple[float, float]] = {}


def municipality_centroids() -> dict[str, tuple[float, float]]:
    """GM code → (latitude, longitude): the mean of the points of the municipality's largest ring. Not a true
    centroid, but inside or near the municipality, which is all a demo map needs. Parsed once per process."""
    if not _centroids:
        with GEOJSON.open(encoding="utf-8") as fh:
            features = json.load(fh)["features"]
        for feature in features:
            geometry = feature["geometry"]
            polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
            ring = max((polygon[0] for polygon in polygons), key=len)
            points = ring[:-1] if ring[0] == ring[-1] else ring
            lon = sum(p[0] for p in points) / len(points)
            lat = sum(p[1] for p in points) / len(points)
            _centroids[feature["properties"]["statcode"]] = (lat, lon)
    return _centroids


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


# --- The builder ----------------------------------------------------------------------------------------


@dataclass
class _Rows:
    organizations: list = field(default_factory=list)
    services: list = field(default_factory=list)
    locations: list = field(default_factory=list)
    addresses: list = field(default_factory=list)
    service_at_locations: list = field(default_factory=list)
    phones: list = field(default_factory=list)
    schedules: list = field(default_factory=list)
    service_areas: list = field(default_factory=list)
    fundings: list = field(default_factory=list)
    languages: list = field(default_factory=list)
    attributes: list = field(default_factory=list)


class _Builder:
    """Collects the rows in memory; `save` writes them in a handful of bulk inserts."""

    def __init__(self):
        self.rng = random.Random(SEED)  # noqa: S311 -- reproducible demo data, not secrets
        self.now = now()
        self.rows = _Rows()
        self.phone_counter = 100
        self.terms = {(t.taxonomy.name, t.code): t for t in TaxonomyTerm.objects.select_related("taxonomy")}
        self.municipality_names = dict(Municipality.objects.values_list("code", "name"))
        self.pc4 = defaultdict(list)
        for code, municipality in Postcode4.objects.values_list("code", "municipality_id").order_by("code"):
            self.pc4[municipality].append(code)
        self.layers = defaultdict(dict)  # kind → code → Region
        self.members = defaultdict(list)  # region pk → sorted municipality codes
        for region in Region.objects.filter(layer__kind__in=[
                LayerKind.PROVINCE, LayerKind.CARE_COORDINATION, LayerKind.VEILIG_THUIS, LayerKind.POLICE_UNIT,
        ]).select_related("layer"):
            self.layers[region.layer.kind][region.code] = region
        for region_id, municipality in Region.municipalities.through.objects.filter(
                region__layer__kind__in=list(self.layers)).values_list("region_id", "municipality_id"):
            self.members[region_id].append(municipality)
        for codes in self.members.values():
            codes.sort()
        self.province_of = {m: code for code, region in self.layers[LayerKind.PROVINCE].items()
                            for m in self.members[region.pk]}
        self.maintainers = {}
        for organisation in Organisation.objects.filter(is_demo=True).prefetch_related("regions"):
            for region in organisation.regions.all() or [None]:
                self.maintainers[organisation.type, region.code if region else None] = organisation
        self.verifiers = {}
        for membership in Membership.objects.filter(user__email__endswith="@" + EMAIL_DOMAIN).order_by("role"):
            self.verifiers.setdefault(membership.organisation_id, membership.user)
            if membership.role == Role.FUNCTIONAL_ADMIN:
                self.verifiers[None] = membership.user

    # -- small helpers

    def phone(self) -> str:
        self.phone_counter += 1
        return f"088 555 {self.phone_counter:04d}"

    def municipalities(self, region: Region) -> list[str]:
        return self.members[region.pk]

    def province_municipalities(self, province: str) -> list[str]:
        return self.members[self.layers[LayerKind.PROVINCE][province].pk]

    def maintainer(self, organisation_type: str, municipalities: list[str]) -> Organisation | None:
        """The demo Keten organisation of this type for the one province all `municipalities` lie in."""
        provinces = {self.province_of.get(m) for m in municipalities}
        return self.maintainers.get((organisation_type, provinces.pop())) if len(provinces) == 1 else None

    def verification(self, maintainer: Organisation | None):
        """Most entries were checked in the last three months, some longer ago, ~5% are stale, a few never."""
        draw = self.rng.random()
        if draw < 0.02:
            return None, None
        if draw < 0.075:
            days = self.rng.randint(215, 420)
        elif draw < 0.15:
            days = self.rng.randint(92, 180)
        else:
            days = self.rng.randint(0, 90)
        at = self.now - timedelta(days=days, hours=self.rng.randint(0, 9), minutes=self.rng.randint(0, 59))
        by = self.verifiers.get(maintainer.pk if maintainer else None) or self.verifiers.get(None)
        return at, by

    def forms(self, *fixed: str) -> list[str]:
        if fixed:
            return list(fixed)
        chosen = [code for code, chance in (("sexual", 0.75), ("labour", 0.6), ("criminal", 0.45),
                                            ("organ_removal", 0.06)) if self.rng.random() < chance]
        return chosen or [self.rng.choice(["sexual", "labour", "criminal"])]

    def languages(self, extra: int | None = None) -> list[str]:
        count = self.rng.choice([0, 1, 1, 2, 2, 3, 4]) if extra is None else extra
        return ["nl", "en", *sorted(self.rng.sample(["pl", "ro", "bg", "uk", "es", "ar", "ti"], count))]

    # -- rows

    def organization(self, name: str, description: str, maintainer: Organisation | None = None) -> Organization:
        slug = _slug(name.removeprefix("Demo ").removesuffix(" (fictief)"))
        organization = Organization(name=f"{name} (fictief)", description=description, maintainer=maintainer,
                                    email=f"info.{slug}@{EMAIL_DOMAIN}", website=f"https://{EMAIL_DOMAIN}/{slug}")
        self.rows.organizations.append(organization)
        self.rows.phones.append(Phone(organization=organization, number=self.phone(),
                                      description="Algemeen nummer"))
        return organization

    def location(self, organization: Organization, municipality: str, name: str, *, confidential=False,
                 intake=False, description="") -> Location:
        lat, lon = municipality_centroids().get(municipality, (52.1, 5.1))
        location = Location(
            organization=organization, name=name, description=description, municipality_id=municipality,
            latitude=Decimal(f"{lat + self.rng.uniform(-0.01, 0.01):.5f}"),
            longitude=Decimal(f"{lon + self.rng.uniform(-0.01, 0.01):.5f}"),
            is_confidential=confidential, is_intake_point=intake)
        self.rows.locations.append(location)
        # A confidential location has its (secret) address too: policy decides who may see it, and the public
        # only ever sees the organisation's intake point.
        pc4 = self.pc4.get(municipality) or ["1000"]
        streets = SECRET_STREETS if confidential else STREETS
        self.rows.addresses.append(Address(
            location=location, address_1=f"{self.rng.choice(streets)} {self.rng.randint(1, 199)}",
            postal_code=f"{self.rng.choice(pc4)}AA", city=self.municipality_names[municipality],
            state_province=self.layers[LayerKind.PROVINCE][self.province_of[municipality]].name))
        if intake:
            self.rows.phones.append(Phone(location=location, number=self.phone(), description="Aanmelden"))
        return location

    def service(self, organization: Organization, name: str, description: str, *, types: list[str],
                audiences: list[str], locations: list[Location], areas: list[str], funding: tuple[str, str] | None,
                forms: list[str], statuses: list[str], gender: str = "", age=ANY_AGE, languages=None,
                capacity: tuple[str, int, int] | None = None, around_the_clock=False, chain_role: str = "",
                phone: str = "", eligibility: str = "") -> Service:
        at, by = self.verification(organization.maintainer)
        service = Service(
            organization=organization, name=name, description=description, eligibility_description=eligibility,
            url=f"https://{EMAIL_DOMAIN}/{_slug(organization.name.removesuffix(' (fictief)'))}/{_slug(name)}",
            email=f"{_slug(name)[:40].strip('-')}@{EMAIL_DOMAIN}", minimum_age=age[0], maximum_age=age[1],
            last_verified_at=at, last_verified_by=by)
        if capacity:
            service.capacity_unit, service.capacity_total, service.capacity_available = capacity
            service.capacity_updated_at = self.now - timedelta(hours=self.rng.randint(1, 96))
        self.rows.services.append(service)
        for location in locations:
            self.rows.service_at_locations.append(ServiceAtLocation(service=service, location=location))
        self.rows.service_areas += [ServiceArea(service=service, municipality_id=m) for m in areas]
        self.rows.phones.append(Phone(service=service, number=phone or self.phone()))
        if around_the_clock:
            self.rows.schedules.append(Schedule(service=service, byday=ALL_DAYS, opens_at=time(0, 0),
                                                closes_at=time(23, 59), description="24 uur per dag bereikbaar"))
        else:
            self.rows.schedules.append(Schedule(service=service, byday=WEEKDAYS, opens_at=time(9, 0),
                                                closes_at=time(17, 0), description="Kantoortijden"))
        self.rows.languages += [Language(service=service, code=code, name=LANGUAGES[code])
                                for code in (languages or self.languages())]
        attributes = [(V.SERVICE_TYPE, code) for code in types] + [(V.AUDIENCE, code) for code in audiences]
        attributes += [(V.EXPLOITATION_FORM, code) for code in forms]
        attributes += [(V.RESIDENCE_STATUS, code) for code in statuses]
        if gender:
            attributes.append((V.GENDER, gender))
        if chain_role:
            attributes.append((V.CHAIN_ROLE, chain_role))
        if funding:
            code, source = funding
            if code:
                attributes.append((V.FUNDING_SOURCE, code))
            self.rows.fundings.append(Funding(service=service, source=source))
        self.rows.attributes += [ServiceAttribute(service=service, taxonomy_term=self.terms[key])
                                 for key in attributes]
        return service

    def save(self) -> None:
        rows = self.rows
        for service in rows.services:  # an organisation counts as checked when its most recent entry was
            organization = service.organization
            if service.last_verified_at and (organization.last_verified_at is None
                                             or service.last_verified_at > organization.last_verified_at):
                organization.last_verified_at = service.last_verified_at
                organization.last_verified_by = service.last_verified_by
        for model, objects in ((Organization, rows.organizations), (Service, rows.services),
                               (Location, rows.locations), (Address, rows.addresses),
                               (ServiceAtLocation, rows.service_at_locations), (Phone, rows.phones),
                               (Schedule, rows.schedules), (ServiceArea, rows.service_areas),
                               (Funding, rows.fundings), (Language, rows.languages),
                               (ServiceAttribute, rows.attributes)):
            model.objects.bulk_create(objects, batch_size=500)


# --- What the demo social map offers ----------------------------------------------------------------------


def _shelters(b: _Builder, province: str, size: int, areas: list[str]) -> None:
    """The main shelter organisation of the province (women, crisis, and where it fits COSM, OMM and men),
    plus smaller women's shelters in the larger provinces and one protected shelter for minors."""
    municipalities = b.province_municipalities(province)
    name = b.layers[LayerKind.PROVINCE][province].name
    centre = b.rng.choice(municipalities)
    wmo = ("wmo_central", f"Wmo, centrumgemeente {b.municipality_names[centre]}")
    main = b.organization(f"Demo Opvang {areas[0]}", f"Fictieve opvangorganisatie in {name}: vrouwenopvang, "
                          "crisisopvang en begeleiding van slachtoffers van mensenhandel.",
                          b.maintainers.get((T.SHELTER, province)))
    organisations = [main] + [
        b.organization(f"Demo Vrouwenhuis {area}", f"Fictieve kleinschalige vrouwenopvang in de regio {area}.")
        for area in areas[1:size]]
    intake = {}
    for organisation, area in zip(organisations, areas, strict=False):
        intake[organisation] = b.location(organisation, b.rng.choice(municipalities), f"Aanmeldpunt {area}",
                                          intake=True, description="Hier meldt u zich aan; het opvangadres is "
                                          "geheim.")

    def shelter(organisation, area, title, description, **kwargs):
        secret = b.location(organisation, b.rng.choice(municipalities), f"{title} {area}: opvanglocatie",
                            confidential=True,
                            description="Geheim adres: aanmelden via het aanmeldpunt.")
        return b.service(organisation, f"{title} {area}", description, locations=[secret, intake[organisation]],
                         **kwargs)

    for organisation, area in zip(organisations, areas, strict=False):
        total = b.rng.randint(8, 30)
        shelter(organisation, area, "Vrouwenopvang", "Beschermde opvang met begeleiding voor vrouwen die slachtoffer "
                "zijn van mensenhandel of huiselijk geweld.", types=["shelter_women"], audiences=["victim"],
                gender="female", age=ADULT, areas=municipalities, funding=wmo, forms=b.forms(),
                statuses=["dutch_eu"], capacity=(CapacityUnit.PLACE, total, b.rng.randint(0, min(3, total))))
        beds = b.rng.randint(2, 6)
        shelter(organisation, area, "Crisisopvang", "Opvang dezelfde dag bij acuut gevaar, dag en nacht.",
                types=["shelter_crisis"], audiences=["victim"], gender="any", areas=municipalities, funding=wmo,
                forms=b.forms(), statuses=["dutch_eu", "b8_reflection", "undocumented"], around_the_clock=True,
                capacity=(CapacityUnit.BED, beds, b.rng.randint(0, 2)))
    if province in COSM:
        beds = COSM[province]
        shelter(main, areas[0], "Categorale opvang (COSM)", "Opvang in de bedenktijd voor volwassen slachtoffers "
                "van buiten Nederland; plaatsing alleen via CoMensha.", types=["shelter_cosm"], audiences=["victim"],
                gender="any", age=ADULT, areas=[], funding=("cosm", "Landelijke COSM-regeling (Rijk)"),
                forms=b.forms("sexual", "labour", "criminal"), statuses=["b8_reflection", "b8_permit"],
                languages=b.languages(4), capacity=(CapacityUnit.BED, beds, b.rng.randint(0, 2)))
    if province in OMM:
        places = OMM[province]
        shelter(main, areas[0], "Opvang multiproblematiek (OMM)", "Opvang en behandeling voor slachtoffers met "
                "meervoudige problematiek.", types=["shelter_omm", "care_trauma"], audiences=["victim"],
                gender="any", age=ADULT, areas=[], funding=("wmo_central", "Wmo, landelijke afspraak centrumgemeenten"),
                forms=b.forms("sexual", "labour", "criminal"), statuses=["dutch_eu", "b8_permit"],
                capacity=(CapacityUnit.PLACE, places, b.rng.randint(0, 2)))
    if province in MENS_SHELTER:
        places = b.rng.randint(4, 8)
        shelter(main, areas[0], "Mannenopvang", "Opvang met begeleiding voor mannen die slachtoffer zijn van "
                "mensenhandel, vaak arbeidsuitbuiting.", types=["shelter_men"], audiences=["victim"], gender="male",
                age=ADULT, areas=municipalities, funding=wmo, forms=b.forms("labour", "criminal"),
                statuses=["dutch_eu", "b8_permit"], languages=b.languages(3),
                capacity=(CapacityUnit.PLACE, places, b.rng.randint(0, 2)))
    youth = b.organization(f"Demo Jeugdbescherming {areas[-1]}", "Fictieve jeugdzorgaanbieder met beschermde "
                           "opvang voor minderjarige slachtoffers.")
    intake[youth] = b.location(youth, b.rng.choice(municipalities), f"Aanmeldpunt jeugd {areas[-1]}", intake=True,
                               description="Aanmelden voor de beschermde opvang; het opvangadres is geheim.")
    places = b.rng.randint(4, 12)
    shelter(youth, areas[-1], "Beschermde opvang minderjarigen", "Beschermde opvang voor minderjarigen die worden "
            "uitgebuit of bij wie dat dreigt, met een eigen mentor.", types=["shelter_youth"], audiences=["victim"],
            gender="any", age=MINOR if b.rng.random() < 0.5 else (12, 17), areas=municipalities,
            funding=("jeugdwet", f"Jeugdwet, gemeente {b.municipality_names[centre]}"), forms=b.forms(),
            statuses=["dutch_eu", "unaccompanied_minor"], capacity=(CapacityUnit.PLACE, places, b.rng.randint(0, 2)))


def _care(b: _Builder, province: str, size: int, areas: list[str]) -> None:
    """Care, legal aid, municipal desks, peer support, help for perpetrators and an information point."""
    municipalities = b.province_municipalities(province)
    name = b.layers[LayerKind.PROVINCE][province].name
    zvw = ("zvw", "Zorgverzekeringswet")

    def office(organisation, area):
        return b.location(organisation, b.rng.choice(municipalities), f"Vestiging {area}")

    def common(**kwargs):
        defaults = {"areas": municipalities, "forms": b.forms(), "statuses": b.rng.choice(
            [["dutch_eu"], ["dutch_eu", "b8_permit"], ["dutch_eu", "b8_reflection", "b8_permit"]])}
        return defaults | kwargs

    for i in range(size):
        area = areas[i % len(areas)]
        ggz = b.organization(f"Demo GGZ {area}", f"Fictieve instelling voor geestelijke gezondheidszorg in {name}.")
        place = office(ggz, area)
        b.service(ggz, f"Ggz-behandeling {area}", "Diagnostiek en behandeling bij psychische klachten, met "
                  "ervaring met slachtoffers van uitbuiting.", types=["care_mental_health"], audiences=["victim"],
                  locations=[place], funding=zvw, **common(age=ADULT if b.rng.random() < 0.5 else ANY_AGE))
        if i == 0 and size > 1:  # the youth split at 23: two trauma services with adjacent age bands
            b.service(ggz, f"Traumabehandeling jongvolwassenen {area}", "Traumabehandeling voor jongvolwassenen "
                      "tot 23 jaar.", types=["care_trauma"], audiences=["victim"], locations=[place], funding=zvw,
                      **common(age=YOUNG_ADULT))
            b.service(ggz, f"Traumabehandeling volwassenen {area}", "Traumabehandeling voor volwassenen vanaf "
                      "23 jaar.", types=["care_trauma"], audiences=["victim"], locations=[place], funding=zvw,
                      **common(age=FROM_23))
        else:
            b.service(ggz, f"Traumabehandeling {area}", "Behandeling van trauma, ook voor wie nog in de bedenktijd "
                      "zit.", types=["care_trauma"], audiences=["victim"], locations=[place], funding=zvw, **common())
        addiction = b.organization(f"Demo Verslavingszorg {area}", "Fictieve verslavingszorg.")
        b.service(addiction, f"Verslavingszorg {area}", "Ambulante hulp en behandeling bij verslaving.",
                  types=["care_addiction"], audiences=["victim", "perpetrator"], locations=[office(addiction, area)],
                  funding=zvw, **common(age=b.rng.choice([ADULT, ANY_AGE, FROM_23])))
        legal = b.organization(f"Demo Rechtshulp {area}", "Fictief advocatenkantoor met kennis van de "
                               "B8-verblijfsregeling en het slachtofferrecht.")
        place = office(legal, area)
        b.service(legal, f"Juridische hulp {area}", "Advocaat en juridisch advies: aangifte, bedenktijd, "
                  "B8-verblijfsvergunning en schadevergoeding.", types=["legal_aid"], audiences=["victim"],
                  locations=[place], funding=("own_funds", "Gesubsidieerde rechtsbijstand en eigen middelen"),
                  **common(statuses=["dutch_eu", "b8_reflection", "b8_permit", "undocumented"]))
        if i == 0:
            b.service(legal, f"Hulp bij identiteitsdocumenten {area}", "Hulp bij het aanvragen van een paspoort, "
                      "ID-kaart of verblijfsdocument.", types=["identity_documents"], audiences=["victim"],
                      locations=[place], funding=("own_funds", "Eigen middelen"),
                      **common(statuses=["b8_reflection", "b8_permit", "undocumented"]))
    medical = b.organization(f"Demo Gezondheidscentrum {areas[1]}", "Fictief gezondheidscentrum met huisartsen "
                             "en een spreekuur voor mensen zonder verzekering.")
    b.service(medical, f"Medisch spreekuur {areas[1]}", "Huisartsenzorg en medisch onderzoek, ook zonder "
              "zorgverzekering.", types=["care_medical"], audiences=["victim"], locations=[office(medical, areas[1])],
              funding=zvw, **common(statuses=["dutch_eu", "b8_reflection", "undocumented"]))
    for municipality in sorted(b.rng.sample(municipalities, min(size, len(municipalities)))):
        town = b.municipality_names[municipality]
        desk = b.organization(f"Demo Loket Zorg en Inkomen {town}", f"Fictief gemeentelijk loket van {town}.",
                              b.maintainers.get((T.MUNICIPALITY, province)))
        place = b.location(desk, municipality, f"Gemeentehuis {town}")
        funding = ("wmo_central", f"Wmo, gemeente {town}")
        b.service(desk, f"Werk en inkomen {town}", "Uitkering, schuldhulp en begeleiding naar werk.",
                  types=["work_income"], audiences=["victim"], locations=[place], areas=[municipality],
                  funding=funding, forms=b.forms(), statuses=["dutch_eu", "b8_permit"], age=ADULT)
        b.service(desk, f"Huisvesting na de opvang {town}", "Hulp bij het vinden van een eigen woning na de opvang.",
                  types=["housing"], audiences=["victim"], locations=[place], areas=[municipality], funding=funding,
                  forms=b.forms(), statuses=["dutch_eu", "b8_permit"], age=b.rng.choice([ADULT, YOUNG_ADULT]))
    peers = b.organization(f"Demo Ervaringsdeskundigen {areas[-1]}", "Fictief netwerk van ervaringsdeskundigen.")
    b.service(peers, f"Lotgenotensteun {areas[-1]}", "Steun en herkenning van mensen die zelf slachtoffer zijn "
              "geweest.", types=["peer_support"], audiences=["victim"], locations=[office(peers, areas[-1])],
              funding=("own_funds", "Fondsen en giften"), **common())
    if size > 1:
        forensic = b.organization(f"Demo Forensische Poli {areas[0]}", "Fictieve forensische polikliniek.")
        b.service(forensic, f"Hulp voor daders {areas[0]}", "Behandeling voor (mogelijke) daders en voor jongeren "
                  "die anderen werven.", types=["perpetrator_help"], audiences=["perpetrator"],
                  locations=[office(forensic, areas[0])], funding=zvw, **common(age=b.rng.choice([ANY_AGE, ADULT]),
                                                                                  statuses=["dutch_eu"]))
    info = b.organization(f"Demo Informatiepunt Mensenhandel {name}", f"Fictief informatiepunt in {name}.")
    b.service(info, f"Informatie en advies {name}", "Informatie, advies en doorverwijzing voor slachtoffers, "
              "hun omgeving en professionals.", types=["information"], audiences=["victim", "professional"],
              locations=[office(info, name)], funding=("wmo_central", "Wmo, gemeenten in de provincie"),
              **common(statuses=["dutch_eu", "b8_reflection", "b8_permit", "undocumented"]))


def _chain(b: _Builder) -> None:
    """The chain roles for "Wie bel ik?": care coordinators (with two gaps), Veilig Thuis, police AVIM and
    CoMensha's national helpdesk."""
    everyone = ["dutch_eu", "b8_reflection", "b8_permit", "unaccompanied_minor", "undocumented"]
    all_forms = ["sexual", "labour", "criminal", "organ_removal"]
    for code, region in sorted(b.layers[LayerKind.CARE_COORDINATION].items()):
        if code in CARE_COORDINATION_GAPS:
            continue
        municipalities = b.municipalities(region)
        if not municipalities:
            continue
        label = region.name.removeprefix("Zorgcoördinatie ")
        organisation = b.organization(f"Demo Zorgcoördinatie {label}", f"Fictieve zorgcoördinatie mensenhandel "
                                      f"voor de regio {label}.", b.maintainer(T.CARE_PROVIDER, municipalities))
        b.service(organisation, f"Zorgcoördinatie mensenhandel {label}", "Eerste aanspreekpunt voor opvang, zorg, "
                  "verblijf, uitkering en verzekering van slachtoffers, van melding tot het einde van het traject.",
                  types=["care_coordination"], audiences=["victim", "professional"], chain_role="care_coordinator",
                  locations=[b.location(organisation, b.rng.choice(municipalities), f"Kantoor {label}")],
                  areas=municipalities, funding=("wmo_central", f"Wmo, centrumgemeenten regio {label}"),
                  forms=all_forms, statuses=everyone)
    for region in sorted(b.layers[LayerKind.VEILIG_THUIS].values(), key=lambda r: r.code):
        municipalities = b.municipalities(region)
        organisation = b.organization(f"Demo Veilig Thuis {region.name}", "Fictief advies- en meldpunt huiselijk "
                                      f"geweld en kindermishandeling voor {region.name}.",
                                      b.maintainer(T.VEILIG_THUIS, municipalities))
        b.service(organisation, f"Advies- en meldpunt {region.name}", "Advies en melden bij vermoedens van huiselijk "
                  "geweld, kindermishandeling en uitbuiting; dag en nacht bereikbaar.", types=["reporting_point"],
                  audiences=["victim", "professional"], chain_role="veilig_thuis", around_the_clock=True,
                  phone="0800 2000", locations=[b.location(organisation, b.rng.choice(municipalities),
                                                           f"Kantoor {region.name}")],
                  areas=municipalities, funding=("wmo_central", f"Wmo, gemeenten regio {region.name}"),
                  forms=b.forms(), statuses=everyone, languages=b.languages())
    for region in sorted(b.layers[LayerKind.POLICE_UNIT].values(), key=lambda r: r.code):
        municipalities = b.municipalities(region)
        organisation = b.organization(f"Demo Politie AVIM {region.name}", "Fictieve afdeling Vreemdelingen, "
                                      f"Identificatie en Mensenhandel van eenheid {region.name}.",
                                      b.maintainer(T.POLICE_AVIM, municipalities))
        b.service(organisation, f"AVIM mensenhandel {region.name}", "Gecertificeerde rechercheurs mensenhandel: "
                  "aangifte, bedenktijd en advies aan professionals.", types=["reporting_point"],
                  audiences=["professional"], chain_role="police_avim", around_the_clock=True, phone="0900 8844",
                  locations=[b.location(organisation, b.rng.choice(municipalities), f"Bureau {region.name}")],
                  areas=municipalities, funding=("", "Rijksbegroting (politie)"), forms=all_forms, statuses=everyone)


def _national(b: _Builder) -> None:
    """National services: no service areas, which means the whole country."""
    amersfoort, the_hague = "GM0307", "GM0518"
    comensha = b.organization("Demo Landelijk Coördinatiecentrum Mensenhandel", "Fictief landelijk "
                              "coördinatiecentrum: registratie, plaatsing in de COSM en coördinatie waar een regio "
                              "geen zorgcoördinator heeft.", b.maintainers.get((T.COMENSHA, None)))
    b.service(comensha, "Helpdesk mensenhandel", "Informatie en advies voor professionals en slachtoffers, melden "
              "van vermoedelijke slachtoffers en coördinatie op afstand.", types=["information", "reporting_point"],
              audiences=["professional", "victim"], chain_role="comensha", phone="088 555 0000",
              locations=[b.location(comensha, amersfoort, "Kantoor Amersfoort")], areas=[],
              funding=("", "Subsidie ministerie van Justitie en Veiligheid"),
              forms=["sexual", "labour", "criminal", "organ_removal"], languages=b.languages(3),
              statuses=["dutch_eu", "b8_reflection", "b8_permit", "unaccompanied_minor", "undocumented"])
    home = b.organization("Demo Terugkeer en Herstel", "Fictieve organisatie voor vrijwillige terugkeer.")
    b.service(home, "Terugkeer en re-integratie", "Hulp bij vrijwillige terugkeer naar het land van herkomst en een "
              "nieuwe start daar.", types=["return"], audiences=["victim"], age=ADULT, areas=[],
              locations=[b.location(home, the_hague, "Kantoor Den Haag")], funding=("own_funds", "Fondsen en giften"),
              forms=b.forms(), statuses=["b8_permit", "undocumented"], languages=b.languages(5))
    fund = ("own_funds", "Fondsen en eigen middelen")
    legal = b.organization("Demo Landelijk Steunpunt B8", "Fictief landelijk juridisch steunpunt.")
    b.service(legal, "Juridisch steunpunt B8", "Juridisch advies over de B8-verblijfsregeling voor advocaten en "
              "zorgcoördinatoren.", types=["legal_aid"], audiences=["professional"], areas=[], funding=fund,
              locations=[b.location(legal, the_hague, "Kantoor Den Haag")], forms=b.forms(),
              statuses=["b8_reflection", "b8_permit", "undocumented"])
    peers = b.organization("Demo Landelijk Netwerk Ervaringsdeskundigen", "Fictief landelijk netwerk.")
    b.service(peers, "Lotgenotenlijn", "Telefonische steun door ervaringsdeskundigen.", types=["peer_support"],
              audiences=["victim"], areas=[], funding=fund, forms=b.forms(), statuses=["dutch_eu", "b8_permit"],
              locations=[b.location(peers, amersfoort, "Kantoor Amersfoort")], age=FROM_23)


def _already_seeded() -> bool:
    return Organization.objects.filter(name__startswith="Demo ", name__endswith="(fictief)").exists()


@transaction.atomic
def seed_demo_social_map() -> SocialMapSummary:
    """Seed the synthetic social map once; returns what was created (nothing if it was already there)."""
    load_taxonomies()
    if _already_seeded():
        return SocialMapSummary()
    builder = _Builder()
    for province, (size, areas) in PROVINCES.items():
        if province in builder.layers[LayerKind.PROVINCE]:
            _shelters(builder, province, size, areas)
            _care(builder, province, size, areas)
    _chain(builder)
    _national(builder)
    builder.save()
    search_index.rebuild()  # bulk_create sends no signals
    rows = builder.rows
    return SocialMapSummary(organizations=len(rows.organizations), services=len(rows.services),
                            locations=len(rows.locations), service_areas=len(rows.service_areas),
                            attributes=len(rows.attributes), created=True)
