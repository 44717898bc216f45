"""Reads of the social map: where a place is, which services are near it or cover it, whom to call for a
municipality, and where the care-coordination network has gaps.

No personal data here, but shelter addresses are secret (DESIGN.md, privacy rule 6): a confidential location
takes part in a search only through its organisation's public intake point, and its coordinates and address
are never selected from the database by this module at all, so no result can carry them. The search reads the
search index (keten.socialmap.search_index), which holds public points only."""

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time
from uuid import UUID

from django.db.models import BooleanField, CharField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from keten.regions.models import LayerKind, Municipality, Region
from keten.regions.selectors import POSTCODE_PATTERN, municipality_by_code, municipality_for_postcode, sort_key
from keten.socialmap import geo, search_index
from keten.socialmap.models import (
    Address,
    CapacityUnit,
    Language,
    Phone,
    Schedule,
    SearchPoint,
    SearchService,
    Service,
    ServiceArea,
    ServiceAttribute,
    ServiceStatus,
)
from keten.socialmap.taxonomy import (
    AUDIENCE,
    CHAIN_ROLE,
    EXPLOITATION_FORM,
    GENDER,
    RESIDENCE_STATUS,
    SERVICE_TYPE,
    VOCABULARIES,
)

PAGE_SIZE = 20
DEFAULT_RADIUS_KM = 25
MAX_RADIUS_KM = 300

# ---------------------------------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------------------------------

#: "52.37,4.89" or "52.37, 4.89" (latitude first, decimal points).
COORDINATES_PATTERN = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
#: A CBS code needs its "GM" or a leading zero: a bare "1900" is the postcode of Castricum, not GM1900.
GM_CODE_PATTERN = re.compile(r"^\s*(?:GM\s*\d{4}|0\d{3})\s*$", re.IGNORECASE)
#: Names people use that are not the CBS name of the municipality.
NAME_ALIASES = {"denhaag": "GM0518", "thehague": "GM0518", "denbosch": "GM0796"}
MAX_PLACE_CHARS = 100


