"""The search index of the social map: SearchService and SearchPoint, derived from the source tables and kept
equal to them, so that a search reads a few simple rows instead of deriving facets and public points anew.

What the index holds is what is costly to derive: a service's terms per facet (as bitmasks), whether it is
national (no service area), and its public points. What is cheap to read and must never be stale — a service's
status, age band and capacity, a location's confidentiality — the search reads from the source rows themselves,
so that a write past the signals (QuerySet.update, core.concurrency.save_versioned) cannot make it show an
inactive service or a secret place.

Signal receivers (connected in apps.py) refresh the services a saved or deleted row affects; `batched()` defers
that to one refresh at the end of many writes. Writes that send no signals (bulk_create, QuerySet.update, a
conditional update) to the rows the index summarises are not seen: call `refresh()` or `rebuild()` after them,
or run `manage.py rebuild_search_index`."""

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps as installed_apps
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from keten.socialmap.taxonomy import AUDIENCE, EXPLOITATION_FORM, GENDER, RESIDENCE_STATUS, SERVICE_TYPE, VOCABULARIES

#: The facets kept as bitmasks: SearchFacets field → vocabulary.
MASKS = {"type_mask": SERVICE_TYPE, "audience_mask": AUDIENCE, "exploitation_mask": EXPLOITATION_FORM,
         "residence_mask": RESIDENCE_STATUS, "gender_mask": GENDER}
#: Services written in one statement when the index is filled.
BATCH_SIZE = 1000
#: Ids per query when many services are refreshed (SQLite limits the parameters of one statement).
CHUNK_SIZE = 500


def _term_bits() -> dict[tuple[str, str], int]:
    """(vocabulary, code) → its bit: the term's position in its vocabulary in taxonomy.py. A term added at the
    end keeps every bit as it was; after any other change to a vocabulary, run rebuild_search_index."""
    bits = {}
    for vocabulary in VOCABULARIES:
        if vocabulary.name in MASKS.values():
            if len(vocabulary.terms) > 63:  # a BigIntegerField holds 63 bits besides its sign
                raise ValueError(f"{vocabulary.name} has more terms than a search mask has bits")
            bits.update({(vocabulary.name, term.code): 1 << number for number, term in enumerate(vocabulary.terms)})
    return bits


def _children() -> dict[tuple[str, str], list[str]]:
    """(vocabulary, code) → the codes of its children."""
    children = defaultdict(list)
    for vocabulary in VOCABULARIES:
        for term in vocabulary.terms:
            if term.parent:
                children[(vocabulary.name, term.parent)].append(term.code)
    return dict(children)


TERM_BITS = _term_bits()
_CHILDREN = _children()
_ANY_GENDER = TERM_BITS[(GENDER, "any")]
#: Every gender at once: a service without a gender term, or with "any", is for everyone.
EVERY_GENDER = sum(bit for (taxonomy, _code), bit in TERM_BITS.items() if taxonomy == GENDER)


def chosen_mask(taxonomy: str, codes: Iterable[str]) -> int:
    """The bits a searcher's choice in one facet matches: the chosen terms and their children (a chosen
    "shelter" matches "shelter_women"). Unknown codes match nothing."""
    wanted = set(codes)
    wanted.update(child for code in list(wanted) for child in _CHILDREN.get((taxonomy, code), ()))
    return sum(TERM_BITS.get((taxonomy, code), 0) for code in wanted)


# --- Computing and writing the index ---------------------------------------------------------------------------


def _compute(registry, service_ids: Collection | None) -> tuple[list, list]:
    """The SearchService and SearchPoint rows of the services (all of them when `service_ids` is None), from the
    source tables; `registry` gives the models (the installed ones, or a migration's historical ones)."""
    model = registry.get_model
    Service, ServiceAttribute, ServiceArea = (model("socialmap", name) for name in (
        "Service", "ServiceAttribute", "ServiceArea"))
    Location, ServiceAtLocation = model("socialmap", "Location"), model("socialmap", "ServiceAtLocation")
    SearchService, SearchPoint = model("socialmap", "SearchService"), model("socialmap", "SearchPoint")
    scope = {} if service_ids is None else {"service_id__in": service_ids}

    masks: dict = defaultdict(lambda: dict.fromkeys(MASKS, 0))
    field_of = {taxonomy: field for field, taxonomy in MASKS.items()}
    for service_id, taxonomy, code in ServiceAttribute.objects.filter(
            taxonomy_term__taxonomy__name__in=MASKS.values(), **scope).order_by().values_list(
            "service_id", "taxonomy_term__taxonomy__name", "taxonomy_term__code"):
        masks[service_id][field_of[taxonomy]] |= TERM_BITS.get((taxonomy, code), 0)
    with_area = set(ServiceArea.objects.filter(**scope).order_by().values_list("service_id", flat=True))
    ids = Service.objects.order_by().values_list("pk", flat=True)
    entries = []
    for service_id in ids if service_ids is None else ids.filter(pk__in=service_ids):
        entry = masks[service_id]
        if not entry["gender_mask"] or entry["gender_mask"] & _ANY_GENDER:
            entry["gender_mask"] = EVERY_GENDER
        entries.append(SearchService(service_id=service_id, is_national=service_id not in with_area, **entry))

    # The public points, exactly as DESIGN.md privacy rule 6 has them: a service's own non-confidential located
    # locations, and for each of its confidential ones the located public intake points of that location's
    # organisation. A confidential location's coordinates are not even selected.
    placed = {"latitude__isnull": False, "longitude__isnull": False}
    points: dict[tuple, tuple[float, float]] = {}
    for service_id, location_id, latitude, longitude in ServiceAtLocation.objects.filter(
            location__is_confidential=False, **{f"location__{k}": v for k, v in placed.items()}, **scope
    ).order_by().values_list("service_id", "location_id", "location__latitude", "location__longitude"):
        points[(service_id, location_id)] = (latitude, longitude)
    sheltered: dict = defaultdict(set)  # organisation → services with a confidential location of it
    for service_id, organization_id in ServiceAtLocation.objects.filter(
            location__is_confidential=True, **scope).order_by().values_list("service_id", "location__organization_id"):
        sheltered[organization_id].add(service_id)
    if sheltered:
        for organization_id, location_id, latitude, longitude in Location.objects.filter(
                organization_id__in=sheltered, is_intake_point=True, is_confidential=False, **placed
        ).order_by().values_list("organization_id", "pk", "latitude", "longitude"):
            for service_id in sheltered[organization_id]:
                points[(service_id, location_id)] = (latitude, longitude)
    facets = {entry.service_id: {"is_national": entry.is_national, **masks[entry.service_id]} for entry in entries}
    rows = [SearchPoint(service_id=service_id, location_id=location_id, latitude=float(latitude),
                        longitude=float(longitude), **facets[service_id])
            for (service_id, location_id), (latitude, longitude) in points.items() if service_id in facets]
    return entries, rows


