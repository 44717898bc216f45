"""Revealing who "Persoon A" is, or an entity's full value, at the table: only for a stated purpose of the actor's
own other than the table's, which policy must allow in full for that record. Every reveal is kept (IdentityReveal),
audited, and listed in the minutes' annex for the chair — without the value."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.audit.services import record as audit
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.core.privacy import DataCategory
from keten.identity.models import Entity, EntityKind, Subject
from keten.intake.models import SignalEntity, SignalPerson
from keten.policy.decisions import decide
from keten.policy.purposes import ROLE_PURPOSES, Purpose
from keten.policy.rules import Effect
from keten.signaltable.dossier_selectors import dossier_cast
from keten.signaltable.models import Dossier, DossierSignal, IdentityReveal, Meeting
from keten.signaltable.selectors import PURPOSE

REASON_LIMIT = IdentityReveal._meta.get_field("reason").max_length


@dataclass(frozen=True)
class RevealedValue:
    label: str
    value: str


@dataclass(frozen=True)
class RevealedIdentity:
    """What the reveal showed: a subject's identifying attributes, or one entity's value."""

    reveal: IdentityReveal
    what: str  # the alias, or the entity's kind
    values: tuple[RevealedValue, ...]


def reveal_purposes(actor: Actor) -> list[Purpose]:
    """The purposes the actor may state for a reveal: their role's own, other than the table's."""
    return [purpose for purpose in ROLE_PURPOSES.get(actor.role, ()) if purpose != PURPOSE]


def _in_dossier(dossier: Dossier, *, subject: Subject | None, entity: Entity | None) -> bool:
    signals = DossierSignal.objects.filter(dossier=dossier, is_active=True).values("signal_id")
    if subject is not None:
        return SignalPerson.objects.filter(signal_id__in=signals, subject=subject).exists()
    return SignalEntity.objects.filter(signal_id__in=signals, entity=entity).exists()


def _refuse(actor: Actor, target, purpose: str, decision_mode: str, message: str):
    """The refusal is audited too: who tried to see whom, for which purpose (outside the writing transaction, so it
    is kept)."""
    audit(actor=actor, action="denied", target=target, purpose=purpose, decision=decision_mode)
    raise PermissionDenied(message)


def reveal(actor: Actor, dossier: Dossier, *, subject: Subject | None = None, entity: Entity | None = None,
           purpose: str, reason: str, meeting: Meeting | None = None) -> RevealedIdentity:
    """Reveal a subject or an entity of the dossier for `purpose`, giving `reason`; PermissionDenied (audited)
    when the purpose is not the actor's, or policy does not allow the identity in full for it."""
    if (subject is None) == (entity is None):
        raise ValidationFailed(_("Kies één persoon of één gegeven om te onthullen."))
    target = subject if subject is not None else entity
    if not _in_dossier(dossier, subject=subject, entity=entity):
        raise ValidationFailed(_("Deze persoon of dit gegeven hoort niet bij het dossier."))
    # Whether it may be revealed at all comes before what is missing from the form.
    if purpose not in reveal_purposes(actor):
        _refuse(actor, target, purpose if purpose in Purpose.values else PURPOSE, Effect.DENY, _no_purpose(actor))
    decision = decide(actor, "read", target, purpose, category=DataCategory.IDENTITY)
    if decision.mode != Effect.ALLOW:
        message = decision.reason if not decision.pseudonymised else _(
            "Ook voor {purpose} ziet u deze identiteit alleen afgeschermd.").format(purpose=Purpose(purpose).label)
        _refuse(actor, target, purpose, decision.mode, " ".join(filter(None, (str(message), str(decision.advice)))))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Zeg waarom u de identiteit nodig hebt."))
    if len(reason) > REASON_LIMIT:
        raise ValidationFailed(_("Houd de reden korter dan {limit} tekens.").format(limit=REASON_LIMIT))
    if meeting is not None and not meeting.items.filter(dossier=dossier).exists():
        raise ValidationFailed(_("Dit dossier staat niet op de agenda van dat overleg."))
    return _record(actor, dossier, subject=subject, entity=entity, purpose=purpose, reason=reason, meeting=meeting,
                   basis=decision.basis.code)


def _no_purpose(actor: Actor) -> str:
    if not reveal_purposes(actor):
        return why_no_reveal(actor)
    return _("Kies een doel waarvoor uw organisatie de identiteit mag zien.")


def why_no_reveal(actor: Actor) -> str:
    """For the page: why this actor can reveal nothing at the table."""
    return _("Als {role} werkt u alleen voor de bespreking aan de Signaaltafel, en daarvoor blijft de identiteit "
             "afgeschermd: de tafel weegt signalen, niet personen. Een deelnemer die de persoon voor een eigen "
             "taak moet kennen, zoals de politie voor opsporing of de zorgcoördinator voor zorg, kan de "
             "identiteit onthullen als de regels dat voor die taak toestaan.").format(
        role=actor.membership.get_role_display())


@transaction.atomic
def _record(actor: Actor, dossier: Dossier, *, subject, entity, purpose, reason, meeting, basis) -> RevealedIdentity:
    revealed = IdentityReveal.objects.create(dossier=dossier, subject=subject, entity=entity, purpose=purpose,
                                             reason=reason, meeting=meeting, membership=actor.membership)
    audit(actor=actor, action="read", target=subject if subject is not None else entity, purpose=purpose,
          basis=basis, decision=Effect.ALLOW)
    if subject is not None:
        person = dossier_cast(dossier).person_of_subject(subject.pk)
        values = tuple(RevealedValue(attribute.get_kind_display(), attribute.display)
                       for attribute in subject.attributes.all())
        return RevealedIdentity(revealed, person.alias if person else str(_("Persoon")), values)
    label = str(EntityKind(entity.kind).label)
    return RevealedIdentity(revealed, label, (RevealedValue(label, entity.display),))


@dataclass(frozen=True)
class AnnexEntry:
    """One reveal in the minutes' chair annex: who, when, what (alias or entity kind), purpose and reason."""

    at: datetime
    by: str
    dossier: str
    what: str
    purpose: str
    reason: str


def reveals_for_annex(meeting: Meeting) -> list[AnnexEntry]:
    """The reveals recorded with this meeting, oldest first, for the chair's annex. Never the revealed value."""
    found = list(IdentityReveal.objects.filter(meeting=meeting)
                 .select_related("dossier", "entity", "membership__organisation"))
    casts = {}
    entries = []
    for revealed in found:
        if revealed.subject_id:
            if revealed.dossier_id not in casts:
                casts[revealed.dossier_id] = dossier_cast(revealed.dossier)
            person = casts[revealed.dossier_id].person_of_subject(revealed.subject_id)
            what = person.alias if person else str(_("een persoon"))
        else:
            what = str(EntityKind(revealed.entity.kind).label)
        entries.append(AnnexEntry(
            at=revealed.at, by=f"{revealed.membership.get_role_display()}, {revealed.membership.organisation.name}",
            dossier=revealed.dossier.reference, what=what, purpose=str(Purpose(revealed.purpose).label),
            reason=revealed.reason))
    return entries
