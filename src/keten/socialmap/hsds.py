"""The social map as Open Referral HSDS 3.0 records: pure functions from model instances to the dicts that the
public HSDS API (keten.socialmap.api_hsds) publishes and that validate against the official compiled schemas
(../shared/data/hsds/schema/compiled/).

The public view follows privacy rule 6 (DESIGN.md): a shelter's address is never public. A confidential
location is never published in any form (no name, address, coordinates, phones or opening hours, not even its
id); where a service is offered at one, the public sees the organisation's intake point instead
(`public_service_at_locations`). The record functions refuse a confidential location outright, so a caller that
skips that step fails loudly instead of leaking.

Keten's own facts map onto HSDS 3.0 like this:

- Each ServiceAttribute row (a term of one of Keten's vocabularies, keten.socialmap.taxonomy) is an HSDS
  `attribute` with link_type "service", link_entity "service", link_id the service id and its `value`.
- Capacity: HSDS 3.0 has no capacity object; 3.1 adds `service_capacity` (unit, maximum, available, updated).
  Until Keten speaks 3.1, each capacity fact a service has is one more `attribute` of the service, pointing at
  a term of the pseudo-taxonomy "keten-capacity" whose term codes are the 3.1 field names:

      keten-capacity/unit       value "bed" | "place" | "intake_slot"   (Service.capacity_unit)
      keten-capacity/maximum    value "12"                              (Service.capacity_total)
      keten-capacity/available  value "3"                               (Service.capacity_available)
      keten-capacity/updated    value "2026-11-28T09:15:00.000Z"         (Service.capacity_updated_at)

  Attribute values are strings in HSDS 3.0, so the numbers are published as decimal strings. The pseudo-taxonomy
  and its terms are not database rows: their ids (and each capacity attribute's id) are UUIDv5s derived from
  fixed names, stable across deployments, and the API serves them at /taxonomies and /taxonomy_terms like the
  real vocabularies. A 3.1 publisher maps the four attributes one-to-one onto `service_capacity`.
- ServiceArea → `service_area` with name = the municipality's name, extent_type "text" (HSDS allows geojson,
  topojson, kml and text) with the name and CBS code as extent, and uri "urn:cbs:gemeente:GM0363".
- Schedules: freq WEEKLY (or MONTHLY), byday as stored, opens_at/closes_at "HH:MM" in Dutch local time
  (Europe/Amsterdam). HSDS's numeric `timezone` (a fixed UTC offset) cannot express summer time, so it is left out.
- Dates and times: ISO 8601; `last_modified` (the service's updated_at) in UTC with milliseconds,
  `assured_date` (the Dutch calendar date Keten last verified the entry) as a date.
- Ids are the UUIDs of the rows as strings.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone

from keten.socialmap.models import Location, Organization, Service, ServiceAtLocation

HSDS_VERSION = "3.0"
#: The HSDS profile this API follows: plain HSDS 3.0 (Keten adds vocabularies, not fields).
PROFILE_URL = "https://github.com/openreferral/specification/tree/3.0"
#: The OpenAPI description of the HSDS 3.0 API that Keten implements.
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"

#: Namespace of the ids Keten derives for HSDS objects that are not rows (capacity pseudo-taxonomy, attributes).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:keten:hsds")

#: Language of Keten's vocabularies (ISO 639-1).
TERM_LANGUAGE = "nl"
SCHEDULE_FREQUENCIES = ("WEEKLY", "MONTHLY")


class ConfidentialLocationError(ValueError):
    """A confidential location reached a public record: a programming error, never to be published."""


# --- The capacity pseudo-taxonomy ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VirtualTaxonomy:
    """A taxonomy that is not a database row but quacks like keten.socialmap.models.Taxonomy."""

    id: uuid.UUID
    name: str
    description: str
    uri: str = ""
    version: str = "1"


@dataclass(frozen=True)
class VirtualTerm:
    """A term of a VirtualTaxonomy that quacks like keten.socialmap.models.TaxonomyTerm."""

    id: uuid.UUID
    taxonomy: VirtualTaxonomy
    code: str
    name: str
    description: str
    parent_id: uuid.UUID | None = None

    @property
    def taxonomy_id(self) -> uuid.UUID:
        return self.taxonomy.id


CAPACITY_TAXONOMY_NAME = "keten-capacity"
CAPACITY_TAXONOMY = VirtualTaxonomy(
    id=uuid.uuid5(NAMESPACE, f"taxonomy:{CAPACITY_TAXONOMY_NAME}"),
    name=CAPACITY_TAXONOMY_NAME,
    description="Capaciteit van een dienst, als attributen in de vorm van HSDS 3.1 service_capacity "
                "(unit, maximum, available, updated).",
)


def _capacity_term(code: str, name: str, description: str) -> VirtualTerm:
    return VirtualTerm(id=uuid.uuid5(NAMESPACE, f"term:{CAPACITY_TAXONOMY_NAME}:{code}"),
                       taxonomy=CAPACITY_TAXONOMY, code=code, name=name, description=description)


#: Term code (the HSDS 3.1 service_capacity field) → term.
CAPACITY_TERMS = {
    term.code: term
    for term in (
        _capacity_term("unit", "Eenheid van capaciteit",
                       "Waarin de capaciteit geteld wordt: bed, place (plaats) of intake_slot (intakeplek)."),
        _capacity_term("maximum", "Capaciteit totaal", "Het totale aantal bedden, plaatsen of intakeplekken."),
        _capacity_term("available", "Capaciteit beschikbaar", "Het aantal dat nu vrij is."),
        _capacity_term("updated", "Capaciteit bijgewerkt", "Wanneer de capaciteit het laatst is bijgewerkt "
                       "(ISO 8601, UTC)."),
    )
}
VIRTUAL_TERMS_BY_ID = {term.id: term for term in CAPACITY_TERMS.values()}


def capacity_values(service: Service) -> dict[str, str]:
    """The capacity facts the service has, as term code → attribute value (see the module docstring)."""
    values = {}
    if service.capacity_unit:
        values["unit"] = service.capacity_unit
    if service.capacity_total is not None:
        values["maximum"] = str(service.capacity_total)
    if service.capacity_available is not None:
        values["available"] = str(service.capacity_available)
    if service.capacity_updated_at is not None:
        values["updated"] = iso_datetime(service.capacity_updated_at)
    return values


# --- Small helpers ---------------------------------------------------------------------------------------------


def _id(value) -> str | None:
    return str(value) if value is not None else None


def _present(**fields) -> dict:
    """The fields that have a value: HSDS types are strict (a string field may not be null), so absent facts
    are left out rather than published as null or as an empty string."""
    return {key: value for key, value in fields.items() if value is not None and value != ""}


def iso_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with millisecond accuracy, as HSDS asks for last_modified: 2023-03-15T10:30:45.123Z."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _local_date(value: datetime | None) -> str | None:
    return timezone.localdate(value).isoformat() if value is not None else None


def _hh_mm(value) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _number(value) -> float | None:
    return float(value) if value is not None else None


def _all(manager_or_list) -> list:
    """A related manager's rows (prefetched or not), or a list as it is."""
    return list(manager_or_list.all()) if hasattr(manager_or_list, "all") else list(manager_or_list)


