"""Writes of the kennisbank: a national functional administrator edits a definition, profile, role profile or
region note. Every save is checked, guarded against lost updates, kept as a revision and audited."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.services import record as audit
from keten.core.concurrency import save_versioned
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.knowledge.models import Meldpunt, OrganisationProfile, Power, RegionNote, Reviewed
from keten.knowledge.revisions import add_revision
from keten.policy.bases import LEGAL_BASES
from keten.policy.purposes import Purpose
from keten.regions.models import Municipality, Region


def _require_editor(actor: Actor) -> None:
    if actor.role != Role.FUNCTIONAL_ADMIN or not actor.is_national:
        raise PermissionDenied(_("Alleen een landelijk functioneel beheerder kan de kennisbank wijzigen."))


def _tidy(value):
    return value.strip() if isinstance(value, str) else value


def _checked(model: type[Reviewed], values: dict) -> dict:
    """The values tidied and checked; ValidationFailed with a Dutch message when they make no content."""
    unknown = set(values) - set(model.editable_fields())
    if unknown:
        raise ValidationFailed(_("Onbekende velden: {fields}.").format(fields=", ".join(sorted(unknown))))
    values = {name: _tidy(value) for name, value in values.items()}
    required = [name for name in model.editable_fields() if name.endswith("_nl") and name in values
                and not model._meta.get_field(name).blank and not values[name]]
    if required:
        labels = ", ".join(str(model._meta.get_field(name).verbose_name) for name in required)
        raise ValidationFailed(_("Vul de Nederlandse tekst in: {fields}.").format(fields=labels))
    if "source" in values and not values["source"]:
        raise ValidationFailed(_("Noem de bron van de tekst: waar komt het vandaan?"))
    reviewed_on, review_due = values.get("reviewed_on"), values.get("review_due")
    if not isinstance(reviewed_on, date) or not isinstance(review_due, date):
        raise ValidationFailed(_("Vul de datum van controle en de datum van de volgende controle in."))
    if review_due <= reviewed_on:
        raise ValidationFailed(_("De volgende controle ligt na de datum van deze controle."))
    if set(values.get("legal_bases") or []) - set(LEGAL_BASES):
        raise ValidationFailed(_("Kies de grondslagen uit de lijst van de privacykern."))
    if model is OrganisationProfile and set(values.get("powers") or []) - set(Power.values):
        raise ValidationFailed(_("Kies de soorten bevoegdheid uit de lijst."))
    if values.get("meldpunt", "") not in Meldpunt.values:
        raise ValidationFailed(_("Kies of Veilig Thuis hier ook het meldpunt mensenhandel is."))
    codes = values.get("centrumgemeenten") or []
    if len(set(codes)) != Municipality.objects.filter(code__in=codes).count():
        raise ValidationFailed(_("Kies de centrumgemeenten uit de lijst van gemeenten."))
    return values


@transaction.atomic
def content_update(*, actor: Actor, record: Reviewed, expected_version: int, **values) -> Reviewed:
    """Save new content for `record`; refused when someone else saved it since the editor opened it. Editing is
    reviewing: the editor states when it was checked and when it must be checked again. Fields not given keep
    their value."""
    _require_editor(actor)
    current = {name: getattr(record, name) for name in record.editable_fields()}
    checked = _checked(type(record), current | values)
    for name, value in checked.items():
        setattr(record, name, value)
    record.updated_by = actor.user
    save_versioned(record, expected_version=expected_version, fields=[*checked, "updated_by"])
    add_revision(record, written_by=actor.user)
    audit(actor=actor, action="update", target=record, purpose=Purpose.ADMINISTRATION)
    return record


@transaction.atomic
def region_note_create(*, actor: Actor, region: Region, **values) -> RegionNote:
    """The first note on a region (a second is an update of the first)."""
    _require_editor(actor)
    if RegionNote.objects.filter(region=region).exists():
        raise ValidationFailed(_("Deze regio heeft al een aantekening; laad de pagina opnieuw."))
    note = RegionNote.objects.create(region=region, updated_by=actor.user, **_checked(RegionNote, values))
    add_revision(note, written_by=actor.user)
    audit(actor=actor, action="create", target=note, purpose=Purpose.ADMINISTRATION)
    return note
