"""Reads of the identity store. Every read asks policy and leaves exactly one audit event."""

from dataclasses import dataclass

from django.db.models import QuerySet

from keten.accounts.actor import Actor
from keten.audit.services import record as audit
from keten.core.privacy import DataCategory
from keten.identity.masking import mask
from keten.identity.models import Subject
from keten.policy.decisions import Decision, decide, fetch_with_relations, visible_to
from keten.policy.models import Consent, Share


@dataclass(frozen=True)
class AttributeView:
    kind: str
    label: str
    shown: str


@dataclass(frozen=True)
class IdentityView:
    """A subject's identity as this actor may see it: in full, masked, or not at all (with the reason)."""

    subject: Subject
    decision: Decision
    attributes: tuple[AttributeView, ...]


def subjects_visible(*, actor: Actor, purpose: str) -> QuerySet[Subject]:
    """The subjects the actor may see for `purpose` (their pseudonyms; identity goes through subject_identity).
    The list itself is personal data, so asking for it is audited as one search."""
    subjects = visible_to(actor, purpose, Subject.objects.all()).select_related("owner", "municipality")
    audit(actor=actor, action="search", object_type="identity.subject", purpose=purpose)
    return subjects


def subject_for(*, actor: Actor, subject_id, purpose: str) -> Subject | None:
    """One subject, if the actor may see it at all for `purpose`; None otherwise (the view answers 404, so
    that an id outside one's reach does not even confirm that the person exists). One query: the subject and
    the actor's relations to it, which subject_identity then reuses."""
    found = fetch_with_relations(actor, purpose, Subject.objects.filter(pk=subject_id).select_related(
        "owner", "municipality"))
    if not found or not decide(actor, "read", found[0], purpose).allowed:
        return None
    return found[0]


def subject_identity(*, actor: Actor, subject: Subject, purpose: str) -> IdentityView:
    decision = decide(actor, "read", subject, purpose, category=DataCategory.IDENTITY)
    audit(actor=actor, action="read" if decision.allowed else "denied", target=subject, purpose=purpose,
          basis=decision.basis.code if decision.basis else "", decision=decision.mode)
    if not decision.allowed:
        return IdentityView(subject, decision, ())
    attributes = subject.attributes.all()
    if decision.pseudonymised:
        masked = ((a, mask(a.kind, a.value)) for a in attributes)
        shown = tuple(AttributeView(a.kind, a.get_kind_display(), m) for a, m in masked if m is not None)
    else:
        shown = tuple(AttributeView(a.kind, a.get_kind_display(), a.display) for a in attributes)
    return IdentityView(subject, decision, shown)


def consents_of(subject: Subject) -> QuerySet[Consent]:
    return Consent.objects.filter(subject=subject).select_related("organisation", "recorded_by_organisation")


def consent_of(subject: Subject, consent_id) -> Consent | None:
    return consents_of(subject).filter(pk=consent_id).first()


def consent_shown(*, actor: Actor, subject: Subject, consent_id, purpose: str) -> Consent | None:
    """One consent of the subject, for the page that asks to confirm its withdrawal: showing it (the person's
    pseudonym and what they consented to) is one audited read of the subject. None when it does not exist."""
    consent = consent_of(subject, consent_id)
    if consent is not None:
        decision = decide(actor, "read", subject, purpose)
        audit(actor=actor, action="read", target=subject, purpose=purpose,
              basis=decision.basis.code if decision.basis else "", decision=decision.mode)
    return consent


def shares_of(subject: Subject) -> QuerySet[Share]:
    return Share.objects.of_record(subject).select_related("organisation", "consent")


def share_of(subject: Subject, share_id) -> Share | None:
    return shares_of(subject).filter(pk=share_id).first()
