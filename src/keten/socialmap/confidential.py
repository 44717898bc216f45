"""Confidential shelter addresses: shown to a professional only where policy allows, and every look audited."""

from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from keten.accounts.actor import Actor
from keten.audit.services import record as audit
from keten.core.privacy import DataCategory as C
from keten.policy.decisions import Decision, decide, visible_to
from keten.policy.purposes import default_purpose
from keten.socialmap.models import Address, Location


@dataclass(frozen=True)
class ConfidentialAddress:
    location: Location
    decision: Decision
    addresses: tuple[Address, ...]

    @property
    def shown(self) -> bool:
        return self.decision.allowed and not self.decision.pseudonymised


def confidential_location(location_id) -> Location | None:
    """The confidential location with this id, with its organisation; None for an unknown or a public one. Its
    name only: the address is read, audited, by `confidential_address`."""
    return Location.objects.select_related("organization").filter(pk=location_id, is_confidential=True).first()


def confidential_address(*, actor: Actor, location: Location) -> ConfidentialAddress:
    """The address of a confidential location as this actor may see it, for their role's own purpose."""
    purpose = default_purpose(actor.role)
    decision = decide(actor, "read", location, purpose)
    audit(actor=actor, action="read" if decision.allowed else "denied", target=location, purpose=purpose,
          basis=decision.basis.code if decision.basis else "", decision=decision.mode)
    seen = ConfidentialAddress(location, decision, ())
    return ConfidentialAddress(location, decision, tuple(location.addresses.all())) if seen.shown else seen


@dataclass(frozen=True)
class RevealableLocation:
    """A confidential location the actor may ask to see the address of: its id and name, never its address."""

    id: UUID
    name: str


def revealable_locations(*, actor: Actor, service_ids) -> dict[UUID, list[RevealableLocation]]:
    """Per service, the confidential locations whose address policy lets this actor see: what a professional's
    search offers to reveal. Names only, in one query; the address itself is read (and audited) per location by
    `confidential_address`, when the professional asks for it."""
    locations = visible_to(actor, default_purpose(actor.role), Location.objects.filter(
        is_confidential=True, service_at_locations__service_id__in=service_ids), category=C.SECRET_LOCATION)
    found: dict[UUID, list[RevealableLocation]] = defaultdict(list)
    for service_id, location_id, name in locations.order_by("name").values_list(
            "service_at_locations__service_id", "pk", "name"):
        found[service_id].append(RevealableLocation(location_id, name))
    return found
