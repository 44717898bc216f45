"""Reads of referrals, through policy: lists through visible_to() before any filter, one referral through
decide() per data category, every read of personal data audited once."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.accounts.roles import OrganisationType, Role
from keten.accounts.selectors import organisations_with_roles
from keten.audit.services import record as audit
from keten.core.errors import PermissionDenied
from keten.core.privacy import DataCategory
from keten.policy.decisions import Decision, decide, fetch_with_relations, visible_to
from keten.policy.purposes import Purpose
from keten.referrals import comensha
from keten.referrals.models import Referral, ReferralStatus, ReferralStep, Registration


def _without_others_drafts(actor: Actor, referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """A draft is its referring organisation's alone: policy would let the coordinator (and others of the region)
    see it through REGION, so drafts are cut before anything else asks."""
    return referrals.exclude(Q(status=ReferralStatus.DRAFT) & ~Q(referring_organisation=actor.organisation))


def referrals_visible(*, actor: Actor, purpose: str) -> QuerySet[Referral]:
    """The referrals the actor may see for `purpose`, newest first; asking is audited as one search."""
    referrals = _without_others_drafts(actor, visible_to(actor, purpose, Referral.objects.all())).select_related(
        "municipality", "coordinator", "referring_organisation", "transfer_to")
    audit(actor=actor, action="search", object_type="referrals.referral", purpose=purpose)
    return referrals


def for_organisation(referrals: QuerySet[Referral], organisation: Organisation) -> QuerySet[Referral]:
    """Of these, the sent ones the organisation holds or is asked to take over (a draft is nobody's to handle)."""
    return referrals.filter(Q(coordinator=organisation) | Q(transfer_to=organisation)).exclude(
        status=ReferralStatus.DRAFT)


def drafts_of(referrals: QuerySet[Referral], organisation: Organisation) -> QuerySet[Referral]:
    """Of these, the organisation's own drafts, still to be completed and sent."""
    return referrals.filter(referring_organisation=organisation, status=ReferralStatus.DRAFT)


def sent_by(referrals: QuerySet[Referral], organisation: Organisation) -> QuerySet[Referral]:
    """Of these, the ones the organisation referred and sent."""
    return referrals.filter(referring_organisation=organisation).exclude(status=ReferralStatus.DRAFT)


def referral_for(*, actor: Actor, referral_id, purpose: str) -> Referral | None:
    """One referral the actor may see at all for `purpose`, or None (the page answers 404; so does another
    organisation's draft)."""
    one = _without_others_drafts(actor, Referral.objects.filter(pk=referral_id)).select_related(
        "municipality", "coordinator", "referring_organisation", "referring_membership__user", "transfer_to",
        "subject", "signal", "consent")
    found = fetch_with_relations(actor, purpose, one)
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
    return organisations_with_roles([Role.CARE_COORDINATOR]).exclude(pk=referral.coordinator_id)


# --- CoMensha's registrations ---------------------------------------------------------------------------------


def require_registrar(actor: Actor) -> None:
    """Registrations are CoMensha's: only its registration officers make and read them."""
    if actor.role != Role.REGISTRATION_OFFICER or actor.organisation.type != OrganisationType.COMENSHA:
        raise PermissionDenied(_("Alleen een registratiemedewerker van CoMensha registreert."))


#: The exported fields: codes and bands only — no subject, name, date of birth, exact age or free text.
EXPORT_FIELDS = ("number", "year", "month", "dossier_type", "exploitation_form", "sector", "nationality",
                 "age_band", "gender", "victim_group", "reporter_type", "reporter_region", "trafficking_route",
                 "basis")


def _registrations(actor: Actor, year: int | None):
    """CoMensha's registrations the officer may see (optionally of one year); the callers audit the read."""
    require_registrar(actor)
    found = visible_to(actor, Purpose.REGISTRATION, Registration.objects.all()).select_related("municipality")
    return found.filter(registered_on__year=year) if year is not None else found


def registrations_of(*, actor: Actor, year: int | None = None):
    """CoMensha's registrations the officer may see, newest first (optionally of one year); audited as a search."""
    found = _registrations(actor, year)
    audit(actor=actor, action="search", object_type="referrals.registration", purpose=Purpose.REGISTRATION)
    return found


def export_row(registration: Registration) -> dict[str, str]:
    """One registration as the dataset gives it: codes and bands, no direct identifier."""
    return {
        "number": registration.number, "year": str(registration.registered_on.year),
        "month": f"{registration.registered_on.month:02d}", "dossier_type": registration.dossier_type,
        "exploitation_form": registration.exploitation_form, "sector": registration.sector,
        "nationality": registration.nationality, "age_band": comensha.age_band(registration.age),
        "gender": registration.gender,
        "victim_group": comensha.victim_group(registration.age, registration.nationality),
        "reporter_type": registration.reporter_type, "reporter_region": registration.reporter_region,
        "trafficking_route": registration.trafficking_route, "basis": registration.basis,
    }


def dataset(*, actor: Actor, year: int) -> list[dict[str, str]]:
    # One export event for the whole file: not a search as well (issue 10: one event per read).
    rows = [export_row(r) for r in _registrations(actor, year)]
    audit(actor=actor, action="export", object_type="referrals.registration", purpose=Purpose.REGISTRATION)
    return rows


#: The yearly aggregate for the national rapporteur: counts per form, victim group and gender.
AGGREGATE_KEYS = ("exploitation_form", "victim_group", "gender")


def yearly_aggregate(*, actor: Actor, year: int) -> list[dict[str, str]]:
    counts = Counter(tuple(row[key] for key in AGGREGATE_KEYS) for row in dataset(actor=actor, year=year))
    return [{"year": str(year), **dict(zip(AGGREGATE_KEYS, key, strict=True)), "count": str(count)}
            for key, count in sorted(counts.items())]
