"""The public HSDS 3.0 API of the social map (schema/openapi.json of Open Referral HSDS 3.0): read-only, open to
anyone without login, JSON only. The records come from keten.socialmap.hsds, which applies privacy rule 6: no
confidential location (shelter) is ever published; the public sees the organisation's intake point instead.

Lists use the HSDS `Page` wrapper (total_items, total_pages, page_number, size, first_page, last_page, empty,
contents) with `page` (1-based, default 1) and `per_page` (default 20, at most 100; `size` is the page size
asked for, as in the Spring Data page HSDS's wrapper follows). A page past the end is an empty page, not a 404.
Lists of services and services at locations hold fully nested records unless `full=false` asks for the
one-to-one fields only, and only active services unless `status` names another HSDS status or `all`.

`/service_at_locations` takes `postcode` (a Dutch postcode, "1011" or "1011 AB", resolved to its municipality
through the PC4 table) and `proximity` (in metres, as in the HSDS API). Kept simple, and documented here:

- postcode only: a service at a location matches if the service's service areas include the municipality, or,
  for a service without service areas, if the (public) location lies in that municipality;
- postcode and proximity: a service with service areas must still include the municipality, and the public
  location must lie within `proximity` metres (great-circle) of the municipality's representative point
  (keten.socialmap.geo; Keten has no PC4 centroids), or, without coordinates, in that municipality.

Distances are only ever measured to published locations (for a shelter: its intake point), so the filter cannot
be used to home in on a confidential address.
"""

