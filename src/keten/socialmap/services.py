"""Writes of the social map: loading Keten's vocabularies, and editing and verifying services."""

from django.db import transaction
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.services import record as audit
from keten.core.clock import now
from keten.core.concurrency import save_versioned
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.policy.purposes import Purpose
from keten.socialmap.models import Service, Taxonomy, TaxonomyTerm
from keten.socialmap.taxonomy import VOCABULARIES


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
