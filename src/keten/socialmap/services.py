"""Writes of the social map: loading Keten's vocabularies, editing and verifying services, and keeping the
ondergrens (minimum standard)."""

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.services import record as audit
from keten.core.clock import now
from keten.core.concurrency import save_versioned
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.policy.purposes import Purpose
from keten.socialmap.models import CriterionKind, MinimumStandardCriterion, Service, Taxonomy, TaxonomyTerm
from keten.socialmap.selectors import MAX_RADIUS_KM
from keten.socialmap.taxonomy import AUDIENCE, EXPLOITATION_FORM, SERVICE_TYPE, VOCABULARIES


@transaction.atomic
def load_taxonomies() -> int:
    """Create or update every vocabulary and term of keten.socialmap.taxonomy; returns the number of terms."""
    count = 0
    for vocabulary in VOCABULARIES:
        taxonomy, _created = Taxonomy.objects.update_or_create(
            name=vocabulary.name, defaults={"description": vocabulary.description})
        terms = {}
        for term in vocabulary.terms:  # parents come before their children in the data
            terms[term.code], _created = TaxonomyTerm.objects.update_or_create(
                taxonomy=taxonomy, code=term.code,
                defaults={"name": term.name, "description": term.description,
                          "parent": terms.get(term.parent)})
            count += 1
    return count


# --- Editing: an organisation's functional administrator keeps its own entries; a national one all ---------


def _require_editor(actor: Actor, service: Service) -> None:
    if actor.role != Role.FUNCTIONAL_ADMIN:
        raise PermissionDenied(_("Alleen een functioneel beheerder kan de sociale kaart bijwerken."))
    if not actor.is_national and service.organization.maintainer_id != actor.organisation.pk:
        raise PermissionDenied(_("Deze dienst wordt beheerd door een andere organisatie."))


#: The fields of a service an editor may change on the editing page.
EDITABLE_FIELDS = ("name", "description", "status", "eligibility_description", "minimum_age", "maximum_age",
                   "url", "email", "capacity_unit", "capacity_total", "capacity_available")


@transaction.atomic
def service_update(*, actor: Actor, service: Service, expected_version: int, **changes) -> Service:
    """Change a service; refused when someone else saved it since the editor opened it (no silent overwrite).
    Editing is also verifying: the entry counts as checked from now on."""
    _require_editor(actor, service)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(_("Onbekende velden: {fields}.").format(fields=", ".join(sorted(unknown))))
    minimum, maximum = changes.get("minimum_age"), changes.get("maximum_age")
    if minimum is not None and maximum is not None and minimum > maximum:
        raise ValidationFailed(_("De minimumleeftijd is hoger dan de maximumleeftijd."))
    total, available = changes.get("capacity_total"), changes.get("capacity_available")
    if total is not None and available is not None and available > total:
        raise ValidationFailed(_("Er kunnen niet meer plekken vrij zijn dan er in totaal zijn."))
    capacity_changed = any(changes.get(f) != getattr(service, f) for f in ("capacity_total", "capacity_available"))
    for field, value in changes.items():
        setattr(service, field, value)
    moment = now()
    service.last_verified_at, service.last_verified_by = moment, actor.user
    fields = [*changes, "last_verified_at", "last_verified_by"]
    if capacity_changed:
        service.capacity_updated_at = moment
        fields.append("capacity_updated_at")
    save_versioned(service, expected_version=expected_version, fields=fields)
    audit(actor=actor, action="update", target=service, purpose=Purpose.ADMINISTRATION)
    return service


@transaction.atomic
def service_verify(*, actor: Actor, service: Service, expected_version: int) -> Service:
    """"Ongewijzigd": the editor checked the entry and it is still right."""
    _require_editor(actor, service)
    service.last_verified_at, service.last_verified_by = now(), actor.user
    save_versioned(service, expected_version=expected_version, fields=["last_verified_at", "last_verified_by"])
    audit(actor=actor, action="update", target=service, purpose=Purpose.ADMINISTRATION)
    return service


def capacity_take(service: Service, places: int) -> bool:
    """A placement takes (places=1) or frees (places=-1) a place of a service whose organisation keeps its
    capacity in Keten (capacity_available is set); within 0 and the total, in one UPDATE so that two placements
    at once cannot both take the last place. The version moves on, so an editor's older form cannot overwrite
    it. Returns whether the capacity changed (part of the caller's audited write)."""
    bound = Q(capacity_available__gte=places) if places > 0 else (
        Q(capacity_total__isnull=True) | Q(capacity_available__lte=F("capacity_total") + places))
    return bool(Service.objects.filter(bound, pk=service.pk, capacity_available__isnull=False).update(
        capacity_available=F("capacity_available") - places, capacity_updated_at=now(), version=F("version") + 1))


