"""Reads for the map of the social map: every municipality's care-coordination coverage, grouped by province,
and the services at their public points, in the shapes the map component reads (a status document per
municipality, GeoJSON markers).

Shelter addresses are secret (DESIGN.md, privacy rule 6): the points come from the search's public points,
which show a confidential location only through its organisation's intake point and never select its
coordinates at all."""

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode
from uuid import UUID

from django.urls import reverse
from django.utils.translation import gettext as _

from keten.regions.selectors import sort_key
from keten.socialmap import selectors
from keten.socialmap.models import Location, Service
from keten.socialmap.selectors import SearchFilters, eligible_services
from keten.socialmap.taxonomy import SERVICE_TYPE

#: The statuses the map component colours; its legend and colours are fixed for every map that uses it.
GOOD, PARTIAL, GAP, UNKNOWN = "good", "partial", "gap", "unknown"

#: Coordinates as stored: five decimals (about a metre).
PRECISION = 5


def search_url(municipality_name: str, service_type: str = "") -> str:
    """The public search ("Wie bel ik?" on top) for a municipality, by the name a person would type."""
    query = {"place": municipality_name, **({"type": service_type} if service_type else {})}
    return f"{reverse('socialmap:search')}?{urlencode(query)}"


@dataclass(frozen=True)
class MapService:
    """A service at one public point: its own non-confidential location, or its organisation's intake point."""

    service_id: UUID
    name: str
    organization: str
    types: tuple[str, ...]
    latitude: float
    longitude: float
    municipality_code: str
    municipality_name: str


@dataclass(frozen=True)
class MunicipalityOnMap:
    code: str
    name: str
    has_care_coordinator: bool
    services: tuple[MapService, ...]  # one per service located here, by name

    @property
    def status(self) -> str:
        return GOOD if self.has_care_coordinator else GAP

    @property
    def status_text(self) -> str:
        if self.has_care_coordinator:
            return _("zorgcoördinator aanwezig")
        return _("geen zorgcoördinator (CoMensha coördineert)")

    @property
    def search_url(self) -> str:
        return search_url(self.name)


@dataclass(frozen=True)
class ProvinceOnMap:
    code: str
    name: str
    municipalities: tuple[MunicipalityOnMap, ...]

    @property
    def uncovered_count(self) -> int:
        return sum(not municipality.has_care_coordinator for municipality in self.municipalities)

    @property
    def service_count(self) -> int:
        return len({service.service_id for m in self.municipalities for service in m.services})


def services_on_map(filters: SearchFilters | None = None) -> list[MapService]:
    """Active services that pass `filters`, once for each public point they are reached at, by name. Four
    queries, whatever the number of services."""
    rows = selectors.public_point_rows(services=eligible_services(filters or SearchFilters()))
    points = {(UUID(service_id), UUID(location_id)): (round(latitude, PRECISION), round(longitude, PRECISION))
              for service_id, location_id, latitude, longitude, _has_area in rows}
    if not points:
        return []
    service_ids = {service_id for service_id, _location in points}
    # The public filter again, on purpose: a place must never come from a confidential location.
    places = {pk: (code, name) for pk, code, name in Location.objects.filter(
        pk__in={location for _service, location in points}, is_confidential=False).values_list(
        "pk", "municipality_id", "municipality__name")}
    services = {service_id: (name, organization) for service_id, name, organization in
                Service.objects.filter(pk__in=service_ids).values_list("pk", "name", "organization__name")}
    labels = selectors.service_labels(service_ids)
    found = [
        MapService(service_id=service_id, name=services[service_id][0], organization=services[service_id][1],
                   types=tuple(labels.get(service_id, {}).get(SERVICE_TYPE, ())), latitude=latitude,
                   longitude=longitude, municipality_code=places[location_id][0],
                   municipality_name=places[location_id][1])
        for (service_id, location_id), (latitude, longitude) in points.items() if location_id in places
    ]
    return sorted(found, key=lambda service: (sort_key(service.name), str(service.service_id)))


def coverage_map(services: list[MapService] | None = None) -> list[ProvinceOnMap]:
    """Every municipality by province (both by name), with whether a care coordinator covers it (as the
    coverage page decides) and the `services` located in it."""
    uncovered = {municipality.code for province in selectors.coverage() for municipality in province.uncovered}
    located: dict[str, dict[UUID, MapService]] = defaultdict(dict)
    for service in services or ():
        located[service.municipality_code].setdefault(service.service_id, service)
    return [
        ProvinceOnMap(code=code, name=name, municipalities=tuple(
            MunicipalityOnMap(code=m.code, name=m.name, has_care_coordinator=m.code not in uncovered,
                              services=tuple(located[m.code].values()))
            for m in members))
        for code, name, members in selectors.municipalities_by_province()
    ]


def coverage_legend() -> list[dict[str, str]]:
    return [{"status": GOOD, "label": _("Zorgcoördinator aanwezig")},
            {"status": GAP, "label": _("Geen zorgcoördinator (CoMensha coördineert)")}]


def coverage_status(provinces: list[ProvinceOnMap]) -> dict:
    """The map component's status document: a legend, and per CBS code a status, a label and a link."""
    return {
        "legend": coverage_legend(),
        "municipalities": {
            municipality.code: {
                "status": municipality.status,
                "label": f"{municipality.name}: {municipality.status_text}",
                "url": municipality.search_url,
                "link_label": _("Wie bel ik in {municipality}?").format(municipality=municipality.name),
            }
            for province in provinces for municipality in province.municipalities
        },
    }


def markers_geojson(services: list[MapService], service_type: str = "") -> dict:
    """The map component's markers: a GeoJSON FeatureCollection of Points ([longitude, latitude], RFC 7946)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [service.longitude, service.latitude]},
                "properties": {"name": service.name, "organization": service.organization,
                               "types": list(service.types),
                               "url": search_url(service.municipality_name, service_type)},
            }
            for service in services
        ],
    }