def fold(text: str) -> str:
    """Compare names as a person types them: without case, diacritics, spaces, hyphens or apostrophes
    ("sudwest fryslan" finds Súdwest-Fryslân, "s-hertogenbosch" finds 's-Hertogenbosch)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in ascii_text.casefold() if char.isalnum())


@dataclass(frozen=True)
class Place:
    """Where a search starts. `municipality` is None only when no municipality is known near raw coordinates;
    `latitude`/`longitude` are None for a municipality missing from the boundary data."""

    label: str
    municipality: Municipality | None
    latitude: float | None
    longitude: float | None

    @property
    def is_located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def _place_of(municipality: Municipality | None, label: str = "") -> Place | None:
    if municipality is None:
        return None
    point = geo.point_of(municipality.code)
    return Place(label=label or municipality.name, municipality=municipality,
                 latitude=point.latitude if point else None, longitude=point.longitude if point else None)


def resolve_place(text: str) -> Place | None:
    """The place meant by a municipality name, a CBS code ("GM0363", "0363"), a postcode ("1011", "1011 AB")
    or "lat,lon" coordinates; None for anything else."""
    text = (text or "").strip()
    if not text or len(text) > MAX_PLACE_CHARS:
        return None
    if match := COORDINATES_PATTERN.match(text):
        latitude, longitude = float(match.group(1)), float(match.group(2))
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return None
        code = geo.nearest_municipality_code(latitude, longitude)
        municipality = Municipality.objects.filter(code=code).first() if code else None
        return Place(label=f"{latitude:.5f}, {longitude:.5f}", municipality=municipality,
                     latitude=latitude, longitude=longitude)
    if POSTCODE_PATTERN.match(text):
        municipality = municipality_for_postcode(text)
        postcode = POSTCODE_PATTERN.match(text).group(1)
        return _place_of(municipality, f"{postcode} ({municipality.name})" if municipality else "")
    if GM_CODE_PATTERN.match(text):
        return _place_of(municipality_by_code(text.replace(" ", "")))
    return _place_of(_municipality_by_name(text))


def _municipality_by_name(text: str) -> Municipality | None:
    wanted = fold(text)
    if not wanted:
        return None
    if wanted in NAME_ALIASES:
        return Municipality.objects.filter(code=NAME_ALIASES[wanted]).first()
    # 342 short rows: folding them in Python is simpler than teaching every database to ignore diacritics.
    return next((m for m in Municipality.objects.only("code", "name") if fold(m.name) == wanted), None)


# ---------------------------------------------------------------------------------------------------------------
# Presenting schedules, ages and capacity in Dutch
# ---------------------------------------------------------------------------------------------------------------

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_ABBREVIATIONS = (gettext_lazy("ma"), gettext_lazy("di"), gettext_lazy("wo"), gettext_lazy("do"),
                     gettext_lazy("vr"), gettext_lazy("za"), gettext_lazy("zo"))
MIDNIGHT, LAST_MINUTE = time(0, 0), time(23, 59)


def _days_text(byday: str) -> str:
    """"MO,TU,WE,TH,FR,SU" → "ma–vr, zo": consecutive days become a range."""
    days = sorted({DAY_CODES.index(day) for day in (d.strip().upper() for d in byday.split(","))
                   if day in DAY_CODES}) or list(range(7))
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        str(DAY_ABBREVIATIONS[run[0]]) if len(run) == 1
        else f"{DAY_ABBREVIATIONS[run[0]]}–{DAY_ABBREVIATIONS[run[-1]]}"
        for run in runs
    )


def opening_hours_text(*, byday: str, opens_at: time | None, closes_at: time | None, description: str = "") -> str:
    """One Schedule row in Dutch: "ma–vr 09:00–17:00", "24 uur per dag", "za 10:00–14:00 (alleen op afspraak)"."""
    every_day = not byday.strip() or set(DAY_CODES) <= {d.strip().upper() for d in byday.split(",")}
    around_the_clock = opens_at == MIDNIGHT and closes_at in (MIDNIGHT, LAST_MINUTE)
    if around_the_clock:
        text = _("24 uur per dag") if every_day else _("{days} 24 uur per dag").format(days=_days_text(byday))
    elif opens_at and closes_at:
        text = f"{_days_text(byday)} {opens_at:%H:%M}–{closes_at:%H:%M}"
    elif description:
        return description if every_day else f"{_days_text(byday)} {description}"
    else:
        text = _days_text(byday)
    if description and text.casefold() in description.casefold():
        return description  # "24 uur per dag bereikbaar" says it already
    return f"{text} ({description})" if description else text


def age_band_text(minimum_age: int | None, maximum_age: int | None) -> str:
    if minimum_age is not None and maximum_age is not None:
        return _("{minimum} t/m {maximum} jaar").format(minimum=minimum_age, maximum=maximum_age)
    if minimum_age is not None:
        return _("{minimum} jaar en ouder").format(minimum=minimum_age)
    if maximum_age is not None:
        return _("tot en met {maximum} jaar").format(maximum=maximum_age)
    return _("alle leeftijden")


def capacity_text(*, unit: str, available: int | None, total: int | None, updated_at: datetime | None) -> str:
    """"3 van 12 bedden vrij (bijgewerkt op 4 maart 2025)"; empty when the capacity is not known."""
    if available is None:
        return ""
    count = total if total is not None else available
    units = {
        CapacityUnit.BED: ngettext("bed", "bedden", count),
        CapacityUnit.PLACE: ngettext("plaats", "plaatsen", count),
        CapacityUnit.INTAKE_SLOT: ngettext("intakeplek", "intakeplekken", count),
    }.get(unit, ngettext("plek", "plekken", count))
    if total is not None:
        text = _("{available} van {total} {units} vrij").format(available=available, total=total, units=units)
    else:
        text = _("{available} {units} vrij").format(available=available, units=units)
    if updated_at is not None:
        day = date_format(timezone.localtime(updated_at), "j F Y")
        text = _("{capacity} (bijgewerkt op {day})").format(capacity=text, day=day)
    return text


# ---------------------------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    """The facets a searcher chose. Within a facet any chosen term matches; all facets must match. A chosen
    parent service type ("shelter") matches its children. Gender follows its vocabulary: a service without a
    gender term, or with "any", is for everyone."""

    service_types: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    exploitation_forms: tuple[str, ...] = ()
    residence_statuses: tuple[str, ...] = ()
    language: str = ""
    age: int | None = None
    has_capacity: bool = False


class Reach:
    NEARBY = "nearby"      # a public location or intake point within the radius
    AREA = "area"          # takes people from the place's municipality
    NATIONAL = "national"  # no service area: takes people from the whole country


@dataclass(frozen=True)
class PublicLocation:
    """A location that may be shown to anyone: never a confidential one."""

    name: str
    address: str
    is_intake_point: bool


@dataclass(frozen=True)
class PhoneNumber:
    number: str
    description: str = ""

    @property
    def tel(self) -> str:
        return "".join(char for char in self.number if char.isdigit() or char == "+")


@dataclass
class ServiceHit:
    service: Service
    organization_name: str
    reach: str
    distance_km: float | None
    location: PublicLocation | None = None
    terms: dict[str, list[str]] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    phones: list[PhoneNumber] = field(default_factory=list)
    opening_hours: list[str] = field(default_factory=list)
    #: For a professional: the service's confidential locations whose address policy lets them reveal.
    revealable: list = field(default_factory=list)

    @property
    def service_types(self) -> list[str]:
        return self.terms.get(SERVICE_TYPE, [])

    @property
    def audiences(self) -> list[str]:
        return self.terms.get(AUDIENCE, [])

    @property
    def genders(self) -> list[str]:
        return self.terms.get(GENDER, [])

    @property
    def exploitation_forms(self) -> list[str]:
        return self.terms.get(EXPLOITATION_FORM, [])

    @property
    def residence_statuses(self) -> list[str]:
        return self.terms.get(RESIDENCE_STATUS, [])

    @property
    def age_band(self) -> str:
        return age_band_text(self.service.minimum_age, self.service.maximum_age)

    @property
    def capacity(self) -> str:
        service = self.service
        return capacity_text(unit=service.capacity_unit, available=service.capacity_available,
                             total=service.capacity_total, updated_at=service.capacity_updated_at)

    @property
    def is_stale(self) -> bool:
        return self.service.is_stale


class ResultPage(list):
    """One page of ServiceHits (a list), with where it lies among all hits."""

    def __init__(self, hits, *, total: int, number: int, page_size: int = PAGE_SIZE):
        super().__init__(hits)
        self.total = total
        self.number = number
        self.page_size = page_size

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


#: A public point a service is reached at, as the points query returns it: (service id, location id, latitude,
#: longitude, has_area), the ids in the database's text form; `has_area`: the service has service-area rows.
_PointRow = tuple[str, str, float, float, bool]

#: The facets kept as bitmasks in the search index: (SearchFacets field, vocabulary, SearchFilters attribute).
_MASKED_FACETS = (("type_mask", SERVICE_TYPE, "service_types"), ("audience_mask", AUDIENCE, "audiences"),
                  ("exploitation_mask", EXPLOITATION_FORM, "exploitation_forms"),
                  ("residence_mask", RESIDENCE_STATUS, "residence_statuses"), ("gender_mask", GENDER, "genders"))


def _eligibility(filters: SearchFilters, via: str = "", facets: str = "search_entry__") -> list:
    """The conditions of `eligible_services`, for a query that reaches the service through `via` (a path to
    Service, such as "service__") and its search facets through `facets` (a path to SearchFacets). A facet is a
    bit test (search_index.chosen_mask: a chosen parent matches its children; a service for everyone carries
    every gender); status, age and capacity come from the service's own row, so that no write can leave them
    stale."""
    conditions: list = [Q(**{f"{via}status": ServiceStatus.ACTIVE})]
    for mask, taxonomy, chosen in _MASKED_FACETS:
        if codes := getattr(filters, chosen):
            bits = search_index.chosen_mask(taxonomy, codes)
            conditions.append(GreaterThan(F(f"{facets}{mask}").bitand(bits), 0))
    if filters.language:
        conditions.append(Exists(Language.objects.filter(service=OuterRef(f"{via}pk"),
                                                         code__iexact=filters.language)))
    if filters.age is not None:
        conditions += [Q(**{f"{via}minimum_age__isnull": True}) | Q(**{f"{via}minimum_age__lte": filters.age}),
                       Q(**{f"{via}maximum_age__isnull": True}) | Q(**{f"{via}maximum_age__gte": filters.age})]
    if filters.has_capacity:
        conditions.append(Q(**{f"{via}capacity_available__gt": 0}))
    return conditions


def eligible_services(filters: SearchFilters, services: QuerySet[Service] | None = None) -> QuerySet[Service]:
    """Active services (of `services`, by default all) that pass every chosen facet: a queryset, used as a
    subquery by the map and the ondergrens."""
    return (Service.objects.all() if services is None else services).filter(*_eligibility(filters))


def _bounding_box(latitude: float, longitude: float, radius_km: float) -> dict:
    """Range lookups for a box around the circle, a little wider so the rounding of the stored decimals
    never drops a point on the edge; the exact distance is computed afterwards."""
    d_lat = radius_km / 110.574 + 0.001
    d_lon = radius_km / (111.320 * max(math.cos(math.radians(latitude)), 0.01)) + 0.001
    return {"latitude__range": (latitude - d_lat, latitude + d_lat),
            "longitude__range": (longitude - d_lon, longitude + d_lon)}


def _point_rows(points: QuerySet[SearchPoint]) -> QuerySet:
    """The rows of public points. The index stores only public points; the location's confidentiality is
    checked once more against the location itself, so that even an index a write slipped past could never
    place a shelter. Text ids: converting thousands of rows to UUID costs more than the query itself."""
    return points.filter(location__is_confidential=False).annotate(
        sid=Cast("service_id", CharField()), lid=Cast("location_id", CharField()),
        has_area=ExpressionWrapper(Q(is_national=False), output_field=BooleanField()),
    ).order_by().values_list("sid", "lid", "latitude", "longitude", "has_area")


def public_point_rows(*, services: QuerySet[Service] | None = None, service_ids=None, box: dict | None = None
                      ) -> QuerySet:
    """Every public point of the services (a queryset, or a few ids), in one query, from the search index:
    their own non-confidential locations, and for each confidential location the public intake point(s) of that
    location's organisation. A shelter's coordinates are not in the index at all."""
    points = SearchPoint.objects.filter(**(box or {}))
    if service_ids is not None:
        points = points.filter(service_id__in=service_ids)
    else:
        points = points.filter(service__in=services)
    return _point_rows(points)


def public_points(services: QuerySet[Service]) -> dict[UUID, list[tuple[float, float]]]:
    """Service id → (latitude, longitude) of each public point of the services (see `public_point_rows`: never a
    confidential location's own); one query."""
    points: dict[UUID, list[tuple[float, float]]] = defaultdict(list)
    for service_id, _location_id, latitude, longitude, _has_area in public_point_rows(services=services):
        points[UUID(service_id)].append((latitude, longitude))
    return points


def _nearest(rows: Iterable[_PointRow], place: Place) -> dict[str, tuple[float, str, bool]]:
    """Service id → (distance in km, location id, has_area) of its nearest public point, ids as `UUID.hex`."""
    km_to = geo.haversine_km_from(place.latitude, place.longitude)
    nearest: dict[str, tuple[float, str, bool]] = {}
    for service_id, location_id, latitude, longitude, has_area in rows:
        distance = km_to(latitude, longitude)
        current = nearest.get(service_id)
        if current is None or distance < current[0]:
            nearest[service_id] = (distance, location_id, has_area)
    # SQLite stores UUIDs as hex; PostgreSQL casts them to the dashed form.
    return {service_id.replace("-", ""): (distance, location_id.replace("-", ""), has_area)
            for service_id, (distance, location_id, has_area) in nearest.items()}


#: Above this many nearby national services, the national page is cut in Python instead of excluding them in SQL.
_MAX_EXCLUDED_IDS = 500


def search_services(place: Place, radius_km: float = DEFAULT_RADIUS_KM, filters: SearchFilters | None = None,
                    *, page: int = 1, page_size: int = PAGE_SIZE) -> ResultPage:
    """Active services that match `filters` and are near the place (a public point within `radius_km`), take
    people from its municipality (service area), or are national (no service area). Nearby ones come first,
    nearest first; then those of the area, then the national ones, each by name. One page of ServiceHits.

    At most ten queries: the index's points in a box around the circle (exact distances in Python), the
    services of the area, the number of national services and, when the page reaches them, their slice; then
    the page. Each reads the search index and, by primary key, the few columns it leaves to the source rows."""
    filters = filters or SearchFilters()
    radius_km = min(max(float(radius_km), 0.0), MAX_RADIUS_KM)

    nearby: list[tuple[float, str, str]] = []  # (distance, service id hex, location id hex), nearest first
    nearby_national: set[str] = set()
    if place.is_located:
        box = _bounding_box(place.latitude, place.longitude, radius_km)
        points = SearchPoint.objects.filter(*_eligibility(filters, "service__", facets=""), **box)
        for service_id, (distance, location_id, has_area) in _nearest(_point_rows(points), place).items():
            if distance <= radius_km:
                nearby.append((distance, service_id, location_id))
                if not has_area:
                    nearby_national.add(service_id)
        nearby.sort()
    nearby_ids = {service_id for _distance, service_id, _location in nearby}

    area: list[UUID] = []
    if place.municipality is not None:
        rows = eligible_services(filters, Service.objects.filter(service_areas__municipality=place.municipality)
                                 ).order_by().values_list("name", "pk")
        area = [service_id for _name, service_id in sorted(rows) if service_id.hex not in nearby_ids]
    # A subquery on the index of the few national services: as a join, SQLite's planner may walk every service.
    national = eligible_services(filters, Service.objects.filter(
        pk__in=SearchService.objects.filter(is_national=True).values("service_id")))
    national_count = national.count() - len(nearby_national)

    total = len(nearby) + len(area) + national_count
    number = min(max(int(page), 1), max(1, math.ceil(total / page_size)))
    start, end = (number - 1) * page_size, number * page_size
    window = [(UUID(service_id), Reach.NEARBY, distance, UUID(location_id))
              for distance, service_id, location_id in nearby[start:end]]
    window += [(service_id, Reach.AREA, None, None)
               for service_id in area[max(start - len(nearby), 0):max(end - len(nearby), 0)]]
    offset, wanted = max(start - len(nearby) - len(area), 0), end - max(start, len(nearby) + len(area))
    if wanted > 0 and national_count > 0:
        window += [(service_id, Reach.NATIONAL, None, None)
                   for service_id in _national_slice(national, nearby_national, offset, wanted)]
    return ResultPage(_hits(window, place), total=total, number=number, page_size=page_size)


def _national_slice(national: QuerySet[Service], nearby: set[str], offset: int, limit: int) -> list[UUID]:
    """National services by name, without those already shown as nearby (`nearby`: UUID hex strings)."""
    ordered = national.order_by("name", "pk").values_list("pk", flat=True)
    if len(nearby) <= _MAX_EXCLUDED_IDS:
        return list(ordered.exclude(pk__in=nearby)[offset:offset + limit])
    return [service_id for service_id in ordered if service_id.hex not in nearby][offset:offset + limit]


def _hits(window: list[tuple], place: Place) -> list[ServiceHit]:
    """The details of one page of hits, in a fixed number of queries whatever the page holds."""
    if not window:
        return []
    ids = [service_id for service_id, *_rest in window]
    services = {
        service.pk: service for service in Service.objects.filter(pk__in=ids).select_related("organization").only(
            "name", "description", "url", "email", "eligibility_description", "minimum_age", "maximum_age",
            "capacity_unit", "capacity_total", "capacity_available", "capacity_updated_at", "last_verified_at",
            "organization__name")
    }
    located = {service_id: (distance, location_id) for service_id, _reach, distance, location_id in window
               if location_id is not None}
    unplaced = [service_id for service_id, _reach, distance, _location in window if distance is None]
    if unplaced and place.is_located:  # area and national hits still show their nearest public point
        for service_id, (distance, location_id, _has_area) in _nearest(
                public_point_rows(service_ids=unplaced), place).items():
            located[UUID(service_id)] = (distance, UUID(location_id))
    location_ids = {location_id for _distance, location_id in located.values()}
    organization_ids = {service.organization_id for service in services.values()}

    labels = service_labels(ids)
    locations = _public_locations(location_ids)
    phones = _phones(service_ids=ids, organization_ids=organization_ids, location_ids=location_ids)
    hours = _opening_hours(service_ids=ids, location_ids=location_ids)

    hits = []
    for service_id, reach, _distance, _location in window:
        service = services[service_id]
        distance, location_id = located.get(service_id, (None, None))
        terms = labels.get(service_id, {})
        hits.append(ServiceHit(
            service=service, organization_name=service.organization.name, reach=reach,
            distance_km=round(distance, 1) if distance is not None else None,
            location=locations.get(location_id), terms=terms, languages=terms.pop(_LANGUAGES, []),
            phones=phones.get(("service", service_id)) or phones.get(("location", location_id))
            or phones.get(("organization", service.organization_id), []),
            opening_hours=hours.get(("service", service_id)) or hours.get(("location", location_id), []),
        ))
    return hits


_LANGUAGES = "languages"


def service_labels(service_ids) -> dict[UUID, dict[str, list[str]]]:
    """Service id → taxonomy name → term names, and the service's languages under "languages"; one query."""
    terms = ServiceAttribute.objects.filter(service_id__in=service_ids).order_by().values_list(
        "service_id", "taxonomy_term__taxonomy__name", "taxonomy_term__name", "taxonomy_term__code")
    languages = Language.objects.filter(service_id__in=service_ids).order_by().values_list(
        "service_id", Value(_LANGUAGES), "name", "name")
    labels: dict[UUID, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for service_id, group, name, order in terms.union(languages, all=True):
        labels[service_id][group].append((order, name))
    return {service_id: {group: [name for _key, name in sorted(items)] for group, items in groups.items()}
            for service_id, groups in labels.items()}


def _public_locations(location_ids) -> dict[UUID, PublicLocation]:
    """Name and address of public locations; the confidential filter is repeated here on purpose."""
    rows = (Address.objects.filter(location_id__in=location_ids, location__is_confidential=False)
            .order_by("address_type").values_list("location_id", "location__name", "location__is_intake_point",
                                                  "address_1", "postal_code", "city"))
    locations: dict[UUID, PublicLocation] = {}
    for location_id, name, is_intake_point, street, postal_code, city in rows:
        if location_id not in locations:
            postal = f"{postal_code[:4]} {postal_code[4:]}".strip() if len(postal_code) == 6 else postal_code
            address = ", ".join(part for part in (street, f"{postal} {city}".strip()) if part)
            locations[location_id] = PublicLocation(name=name, address=address, is_intake_point=is_intake_point)
    return locations


_PHONE_COLUMNS = ("service_id", "organization_id", "location_id", "number", "description")


def _phones(*, service_ids, organization_ids, location_ids) -> dict[tuple[str, UUID], list[PhoneNumber]]:
    """Phone numbers keyed by ("service"|"organization"|"location", id); never those of a confidential location.
    One query of indexed lookups (an OR of the three would scan the table)."""
    parts = [Phone.objects.filter(service_id__in=service_ids),
             Phone.objects.filter(organization_id__in=organization_ids),
             Phone.objects.filter(location_id__in=location_ids, location__is_confidential=False)]
    first, *rest = (part.order_by().values_list(*_PHONE_COLUMNS) for part in parts)
    phones: dict[tuple[str, UUID], list[PhoneNumber]] = defaultdict(list)
    for service_id, organization_id, location_id, number, description in sorted(
            first.union(*rest, all=True), key=lambda row: row[3]):
        key = ("service", service_id) if service_id else ("location", location_id) if location_id \
            else ("organization", organization_id)
        phones[key].append(PhoneNumber(number, description))
    return phones


_SCHEDULE_COLUMNS = ("service_id", "location_id", "byday", "opens_at", "closes_at", "description")


def _opening_hours(*, service_ids, location_ids) -> dict[tuple[str, UUID], list[str]]:
    by_service = Schedule.objects.filter(service_id__in=service_ids).order_by().values_list(*_SCHEDULE_COLUMNS)
    by_location = Schedule.objects.filter(location_id__in=location_ids).order_by().values_list(*_SCHEDULE_COLUMNS)
    hours: dict[tuple[str, UUID], list[str]] = defaultdict(list)
    rows = sorted(by_service.union(by_location, all=True), key=lambda row: (DAY_CODES.index(row[2][:2].upper())
                                                                   if row[2][:2].upper() in DAY_CODES else -1,
                                                                   row[3] or MIDNIGHT))
    for service_id, location_id, byday, opens_at, closes_at, description in rows:
        key = ("service", service_id) if service_id else ("location", location_id)
        hours[key].append(opening_hours_text(byday=byday, opens_at=opens_at, closes_at=closes_at,
                                             description=description))
    return hours


# ---------------------------------------------------------------------------------------------------------------
# Who to call, and coverage
# ---------------------------------------------------------------------------------------------------------------

CARE_COORDINATOR, VEILIG_THUIS, POLICE_AVIM, COMENSHA = "care_coordinator", "veilig_thuis", "police_avim", "comensha"
CHAIN_ROLES = (CARE_COORDINATOR, VEILIG_THUIS, POLICE_AVIM, COMENSHA)
_ROLE_TERMS = {term.code: term for vocabulary in VOCABULARIES if vocabulary.name == CHAIN_ROLE
               for term in vocabulary.terms}


@dataclass(frozen=True)
class ChainContact:
    service_name: str
    organization_name: str
    phones: tuple[PhoneNumber, ...]
    opening_hours: tuple[str, ...]
    url: str
    is_national: bool


@dataclass(frozen=True)
class RoleContacts:
    role: str
    label: str
    description: str
    contacts: tuple[ChainContact, ...]


@dataclass(frozen=True)
class WhoToCall:
    municipality: Municipality
    roles: tuple[RoleContacts, ...]

    def contacts_for(self, role: str) -> tuple[ChainContact, ...]:
        return next((entry.contacts for entry in self.roles if entry.role == role), ())

    @property
    def has_care_coordinator(self) -> bool:
        return bool(self.contacts_for(CARE_COORDINATOR))

    @property
    def fallback_note(self) -> str:
        """What to do when the region has no care coordinator (empty when it has one)."""
        if self.has_care_coordinator:
            return ""
        return _("Voor {municipality} is geen zorgcoördinator mensenhandel bekend. Bel CoMensha: CoMensha "
                 "coördineert waar de regio geen zorgcoördinator heeft.").format(municipality=self.municipality.name)


def who_to_call(municipality: Municipality) -> WhoToCall:
    """For each chain role, the service(s) whose service area includes the municipality; where none does, the
    national one(s) (no service area). Three queries."""
    covers = Exists(ServiceArea.objects.filter(service=OuterRef("service_id"), municipality=municipality))
    national = ~Exists(ServiceArea.objects.filter(service=OuterRef("service_id")))
    rows = (
        ServiceAttribute.objects.filter(taxonomy_term__taxonomy__name=CHAIN_ROLE, taxonomy_term__code__in=CHAIN_ROLES,
                                        service__status=ServiceStatus.ACTIVE)
        .annotate(covers=covers).filter(Q(covers=True) | national)
        .order_by("service__organization__name", "service__name")
        .values_list("taxonomy_term__code", "covers", "service_id", "service__name", "service__url",
                     "service__organization_id", "service__organization__name")
    )
    found: dict[str, dict[bool, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    for code, covered, *service in rows:
        found[code][bool(covered)].append(service)
    chosen = {code: by_reach[True] or by_reach[False] for code, by_reach in found.items()}
    service_ids = {service[0] for services in chosen.values() for service in services}
    organization_ids = {service[3] for services in chosen.values() for service in services}
    phones = _phones(service_ids=service_ids, organization_ids=organization_ids, location_ids=())
    hours = _opening_hours(service_ids=service_ids, location_ids=())

    roles = []
    for code in CHAIN_ROLES:
        contacts = tuple(
            ChainContact(service_name=name, organization_name=organization_name,
                         phones=tuple(phones.get(("service", service_id))
                                      or phones.get(("organization", organization_id), [])),
                         opening_hours=tuple(hours.get(("service", service_id), [])), url=url,
                         is_national=not found[code][True])
            for service_id, name, url, organization_id, organization_name in chosen.get(code, [])
        )
        term = _ROLE_TERMS[code]
        roles.append(RoleContacts(role=code, label=term.name, description=term.description, contacts=contacts))
    return WhoToCall(municipality=municipality, roles=tuple(roles))


@dataclass(frozen=True)
class ProvinceCoverage:
    code: str
    name: str
    municipality_count: int
    uncovered: tuple[Municipality, ...]

    @property
    def covered_count(self) -> int:
        return self.municipality_count - len(self.uncovered)


def care_coordinators() -> QuerySet[Service]:
    """The active services in the care-coordinator chain role: what coverage and the ondergrens count."""
    return Service.objects.filter(
        status=ServiceStatus.ACTIVE, attributes__taxonomy_term__taxonomy__name=CHAIN_ROLE,
        attributes__taxonomy_term__code=CARE_COORDINATOR)


def municipalities_by_province() -> list[tuple[str, str, list[Municipality]]]:
    """(province code, province name, its municipalities), provinces and municipalities by name; one query."""
    links = (Region.municipalities.through.objects.filter(region__layer__kind=LayerKind.PROVINCE)
             .values_list("region__code", "region__name", "municipality_id", "municipality__name"))
    provinces: dict[tuple[str, str], list[Municipality]] = defaultdict(list)
    for code, name, municipality_code, municipality_name in links:
        provinces[(code, name)].append(Municipality(code=municipality_code, name=municipality_name))
    return [(code, name, sorted(members, key=lambda m: sort_key(m.name)))
            for (code, name), members in sorted(provinces.items(), key=lambda item: sort_key(item[0][1]))]


def coverage() -> list[ProvinceCoverage]:
    """Per province, its municipalities that no active care-coordinator service covers (by service area, or
    nationally). Three queries."""
    coordinators = care_coordinators()
    covered = set(ServiceArea.objects.filter(service__in=coordinators).values_list("municipality_id", flat=True))
    everywhere = coordinators.filter(~Exists(ServiceArea.objects.filter(service=OuterRef("pk")))).exists()
    return [
        ProvinceCoverage(
            code=code, name=name, municipality_count=len(members),
            uncovered=tuple(m for m in members if not everywhere and m.code not in covered))
        for code, name, members in municipalities_by_province()
    ]