# --- The ondergrens: the national functional administrator keeps the minimum standard ------------------------

#: The fields of a norm; a norm is never deleted, but switched off (`is_active`), so its history stays readable.
CRITERION_FIELDS = ("label", "kind", "service_types", "audience", "age", "exploitation_form", "max_distance_km",
                    "is_active", "position")
MAX_AGE = 120


def _require_standard_keeper(actor: Actor) -> None:
    if actor.role != Role.FUNCTIONAL_ADMIN or not actor.is_national:
        raise PermissionDenied(_("Alleen een landelijk functioneel beheerder kan de ondergrens wijzigen."))


def _codes(taxonomy: str) -> set[str]:
    return {term.code for vocabulary in VOCABULARIES if vocabulary.name == taxonomy for term in vocabulary.terms}


def _checked_criterion(values: dict) -> dict:
    """The values of a norm, checked and tidied; ValidationFailed with a Dutch message when they make no norm."""
    unknown = set(values) - set(CRITERION_FIELDS)
    if unknown:
        raise ValidationFailed(_("Onbekende velden: {fields}.").format(fields=", ".join(sorted(unknown))))
    label = " ".join(str(values.get("label") or "").split())
    if not label:
        raise ValidationFailed(_("Geef de norm een omschrijving."))
    kind = values.get("kind")
    if kind not in CriterionKind.values:
        raise ValidationFailed(_("Kies de soort norm."))
    position = values.get("position")
    if position is not None and not 0 <= position <= 32767:
        raise ValidationFailed(_("De volgorde is een getal van 0 tot en met 32767."))
    checked = {"label": label, "kind": kind, "is_active": bool(values.get("is_active", True)),
               "position": position}
    if kind == CriterionKind.CARE_COORDINATOR:
        # The coordinator norm has no facets: whatever the form still held is dropped, so the norm reads as
        # what it measures.
        return checked | {"service_types": [], "audience": "", "age": None, "exploitation_form": "",
                          "max_distance_km": None}
    service_types = list(dict.fromkeys(values.get("service_types") or []))
    if not service_types:
        raise ValidationFailed(_("Kies ten minste één soort hulp."))
    if set(service_types) - _codes(SERVICE_TYPE):
        raise ValidationFailed(_("Kies de soort hulp uit de lijst."))
    audience, form = values.get("audience") or "", values.get("exploitation_form") or ""
    if audience and audience not in _codes(AUDIENCE):
        raise ValidationFailed(_("Kies voor wie de dienst is uit de lijst."))
    if form and form not in _codes(EXPLOITATION_FORM):
        raise ValidationFailed(_("Kies de vorm van uitbuiting uit de lijst."))
    age, distance = values.get("age"), values.get("max_distance_km")
    if age is not None and not 0 <= age <= MAX_AGE:
        raise ValidationFailed(_("De leeftijd ligt tussen 0 en {maximum} jaar.").format(maximum=MAX_AGE))
    if distance is None or not 1 <= distance <= MAX_RADIUS_KM:
        raise ValidationFailed(_("Geef een afstand van 1 tot en met {maximum} km.").format(maximum=MAX_RADIUS_KM))
    return checked | {"service_types": service_types, "audience": audience, "age": age,
                      "exploitation_form": form, "max_distance_km": distance}


@transaction.atomic
def criterion_create(*, actor: Actor, **values) -> MinimumStandardCriterion:
    """A new norm; without a position it comes last."""
    _require_standard_keeper(actor)
    checked = _checked_criterion(values)
    if checked["position"] is None:
        last = MinimumStandardCriterion.objects.order_by("-position").values_list("position", flat=True).first()
        checked["position"] = min((last or 0) + 10, 32767)
    criterion = MinimumStandardCriterion.objects.create(**checked)
    audit(actor=actor, action="create", target=criterion, purpose=Purpose.ADMINISTRATION)
    return criterion


@transaction.atomic
def criterion_update(*, actor: Actor, criterion: MinimumStandardCriterion, expected_version: int,
                     **changes) -> MinimumStandardCriterion:
    """Change a norm; refused when someone else saved it since the administrator opened it."""
    _require_standard_keeper(actor)
    current = {field: getattr(criterion, field) for field in CRITERION_FIELDS}
    checked = _checked_criterion(current | changes)
    if checked["position"] is None:
        checked["position"] = criterion.position
    for field, value in checked.items():
        setattr(criterion, field, value)
    save_versioned(criterion, expected_version=expected_version, fields=list(checked))
    audit(actor=actor, action="update", target=criterion, purpose=Purpose.ADMINISTRATION)
    return criterion