def _require_public(location: Location) -> None:
    if location.is_confidential:
        raise ConfidentialLocationError(f"location {location.pk} is confidential and may not be published")


# --- Taxonomies ------------------------------------------------------------------------------------------------


def taxonomy_record(taxonomy) -> dict:
    """HSDS taxonomy (schema/taxonomy.json) of a Taxonomy row or the capacity pseudo-taxonomy."""
    return {
        "id": str(taxonomy.id),
        "name": taxonomy.name,
        "description": taxonomy.description,
        **_present(uri=taxonomy.uri or None, version=taxonomy.version),
    }


def taxonomy_term_record(term) -> dict:
    """HSDS taxonomy_term (schema/taxonomy_term.json), with its taxonomy nested as `taxonomy_detail`."""
    return {
        "id": str(term.id),
        "name": term.name,
        "description": term.description,
        **_present(code=term.code, parent_id=_id(term.parent_id), taxonomy=term.taxonomy.name,
                   taxonomy_id=str(term.taxonomy_id)),
        "taxonomy_detail": taxonomy_record(term.taxonomy),
        "language": TERM_LANGUAGE,
    }


def _attribute(attribute_id, service: Service, term, value: str) -> dict:
    return {
        "id": str(attribute_id),
        "link_id": str(service.id),
        "link_type": "service",
        "link_entity": "service",
        "taxonomy_term_id": str(term.id),
        "taxonomy_term": taxonomy_term_record(term),
        **_present(value=value),
    }