def _write(registry, service_ids: Collection | None) -> None:
    SearchService, SearchPoint = (registry.get_model("socialmap", name) for name in ("SearchService", "SearchPoint"))
    entries, points = _compute(registry, service_ids)
    scope = {} if service_ids is None else {"service_id__in": service_ids}
    SearchPoint.objects.filter(**scope).delete()
    SearchService.objects.filter(**scope).delete()
    SearchService.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    SearchPoint.objects.bulk_create(points, batch_size=BATCH_SIZE)


def refresh(service_ids: Iterable) -> None:
    """Recompute the index rows of these services from the source tables; a service that no longer exists
    loses its rows."""
    ids = list(dict.fromkeys(service_ids))
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK_SIZE):
            _write(installed_apps, ids[start:start + CHUNK_SIZE])


def rebuild(registry=installed_apps) -> None:
    """Recompute the whole index (after bulk writes, in a migration with its historical `registry`)."""
    with transaction.atomic():
        _write(registry, None)


# --- Keeping it up to date -------------------------------------------------------------------------------------

#: The services written inside `batched()`, waiting for their refresh; None outside it.
_pending: ContextVar[set | None] = ContextVar("search_index_pending", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Refresh the services that the writes inside the block touch once, at its end, instead of after every
    row. Use it inside the transaction of the writes: after an error nothing is refreshed, as the writes roll
    back with it. Nested blocks refresh with the outermost one."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(set())
    try:
        yield
        touched = _pending.get()
    finally:
        _pending.reset(token)
    refresh(touched)


def _touched(service_ids: Iterable) -> None:
    pending = _pending.get()
    if pending is None:
        refresh(service_ids)
    else:
        pending.update(service_ids)


def _changes(update_fields, *names: str) -> bool:
    """Whether a save may change one of these fields (a save without update_fields may change any)."""
    return update_fields is None or any(name in update_fields or f"{name}_id" in update_fields for name in names)


def _service_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:  # the index holds nothing of the service's own columns
        _touched([instance.pk])


def _service_deleted(sender, instance, **kwargs):
    _touched([instance.pk])


def _link_changed(sender, instance, raw=False, **kwargs):
    """A term, service area or location of a service was added, changed or removed."""
    if not raw:
        _touched([instance.service_id])


def _location_changed(sender, instance, raw=False, update_fields=None, **kwargs):
    """A location's place or role changed: the services at it, and — as it may be, or have been, an intake
    point — the services at a confidential location of its organisation."""
    if raw or not _changes(update_fields, "latitude", "longitude", "is_confidential", "is_intake_point",
                           "organization"):
        return
    from keten.socialmap.models import ServiceAtLocation

    _touched(ServiceAtLocation.objects.filter(
        Q(location_id=instance.pk) | Q(location__organization_id=instance.organization_id,
                                       location__is_confidential=True)).values_list("service_id", flat=True))


def _term_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """A term's code or vocabulary changed: its bit changed for every service that has it (load_taxonomies
    rewrites only names and descriptions, and costs nothing here)."""
    if created or raw or not _changes(update_fields, "code", "taxonomy"):
        return
    from keten.socialmap.models import ServiceAttribute

    _touched(ServiceAttribute.objects.filter(taxonomy_term=instance).values_list("service_id", flat=True))


def connect() -> None:
    from keten.socialmap.models import Location, Service, ServiceArea, ServiceAtLocation, ServiceAttribute, TaxonomyTerm

    uid = "keten.socialmap.search_index"
    post_save.connect(_service_saved, sender=Service, dispatch_uid=f"{uid}.service")
    post_delete.connect(_service_deleted, sender=Service, dispatch_uid=f"{uid}.service")
    for model in (ServiceAttribute, ServiceArea, ServiceAtLocation):
        post_save.connect(_link_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
        post_delete.connect(_link_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
    post_save.connect(_location_changed, sender=Location, dispatch_uid=f"{uid}.location")
    post_delete.connect(_location_changed, sender=Location, dispatch_uid=f"{uid}.location")
    post_save.connect(_term_saved, sender=TaxonomyTerm, dispatch_uid=f"{uid}.term")
