"""Writes of the policy app: sharing a record with another organisation, and revoking the share."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.audit.services import record as audit
from keten.core.clock import now
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.core.privacy import DataCategory
from keten.policy.bases import LEGAL_BASES
from keten.policy.decisions import decide
from keten.policy.models import Consent, Share
from keten.policy.purposes import Purpose, default_purpose
from keten.policy.rules import Relation


def _require_owner_with_full_access(actor: Actor, record) -> None:
    """Only the organisation that keeps a record shares it, and only someone who may see it in full."""
    decision = decide(actor, "share", record, default_purpose(actor.role), category=DataCategory.IDENTITY)
    if Relation.OWN not in decision.relations or not decision.allowed:
        raise PermissionDenied(_("Alleen de organisatie die dit gegeven beheert, kan het delen of het delen "
                                 "beëindigen."))


@transaction.atomic
def share_record(*, actor: Actor, record, organisation: Organisation, purpose: str, basis: str,
                 expires_at: datetime | None = None, consent: Consent | None = None) -> Share:
    _require_owner_with_full_access(actor, record)
    if purpose not in Purpose.values:
        raise ValidationFailed(_("Kies een geldig doel."))
    if basis not in LEGAL_BASES:
        raise ValidationFailed(_("Kies een geldige grondslag."))
    if organisation.pk == actor.organisation.pk:
        raise ValidationFailed(_("Delen met uw eigen organisatie is niet nodig."))
    if expires_at is not None and expires_at <= now():
        raise ValidationFailed(_("De einddatum van het delen moet in de toekomst liggen."))
    if consent is not None and (consent.subject_id != record.pk or not consent.is_active()):
        raise ValidationFailed(_("Deze toestemming hoort niet bij deze persoon of geldt niet meer."))
    share = Share.objects.create(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk,
        organisation=organisation, purpose=purpose, basis=basis, expires_at=expires_at, consent=consent,
        shared_by=actor.user, shared_by_organisation=actor.organisation,
    )
    audit(actor=actor, action="share", target=record, purpose=purpose, basis=basis, decision="allow")
    return share


@transaction.atomic
def share_by_rule(*, record, organisation: Organisation, purpose: str, basis: str, rule: str,
                  on_behalf_of: Organisation | None) -> Share:
    """The platform shares a record under a rule a national functional administrator set (a routing rule), so no
    person decides each time: the share names the rule, and its audit event has no actor. `on_behalf_of` is the
    keeping organisation (None for a signal from the public guide, which has none). The caller checked that the
    rule's action may share on `basis`; what is checked here holds for every share."""
    if purpose not in Purpose.values or basis not in LEGAL_BASES:
        raise ValidationFailed(_("Deze regel deelt voor een onbekend doel of op een onbekende grondslag."))
    if on_behalf_of is not None and organisation.pk == on_behalf_of.pk:
        raise ValidationFailed(_("Delen met uw eigen organisatie is niet nodig."))
    share = Share.objects.create(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk,
        organisation=organisation, purpose=purpose, basis=basis, shared_by_organisation=on_behalf_of,
        shared_by_rule=rule,
    )
    audit(actor=None, action="share", target=record, purpose=purpose, basis=basis, decision="allow")
    return share


@transaction.atomic
def share_revoke(*, actor: Actor, share: Share) -> None:
    """End a share; the receiving organisation loses access on its next request."""
    record = share.content_type.get_object_for_this_type(pk=share.object_id)
    _require_owner_with_full_access(actor, record)
    if share.revoked_at is not None:
        raise ValidationFailed(_("Dit delen was al beëindigd."))
    share.revoked_at = now()
    share.revoked_by = actor.user
    share.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    audit(actor=actor, action="update", target=record, purpose=share.purpose, basis=share.basis)