def attribute_records(service: Service) -> list[dict]:
    """The service's taxonomy terms and then its capacity, as HSDS attributes."""
    rows = sorted(_all(service.attributes), key=lambda a: (a.taxonomy_term.taxonomy.name, a.taxonomy_term.code))
    records = [_attribute(row.id, service, row.taxonomy_term, row.value) for row in rows]
    for code, value in capacity_values(service).items():
        attribute_id = uuid.uuid5(NAMESPACE, f"attribute:{service.id}:{CAPACITY_TAXONOMY_NAME}:{code}")
        records.append(_attribute(attribute_id, service, CAPACITY_TERMS[code], value))
    return records


# --- Parts of a service, organisation or location --------------------------------------------------------------


def phone_record(phone) -> dict:
    return {
        "id": str(phone.id),
        "number": phone.number,
        **_present(organization_id=_id(phone.organization_id), service_id=_id(phone.service_id),
                   location_id=_id(phone.location_id), type=phone.type, description=phone.description),
    }


def schedule_record(schedule) -> dict:
    return {
        "id": str(schedule.id),
        **_present(service_id=_id(schedule.service_id), location_id=_id(schedule.location_id),
                   freq=schedule.freq if schedule.freq in SCHEDULE_FREQUENCIES else None, byday=schedule.byday,
                   opens_at=_hh_mm(schedule.opens_at), closes_at=_hh_mm(schedule.closes_at),
                   description=schedule.description),
    }


def service_area_record(area) -> dict:
    municipality = area.municipality
    return {
        "id": str(area.id),
        "service_id": str(area.service_id),
        "name": municipality.name,
        "extent": f"{municipality.name} ({municipality.code})",
        "extent_type": "text",
        "uri": f"urn:cbs:gemeente:{municipality.code}",
    }


def language_record(language) -> dict:
    return {"id": str(language.id), "service_id": str(language.service_id),
            **_present(name=language.name, code=language.code)}


def funding_record(funding) -> dict:
    return {"id": str(funding.id), "service_id": str(funding.service_id), **_present(source=funding.source)}


def address_record(address) -> dict:
    return {
        "id": str(address.id),
        "location_id": str(address.location_id),
        "address_1": address.address_1,
        "city": address.city,
        "state_province": address.state_province,
        "postal_code": address.postal_code,
        "country": address.country,
        "address_type": address.address_type,
    }


def location_record(location: Location) -> dict:
    """HSDS location with its addresses, phones and opening hours. Refuses a confidential location."""
    _require_public(location)
    return {
        "id": str(location.id),
        "location_type": location.location_type,
        "organization_id": str(location.organization_id),
        **_present(name=location.name, description=location.description, latitude=_number(location.latitude),
                   longitude=_number(location.longitude)),
        "addresses": [address_record(a) for a in sorted(_all(location.addresses), key=lambda a: str(a.id))],
        "phones": [phone_record(p) for p in sorted(_all(location.phones), key=lambda p: (p.number, str(p.id)))],
        "schedules": [schedule_record(s) for s in sorted(_all(location.schedules), key=_schedule_key)],
        "languages": [],
        "contacts": [],
        "accessibility": [],
        "attributes": [],
    }


