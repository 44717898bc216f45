"""Reads of referrals, through policy: lists through visible_to() before any filter, one referral through
decide() per data category, every read of personal data audited once."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.accounts.roles import Role
from keten.audit.services import record as audit
from keten.core.errors import PermissionDenied
from keten.core.privacy import DataCategory
from keten.policy.decisions import Decision, decide, fetch_with_relations, visible_to
from keten.referrals.models import Referral, ReferralStep


def referrals_visible(*, actor: Actor, purpose: str) -> QuerySet[Referral]:
    """The referrals the actor may see for `purpose`, newest first; asking is audited as one search."""
    referrals = visible_to(actor, purpose, Referral.objects.all()).select_related(
        "municipality", "coordinator", "referring_organisation", "transfer_to")
    audit(actor=actor, action="search", object_type="referrals.referral", purpose=purpose)
    return referrals


def for_organisation(referrals: QuerySet[Referral], organisation: Organisation) -> QuerySet[Referral]:
    """Of these, the ones the organisation holds or is asked to take over."""
    return referrals.filter(Q(coordinator=organisation) | Q(transfer_to=organisation))


def referral_for(*, actor: Actor, referral_id, purpose: str) -> Referral | None:
    """One referral the actor may see at all for `purpose`, or None (the page answers 404)."""
    found = fetch_with_relations(actor, purpose, Referral.objects.filter(pk=referral_id).select_related(
        "municipality", "coordinator", "referring_organisation", "referring_membership__user", "transfer_to",
        "subject", "signal", "consent"))
    if not found or not decide(actor, "read", found[0], purpose).allowed:
        return None
    return found[0]


@dataclass(frozen=True)
class ReferralView:
    referral: Referral
    situation: str | None  # None: withheld for this reader
    special: Decision
    person_shown: bool  # whether this reader may see who the person is (else the anonymous part only)
    steps: tuple[ReferralStep, ...]


def referral_view(*, actor: Actor, referral: Referral, purpose: str) -> ReferralView:
    """The referral as the actor may see it: read once, audited once."""
    decision = decide(actor, "read", referral, purpose)
    if not decision.allowed:
        audit(actor=actor, action="denied", target=referral, purpose=purpose, decision=decision.mode)
        raise PermissionDenied(decision.reason)
    special = decide(actor, "read", referral, purpose, category=DataCategory.SPECIAL)
    full_special = special.allowed and not special.pseudonymised
    identity = (decide(actor, "read", referral.subject, purpose, category=DataCategory.IDENTITY)
                if referral.subject is not None else None)
    person = identity is not None and identity.allowed and not identity.pseudonymised
    audit(actor=actor, action="read", target=referral, purpose=purpose, basis=decision.basis.code,
          decision=special.mode)
    return ReferralView(referral=referral, situation=referral.situation if full_special else None, special=special,
                        person_shown=person,
                        steps=tuple(referral.steps.select_related("membership__user", "organisation")))


def transfer_targets(referral: Referral) -> QuerySet[Organisation]:
    """Other organisations with an active care coordinator: where a referral can be handed over to."""
    return (Organisation.objects.filter(memberships__role=Role.CARE_COORDINATOR, memberships__is_active=True)
            .exclude(pk=referral.coordinator_id).distinct().order_by("name"))