import math
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from keten.regions.selectors import municipality_for_postcode
from keten.socialmap import hsds
from keten.socialmap.geo import haversine_km, point_of
from keten.socialmap.models import (
    Address,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
ALL_STATUSES = "all"

# --- Query parameters ------------------------------------------------------------------------------------------


def _text(request, name: str) -> str:
    return (request.query_params.get(name) or "").strip()


def _integer(request, name: str, default: int) -> int:
    raw = _text(request, name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParseError(f"'{name}' must be a whole number.") from None
    if value < 1:
        raise ParseError(f"'{name}' must be 1 or more.")
    return value


def _boolean(request, name: str, default: bool) -> bool:
    raw = _text(request, name).lower()
    if not raw:
        return default
    if raw in ("true", "1", "yes"):
        return True
    if raw in ("false", "0", "no"):
        return False
    raise ParseError(f"'{name}' must be true or false.")


def _uuid(request, name: str) -> uuid.UUID | None:
    raw = _text(request, name)
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ParseError(f"'{name}' must be a UUID.") from None


def _modified_after(request) -> datetime | None:
    """An ISO 8601 date or date-time; without an offset it is Dutch local time. A '+' of an offset that arrived
    unencoded (and so as a space) is put back."""
    raw = _text(request, "modified_after")
    if not raw:
        return None
    if " " in raw and "T" in raw:
        head, _space, offset = raw.rpartition(" ")
        raw = f"{head}+{offset}"
    try:
        moment = parse_datetime(raw)
        if moment is None and (day := parse_date(raw)) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise ParseError("'modified_after' must be an ISO 8601 date or date-time.")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _statuses(request) -> list[str] | None:
    """The service statuses asked for: active by default, None for all."""
    raw = _text(request, "status") or ServiceStatus.ACTIVE
    if raw == ALL_STATUSES:
        return None
    if raw not in ServiceStatus.values:
        raise ParseError(f"'status' must be one of {', '.join(ServiceStatus.values)} or {ALL_STATUSES}.")
    return [raw]


# --- Paging ----------------------------------------------------------------------------------------------------


def page_of(request, items, to_record) -> dict:
    """The HSDS Page of `items` (a QuerySet or a list) that `page` and `per_page` ask for."""
    page = _integer(request, "page", 1)
    per_page = min(_integer(request, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    total = items.count() if isinstance(items, QuerySet) else len(items)
    start = (page - 1) * per_page
    contents = [to_record(item) for item in items[start:start + per_page]] if start < total else []
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": per_page,
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


# --- Querysets -------------------------------------------------------------------------------------------------


def _public_location_parts(prefix: str = "") -> list[Prefetch]:
    """Addresses, phones and opening hours of public locations only: a secret address never leaves the database."""
    public = {"location__is_confidential": False}
    return [
        Prefetch(f"{prefix}addresses", queryset=Address.objects.filter(**public)),
        Prefetch(f"{prefix}phones", queryset=Phone.objects.filter(**public)),
        Prefetch(f"{prefix}schedules", queryset=Schedule.objects.filter(**public)),
    ]


def public_locations_queryset() -> QuerySet[Location]:
    return Location.objects.filter(is_confidential=False).order_by("name", "id").prefetch_related(
        *_public_location_parts())


def service_queryset(*, with_locations: bool = True) -> QuerySet[Service]:
    """Services with everything a full HSDS record needs, in a fixed number of queries per page."""
    lookups = [
        "phones", "schedules", "languages", "funding",
        Prefetch("service_areas", queryset=ServiceArea.objects.select_related("municipality")),
        Prefetch("attributes", queryset=ServiceAttribute.objects.select_related("taxonomy_term__taxonomy")),
    ]
    if with_locations:
        lookups += [
            Prefetch("service_at_locations", queryset=ServiceAtLocation.objects.select_related("location")
                     .prefetch_related(*_public_location_parts("location__"))),
            Prefetch("organization__locations", to_attr="public_intake_points",
                     queryset=public_locations_queryset().filter(is_intake_point=True)),
        ]
    return Service.objects.select_related("organization").prefetch_related(*lookups)


def _capacity_condition(term_code: str | None) -> Q:
    """Services that publish this capacity fact (any, for None)."""
    conditions = {
        "unit": ~Q(capacity_unit=""),
        "maximum": Q(capacity_total__isnull=False),
        "available": Q(capacity_available__isnull=False),
        "updated": Q(capacity_updated_at__isnull=False),
    }
    if term_code is not None:
        return conditions[term_code]
    combined = Q(pk__in=[])
    for condition in conditions.values():
        combined |= condition
    return combined


def filtered_services(request, services: QuerySet[Service] | None = None) -> QuerySet[Service]:
    """The services (of `services`, by default all) that the list parameters ask for (status, search,
    taxonomy_term_id, taxonomy_id, organization_id, modified_after), by name."""
    services = Service.objects.all() if services is None else services
    statuses = _statuses(request)
    if statuses is not None:
        services = services.filter(status__in=statuses)
    if search := _text(request, "search"):
        services = services.filter(Q(name__icontains=search) | Q(alternate_name__icontains=search)
                                   | Q(description__icontains=search))
    if (term_id := _uuid(request, "taxonomy_term_id")) is not None:
        if term_id in hsds.VIRTUAL_TERMS_BY_ID:
            services = services.filter(_capacity_condition(hsds.VIRTUAL_TERMS_BY_ID[term_id].code))
        else:
            services = services.filter(Exists(ServiceAttribute.objects.filter(service=OuterRef("pk"),
                                                                              taxonomy_term_id=term_id)))
    if (taxonomy_id := _uuid(request, "taxonomy_id")) is not None:
        if taxonomy_id == hsds.CAPACITY_TAXONOMY.id:
            services = services.filter(_capacity_condition(None))
        else:
            services = services.filter(Exists(ServiceAttribute.objects.filter(
                service=OuterRef("pk"), taxonomy_term__taxonomy_id=taxonomy_id)))
    if (organization_id := _uuid(request, "organization_id")) is not None:
        services = services.filter(organization_id=organization_id)
    if (moment := _modified_after(request)) is not None:
        services = services.filter(updated_at__gte=moment)
    return services.order_by("name", "id")


# --- Services at locations, in the public view -----------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One published service-at-location before its records are loaded."""

    id: uuid.UUID
    service_id: uuid.UUID
    location_id: uuid.UUID
    substitute: bool


def public_entries(services: QuerySet[Service]) -> list[Entry]:
    """Every published service-at-location of these services, in their order, in three light queries (ids and
    names only: no address or coordinate is read here)."""
    service_rows = list(services.values_list("id", "organization_id"))
    links = defaultdict(list)
    for sal_id, service_id, location_id, confidential, name in ServiceAtLocation.objects.filter(
            service__in=services.values("pk")).values_list("id", "service_id", "location_id",
                                                           "location__is_confidential", "location__name"):
        links[service_id].append(hsds.LocationLink(sal_id, location_id, confidential, name))
    needing_intake = {org for service_id, org in service_rows if any(x.is_confidential for x in links[service_id])}
    intake_points = defaultdict(list)
    for location_id, organization_id in Location.objects.filter(
            organization_id__in=needing_intake, is_intake_point=True, is_confidential=False,
    ).order_by("name", "id").values_list("id", "organization_id"):
        intake_points[organization_id].append(location_id)
    return [
        Entry(public_id, service_id, location_id, substitute)
        for service_id, organization_id in service_rows
        for public_id, location_id, substitute in hsds.resolve_public_links(links[service_id],
                                                                            intake_points[organization_id])
    ]


def near_postcode(entries: list[Entry], postcode: str, proximity_m: float | None) -> list[Entry]:
    """The entries that serve the postcode (see the module docstring)."""
    municipality = municipality_for_postcode(postcode)
    if municipality is None:
        raise ParseError("'postcode' is not a known Dutch postcode.")
    reference = point_of(municipality.code) if proximity_m is not None else None
    places = {
        location_id: (municipality_id, latitude, longitude)
        for location_id, municipality_id, latitude, longitude in Location.objects.filter(
            pk__in={e.location_id for e in entries}, is_confidential=False,
        ).values_list("id", "municipality_id", "latitude", "longitude")
    }
    areas = defaultdict(set)
    for service_id, municipality_id in ServiceArea.objects.filter(
            service_id__in={e.service_id for e in entries}).values_list("service_id", "municipality_id"):
        areas[service_id].add(municipality_id)

    def serves(entry: Entry) -> bool:
        if entry.location_id not in places:
            return False
        location_municipality, latitude, longitude = places[entry.location_id]
        service_areas = areas[entry.service_id]
        if service_areas and municipality.code not in service_areas:
            return False
        if proximity_m is None:
            return bool(service_areas) or location_municipality == municipality.code
        if latitude is None or longitude is None or reference is None:
            return location_municipality == municipality.code
        distance_km = haversine_km(float(latitude), float(longitude), reference.latitude, reference.longitude)
        return distance_km * 1000 <= proximity_m

    return [entry for entry in entries if serves(entry)]


def load_entries(entries: list[Entry], *, full: bool) -> list[hsds.PublicServiceAtLocation]:
    """The records behind a page of entries, in a fixed number of queries."""
    services = service_queryset(with_locations=False) if full else Service.objects.select_related("organization")
    service_by_id = services.in_bulk({e.service_id for e in entries})
    location_by_id = public_locations_queryset().in_bulk({e.location_id for e in entries})
    descriptions = dict(ServiceAtLocation.objects.filter(pk__in=[e.id for e in entries if not e.substitute])
                        .values_list("id", "description"))
    return [
        hsds.PublicServiceAtLocation(
            id=e.id, service=service_by_id[e.service_id], location=location_by_id[e.location_id],
            description=hsds.SUBSTITUTE_DESCRIPTION if e.substitute else descriptions.get(e.id, ""),
            substitute=e.substitute)
        for e in entries
    ]


# --- Views -----------------------------------------------------------------------------------------------------


def _parameter(name: str, kind, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, kind, description=description)


PAGE_PARAMETERS = [
    _parameter("page", int, "Page number, from 1."),
    _parameter("per_page", int, f"Results per page (default {DEFAULT_PER_PAGE}, at most {MAX_PER_PAGE})."),
    _parameter("search", str, "Case-insensitive text in the name or description."),
]
SERVICE_PARAMETERS = [
    _parameter("taxonomy_term_id", OpenApiTypes.UUID, "Only services with this taxonomy term."),
    _parameter("taxonomy_id", OpenApiTypes.UUID, "Only services with a term of this taxonomy."),
    _parameter("organization_id", OpenApiTypes.UUID, "Only services of this organization."),
    _parameter("modified_after", OpenApiTypes.DATETIME, "Only services modified on or after this moment."),
    _parameter("status", str, "Service status (default active), or 'all'."),
    _parameter("full", bool, "Fully nested records (default true); false gives the one-to-one fields."),
]


class HsdsApi(APIView):
    """Public and read-only: no authentication, anyone may ask, JSON only."""

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]


def _schema(operation_id: str, summary: str, parameters=()):
    """The view's place in Keten's OpenAPI schema, under the operationId that the HSDS 3.0 OpenAPI gives it."""
    return extend_schema(operation_id=operation_id, summary=summary, parameters=list(parameters),
                         responses=OpenApiTypes.OBJECT, tags=["hsds"])


class IndexApi(HsdsApi):
    @_schema("getAPIMetaInformation", "HSDS: about this API")
    def get(self, request):
        return Response({"version": hsds.HSDS_VERSION, "profile": hsds.PROFILE_URL, "openapi_url": hsds.OPENAPI_URL})


class ServiceListApi(HsdsApi):
    @_schema("getPaginatedListOfServices", "HSDS: services", PAGE_PARAMETERS + SERVICE_PARAMETERS)
    def get(self, request):
        full = _boolean(request, "full", True)
        services = filtered_services(request, service_queryset() if full else None)
        return Response(page_of(request, services, lambda service: hsds.service_record(service, full=full)))


class ServiceApi(HsdsApi):
    @_schema("getFullyNestedServiceById", "HSDS: one service, fully nested")
    def get(self, request, id):
        service = service_queryset().filter(pk=id).first()
        if service is None:
            raise Http404
        return Response(hsds.service_record(service))


class OrganizationListApi(HsdsApi):
    @_schema("getPaginatedListOfOrganizations", "HSDS: organizations", PAGE_PARAMETERS + [
        _parameter("full", bool, "Nested phones, locations and services (default true)."),
        _parameter("full_service", bool, "Fully nested services (default false)."),
    ])
    def get(self, request):
        full = _boolean(request, "full", True)
        full_service = _boolean(request, "full_service", False)
        organizations = Organization.objects.order_by("name", "id")
        if search := _text(request, "search"):
            organizations = organizations.filter(Q(name__icontains=search) | Q(alternate_name__icontains=search)
                                                 | Q(description__icontains=search))
        if not full:
            return Response(page_of(request, organizations, hsds.organization_summary))
        organizations = organizations.prefetch_related(*_organization_lookups(full_service))
        return Response(page_of(request, organizations,
                                lambda org: hsds.organization_record(org, full_service=full_service)))


def _organization_lookups(full_service: bool) -> list:
    services = service_queryset() if full_service else Service.objects.all()
    return [
        "phones",
        Prefetch("locations", queryset=public_locations_queryset(), to_attr="public_locations"),
        Prefetch("services", queryset=services),
    ]


class OrganizationApi(HsdsApi):
    @_schema("getOrganizationById", "HSDS: one organization",
             [_parameter("full_service", bool, "Fully nested services.")])
    def get(self, request, id):
        full_service = _boolean(request, "full_service", False)
        organization = Organization.objects.prefetch_related(*_organization_lookups(full_service)).filter(
            pk=id).first()
        if organization is None:
            raise Http404
        return Response(hsds.organization_record(organization, full_service=full_service))


def _matches(search: str, *texts: str) -> bool:
    return not search or any(search.casefold() in text.casefold() for text in texts)


class TaxonomyListApi(HsdsApi):
    @_schema("getPaginatedListOfTaxonomies", "HSDS: taxonomies", PAGE_PARAMETERS)
    def get(self, request):
        search = _text(request, "search")
        taxonomies = Taxonomy.objects.all()
        if search:
            taxonomies = taxonomies.filter(Q(name__icontains=search) | Q(description__icontains=search))
        items = list(taxonomies)
        capacity = hsds.CAPACITY_TAXONOMY
        if _matches(search, capacity.name, capacity.description):
            items.append(capacity)
        items.sort(key=lambda taxonomy: (taxonomy.name, str(taxonomy.id)))
        return Response(page_of(request, items, hsds.taxonomy_record))


class TaxonomyApi(HsdsApi):
    @_schema("getTaxonomyById", "HSDS: one taxonomy")
    def get(self, request, id):
        if id == hsds.CAPACITY_TAXONOMY.id:
            return Response(hsds.taxonomy_record(hsds.CAPACITY_TAXONOMY))
        taxonomy = Taxonomy.objects.filter(pk=id).first()
        if taxonomy is None:
            raise Http404
        return Response(hsds.taxonomy_record(taxonomy))


class TaxonomyTermListApi(HsdsApi):
    @_schema("getPaginatedListOfTaxonomyTerms", "HSDS: taxonomy terms", PAGE_PARAMETERS + [
        _parameter("taxonomy_id", OpenApiTypes.UUID, "Only terms of this taxonomy."),
        _parameter("parent_id", OpenApiTypes.UUID, "Only the children of this term."),
        _parameter("top_only", bool, "Only terms without a parent."),
    ])
    def get(self, request):
        search = _text(request, "search")
        taxonomy_id = _uuid(request, "taxonomy_id")
        parent_id = _uuid(request, "parent_id")
        top_only = _boolean(request, "top_only", False)
        terms = TaxonomyTerm.objects.select_related("taxonomy")
        if search:
            terms = terms.filter(Q(name__icontains=search) | Q(code__icontains=search)
                                 | Q(description__icontains=search))
        if taxonomy_id is not None:
            terms = terms.filter(taxonomy_id=taxonomy_id)
        if parent_id is not None:
            terms = terms.filter(parent_id=parent_id)
        if top_only:
            terms = terms.filter(parent__isnull=True)
        items = list(terms)
        items += [
            term for term in hsds.CAPACITY_TERMS.values()
            if _matches(search, term.name, term.code, term.description)
            and taxonomy_id in (None, term.taxonomy_id) and parent_id is None
        ]
        items.sort(key=lambda term: (term.taxonomy.name, term.code, str(term.id)))
        return Response(page_of(request, items, hsds.taxonomy_term_record))


class TaxonomyTermApi(HsdsApi):
    @_schema("getTaxonomyTermById", "HSDS: one taxonomy term")
    def get(self, request, id):
        if id in hsds.VIRTUAL_TERMS_BY_ID:
            return Response(hsds.taxonomy_term_record(hsds.VIRTUAL_TERMS_BY_ID[id]))
        term = TaxonomyTerm.objects.select_related("taxonomy").filter(pk=id).first()
        if term is None:
            raise Http404
        return Response(hsds.taxonomy_term_record(term))


PLACE_PARAMETERS = [
    _parameter("postcode", str, "Dutch postcode (1011 or 1011 AB): only what serves its municipality."),
    _parameter("proximity", float, "With postcode: only locations within this many metres of the "
                                   "municipality's representative point."),
]


class ServiceAtLocationListApi(HsdsApi):
    @_schema("getPaginatedListOfServiceAtLocation", "HSDS: services at locations (never a confidential location)",
             PAGE_PARAMETERS + SERVICE_PARAMETERS + PLACE_PARAMETERS)
    def get(self, request):
        full = _boolean(request, "full", True)
        postcode = _text(request, "postcode")
        proximity = _proximity(request)
        if proximity is not None and not postcode:
            raise ParseError("'proximity' needs a 'postcode'.")
        entries = public_entries(filtered_services(request))
        if postcode:
            entries = near_postcode(entries, postcode, proximity)

        def to_records(page_entries):
            return [hsds.service_at_location_record(sal, include_service=full)
                    for sal in load_entries(page_entries, full=full)]

        return Response(_page_in_bulk(request, entries, to_records))


def _proximity(request) -> float | None:
    raw = _text(request, "proximity")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ParseError("'proximity' must be a number of metres.") from None
    if not math.isfinite(value) or value < 0:
        raise ParseError("'proximity' must be a number of metres.")
    return value


def _page_in_bulk(request, items: list, to_records) -> dict:
    """page_of for records that are loaded a page at a time (`to_records` takes the page's items)."""
    page = page_of(request, items, lambda item: item)
    page["contents"] = to_records(page["contents"])
    return page


class ServiceAtLocationApi(HsdsApi):
    @_schema("getServiceAtLocationWithNestedDataById", "HSDS: one service at a location, fully nested")
    def get(self, request, id):
        service_id = ServiceAtLocation.objects.filter(pk=id).values_list("service_id", flat=True).first()
        service = service_queryset().filter(pk=service_id).first() if service_id else None
        for sal in hsds.public_service_at_locations(service) if service else []:
            if sal.id == id:
                return Response(hsds.service_at_location_record(sal))
        raise Http404