def _schedule_key(schedule) -> tuple:
    return (schedule.byday, str(schedule.opens_at), str(schedule.id))


# --- Where a service is offered, in the public view ------------------------------------------------------------


@dataclass(frozen=True)
class PublicServiceAtLocation:
    """A service at a location as the public may see it. For a service at a confidential location, `id` is that
    ServiceAtLocation's id, `location` is the organisation's intake point and `substitute` is True."""

    id: uuid.UUID
    service: Service
    location: Location
    description: str = ""
    substitute: bool = False


#: Shown on a service-at-location whose confidential location has been replaced by the intake point.
SUBSTITUTE_DESCRIPTION = "Aanmelden via het aanmeldpunt van de organisatie; het adres van de opvang is geheim."


@dataclass(frozen=True)
class LocationLink:
    """What the public-view decision needs of one ServiceAtLocation (no address, no coordinates)."""

    id: uuid.UUID
    location_id: uuid.UUID
    is_confidential: bool
    sort_name: str = ""


#: (public id, location id, substitute): one service-at-location as published.
PublicLink = tuple[uuid.UUID, uuid.UUID, bool]


def resolve_public_links(links: Iterable[LocationLink], intake_point_ids: list) -> list[PublicLink]:
    """Privacy rule 6 for one service, as (public id, location id, substitute) in publishing order.

    Every link to a public location is kept. Links to confidential locations are dropped; if there was at least
    one, the organisation's first public intake point takes their place, once, under the id of the first such
    link (so /service_at_locations/{id} stays stable) - unless the service is already offered at that intake
    point. `intake_point_ids` are the organisation's non-confidential intake points in order of preference."""
    links = sorted(links, key=lambda link: (link.sort_name, str(link.id)))
    public = [(link.id, link.location_id, False) for link in links if not link.is_confidential]
    hidden = sorted((link for link in links if link.is_confidential), key=lambda link: str(link.id))
    if hidden and intake_point_ids:
        intake_id = intake_point_ids[0]
        if intake_id not in {location_id for _id, location_id, _sub in public}:
            public.append((hidden[0].id, intake_id, True))
    return public


def public_intake_points(organization: Organization) -> list[Location]:
    """The organisation's non-confidential intake points, by name (prefetched as `public_intake_points` by the API)."""
    prefetched = getattr(organization, "public_intake_points", None)
    if prefetched is not None:
        return list(prefetched)
    return list(organization.locations.filter(is_intake_point=True, is_confidential=False).order_by("name", "id"))


def public_service_at_locations(service: Service) -> list[PublicServiceAtLocation]:
    """Where the public may see the service offered (see resolve_public_links)."""
    rows: list[ServiceAtLocation] = _all(service.service_at_locations)
    if not rows:
        return []
    links = [LocationLink(row.id, row.location_id, row.location.is_confidential, row.location.name) for row in rows]
    intake_points = public_intake_points(service.organization) if any(link.is_confidential for link in links) else []
    intake_by_id = {location.id: location for location in intake_points}
    row_by_id = {row.id: row for row in rows}
    published = []
    for public_id, location_id, substitute in resolve_public_links(links, [loc.id for loc in intake_points]):
        if substitute:
            published.append(PublicServiceAtLocation(public_id, service, intake_by_id[location_id],
                                                     SUBSTITUTE_DESCRIPTION, substitute=True))
        else:
            row = row_by_id[public_id]
            published.append(PublicServiceAtLocation(row.id, service, row.location, row.description))
    return published


