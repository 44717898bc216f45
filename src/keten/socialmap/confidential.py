"""Confidential shelter addresses: shown to a professional only where policy allows, and every look audited."""

from dataclasses import dataclass

from keten.accounts.actor import Actor
from keten.audit.services import record as audit
from keten.policy.decisions import Decision, decide
from keten.policy.purposes import default_purpose
from keten.socialmap.models import Address, Location


@dataclass(frozen=True)
class ConfidentialAddress:
    location: Location
    decision: Decision
    addresses: tuple[Address, ...]


def confidential_address(*, actor: Actor, location: Location) -> ConfidentialAddress:
    """The address of a confidential location as this actor may see it, for their role's own purpose."""
    purpose = default_purpose(actor.role)
    decision = decide(actor, "read", location, purpose)
    audit(actor=actor, action="read" if decision.allowed else "denied", target=location, purpose=purpose,
          basis=decision.basis.code if decision.basis else "", decision=decision.mode)
    if not decision.allowed or decision.pseudonymised:
        return ConfidentialAddress(location, decision, ())
    return ConfidentialAddress(location, decision, tuple(location.addresses.all()))