def service_at_location_record(sal: PublicServiceAtLocation, *, include_service: bool = True) -> dict:
    """HSDS service_at_location (compiled/service_at_location.json) with its location and, unless asked not to,
    its service (without the service's own service_at_locations). Takes a PublicServiceAtLocation (or anything
    with id, service, location and description); refuses a confidential location."""
    _require_public(sal.location)
    record = {
        "id": str(sal.id),
        "service_id": str(sal.service.id),
        "location_id": str(sal.location.id),
        **_present(description=sal.description),
        "contacts": [],
        "phones": [],
        "schedules": [],
        "attributes": [],
        "location": location_record(sal.location),
    }
    if include_service:
        record["service"] = service_record(sal.service, include_locations=False)
    return record


# --- Services and organisations --------------------------------------------------------------------------------


def organization_summary(organization: Organization) -> dict:
    """The one-to-one fields of an organisation (as nested in a service)."""
    return {
        "id": str(organization.id),
        "name": organization.name,
        "description": organization.description,
        **_present(alternate_name=organization.alternate_name, email=organization.email,
                   website=organization.website),
    }


def service_record(service: Service, *, full: bool = True, include_locations: bool = True) -> dict:
    """HSDS service (compiled/service.json). `full=False` gives the one-to-one fields only (the HSDS list shape);
    `include_locations=False` leaves out service_at_locations (for a service nested in a service_at_location)."""
    record = {
        "id": str(service.id),
        "organization_id": str(service.organization_id),
        "name": service.name,
        "status": service.status,
        **_present(alternate_name=service.alternate_name, description=service.description, url=service.url,
                   email=service.email, eligibility_description=service.eligibility_description,
                   minimum_age=service.minimum_age, maximum_age=service.maximum_age,
                   assured_date=_local_date(service.last_verified_at),
                   last_modified=iso_datetime(service.updated_at) if service.updated_at else None),
    }
    if not full:
        return record
    record.update({
        "phones": [phone_record(p) for p in sorted(_all(service.phones), key=lambda p: (p.number, str(p.id)))],
        "schedules": [schedule_record(s) for s in sorted(_all(service.schedules), key=_schedule_key)],
        "service_areas": [service_area_record(a) for a in
                          sorted(_all(service.service_areas), key=lambda a: (a.municipality.name, str(a.id)))],
        "languages": [language_record(lang) for lang in
                      sorted(_all(service.languages), key=lambda lang: (lang.code, str(lang.id)))],
        "organization": organization_summary(service.organization),
        "funding": [funding_record(f) for f in sorted(_all(service.funding), key=lambda f: (f.source, str(f.id)))],
        "cost_options": [],
        "required_documents": [],
        "contacts": [],
        "attributes": attribute_records(service),
    })
    if include_locations:
        record["service_at_locations"] = [service_at_location_record(sal, include_service=False)
                                          for sal in public_service_at_locations(service)]
    return record


def public_locations(organization: Organization) -> list[Location]:
    """The organisation's locations the public may see (prefetched as `public_locations` by the API)."""
    prefetched = getattr(organization, "public_locations", None)
    if prefetched is not None:
        return list(prefetched)
    return list(organization.locations.filter(is_confidential=False).order_by("name", "id"))


def organization_record(organization: Organization, *, full_service: bool = False) -> dict:
    """HSDS organization (compiled/organization.json) with its phones, its public locations (never a confidential
    one) and its services: their one-to-one fields, or fully nested with `full_service`."""
    services = sorted(_all(organization.services), key=lambda s: (s.name, str(s.id)))
    return {
        **organization_summary(organization),
        "phones": [phone_record(p) for p in sorted(_all(organization.phones), key=lambda p: (p.number, str(p.id)))],
        "locations": [location_record(loc) for loc in public_locations(organization)],
        "services": [service_record(s, full=full_service) for s in services],
        "funding": [],
        "contacts": [],
        "programs": [],
        "organization_identifiers": [],
        "attributes": [],
    }

