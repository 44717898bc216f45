"""The hit/no-hit question between organisations: is this identifier known elsewhere? Answered from keyed tokens
only, with no more than the types of organisation and their regions — never a record, a count or a value.

The asker's value is normalised and turned into its token at once; only the token is stored. Both sides leave a
trace: the asker's question is audited, and every organisation that holds the identifier gets an audit event on its
record and a notice to its table members, so that it knows it was asked about and can bring it to the table."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keten.accounts.actor import Actor
from keten.accounts.models import Membership
from keten.accounts.roles import OrganisationType as T
from keten.audit.services import record as audit
from keten.core.clock import now, today
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.identity.models import AttributeKind, EntityKind
from keten.identity.normalise import InvalidValue, normalise
from keten.notifications.models import NotificationKind
from keten.notifications.services import notify
from keten.regions.models import LayerKind, Region
from keten.signaltable.hit_index import token_of
from keten.signaltable.models import HitQuestion, IdentifierToken
from keten.signaltable.selectors import PURPOSE, TABLE_ROLES

#: What may be asked about, in the order the form offers it (value: the normaliser's kind, as in the index).
KINDS = [
    (EntityKind.PHONE.value, EntityKind.PHONE.label),
    (EntityKind.EMAIL.value, EntityKind.EMAIL.label),
    (EntityKind.ADDRESS.value, EntityKind.ADDRESS.label),
    (EntityKind.VEHICLE.value, EntityKind.VEHICLE.label),
    (EntityKind.BANK_ACCOUNT.value, EntityKind.BANK_ACCOUNT.label),
    (EntityKind.COMPANY.value, EntityKind.COMPANY.label),
    (EntityKind.ONLINE_HANDLE.value, EntityKind.ONLINE_HANDLE.label),
    (AttributeKind.BSN.value, AttributeKind.BSN.label),
    (AttributeKind.DOCUMENT_NUMBER.value, AttributeKind.DOCUMENT_NUMBER.label),
    (AttributeKind.V_NUMBER.value, AttributeKind.V_NUMBER.label),
]
KIND_LABELS = dict(KINDS)

#: Questions are a way to probe the store: at most this many per membership per window.
RATE_LIMIT = 30
RATE_WINDOW = timedelta(hours=1)

#: How an answer names a holder: the type of organisation, never which one.
HOLDERS = {
    T.POLICE_AVIM: gettext_lazy("een politie-eenheid"),
    T.KMAR: gettext_lazy("de Koninklijke Marechaussee"),
    T.LABOUR_INSPECTORATE: gettext_lazy("de Nederlandse Arbeidsinspectie"),
    T.PUBLIC_PROSECUTOR: gettext_lazy("het Openbaar Ministerie"),
    T.IND: gettext_lazy("de IND"),
    T.CARE_PROVIDER: gettext_lazy("een zorgaanbieder"),
    T.SHELTER: gettext_lazy("een opvangorganisatie"),
    T.VEILIG_THUIS: gettext_lazy("Veilig Thuis"),
    T.MUNICIPALITY: gettext_lazy("een gemeente"),
    T.ZVH: gettext_lazy("een Zorg- en Veiligheidshuis"),
    T.RIEC: gettext_lazy("een RIEC"),
    T.COMENSHA: gettext_lazy("CoMensha"),
    T.NATIONAL_PROGRAMME: gettext_lazy("het landelijk programma"),
}

NOTICE_TITLE = gettext_lazy("Er is gevraagd naar een gegeven dat bij u bekend is")


class TooManyQuestions(ValidationFailed):
    """The membership asked its quota for this hour; nothing was asked."""


# --- the answer, as people read it ------------------------------------------------------------------------------


def answer_lines(hits: list[dict]) -> list[str]:
    """The stored answer in words: one sentence per (type of organisation, region), or that nobody else knows it."""
    if not hits:
        return [_("Niet bekend bij andere organisaties.")]
    lines = []
    for hit in hits:
        holder = HOLDERS.get(hit["organisation_type"], _("een andere organisatie"))
        if hit["region"]:
            lines.append(_("Bekend bij {holder} in {region} — breng het in aan de Signaaltafel.").format(
                holder=holder, region=hit["region"]))
        else:
            lines.append(_("Bekend bij {holder} (landelijk) — breng het in aan de Signaaltafel.").format(
                holder=holder))
    return lines


def questions_of(*, actor: Actor) -> QuerySet[HitQuestion]:
    """The actor's own earlier questions (kind, moment and answer; the token is never shown)."""
    if actor.role not in TABLE_ROLES:
        return HitQuestion.objects.none()
    return HitQuestion.objects.filter(asked_by=actor.membership).only("id", "kind", "hits", "at")


# --- asking -----------------------------------------------------------------------------------------------------


def ask(*, actor: Actor, kind: str, raw: str) -> HitQuestion:
    """Ask whether `raw` (a value of `kind`) is known at another organisation. The refusal of a question over the
    hourly limit is itself audited, outside the question's transaction, so that probing leaves a trace."""
    if actor.role not in TABLE_ROLES:
        raise PermissionDenied(_("Alleen deelnemers aan de Signaaltafel kunnen vragen of een gegeven elders bekend "
                                 "is."))
    if kind not in KIND_LABELS:
        raise ValidationFailed(_("Kies wat voor gegeven u wilt navragen."))
    since = now() - RATE_WINDOW
    if HitQuestion.objects.filter(asked_by=actor.membership, at__gte=since).count() >= RATE_LIMIT:
        with transaction.atomic():
            audit(actor=actor, action="denied", object_type=HitQuestion._meta.label_lower, purpose=PURPOSE)
        raise TooManyQuestions(_("U heeft het afgelopen uur al {limit} vragen gesteld; meer mag niet, want met veel "
                                 "vragen kan iemand het register aftasten. Probeer het later opnieuw.").format(
                                     limit=RATE_LIMIT))
    try:
        value = normalise(kind, raw).value
    except InvalidValue as error:
        raise ValidationFailed(str(error)) from error
    return _ask(actor=actor, kind=kind, token=token_of(kind, value))


@transaction.atomic
def _ask(*, actor: Actor, kind: str, token: str) -> HitQuestion:
    held = list(IdentifierToken.objects.filter(kind=kind, token=token)
                .exclude(organisation_id=actor.organisation.pk)
                .select_related("organisation").order_by("created_at", "id"))
    provinces = _provinces({row.municipality_id for row in held if row.municipality_id})
    hits = sorted({(row.organisation.type, provinces.get(row.municipality_id, "")) for row in held})
    question = HitQuestion.objects.create(
        asked_by=actor.membership, kind=kind, token=token,
        hits=[{"organisation_type": organisation_type, "region": region} for organisation_type, region in hits])
    audit(actor=actor, action="search", target=question, purpose=PURPOSE)
    _tell_holders(actor=actor, question=question, held=held)
    return question


def _provinces(municipality_ids: set[str]) -> dict[str, str]:
    """The current province of each municipality, by name."""
    if not municipality_ids:
        return {}
    current = Q(valid_until__isnull=True) | Q(valid_until__gte=today())
    pairs = (Region.objects.filter(current, layer__kind=LayerKind.PROVINCE, municipalities__in=municipality_ids)
             .values_list("municipalities", "name"))
    return {municipality_id: name for municipality_id, name in pairs if municipality_id in municipality_ids}


def _tell_holders(*, actor: Actor, question: HitQuestion, held: list[IdentifierToken]) -> None:
    """Each holding organisation: one audit event on (the first of) its records that was asked about, on behalf of
    the asking organisation, and a notice to its table members — without the value or who asked."""
    first_of = {}
    for row in held:
        first_of.setdefault(row.organisation_id, row)
    link = reverse("signaltable:hit-question")
    for organisation_id, row in first_of.items():
        object_type, object_id = (("identity.entity", row.entity_id) if row.entity_id
                                  else ("identity.identityattribute", row.attribute_id))
        audit(actor=None, action="search", object_type=object_type, object_id=str(object_id), purpose=PURPOSE,
              on_behalf_of=str(actor.organisation.pk))
        members = Membership.objects.filter(organisation_id=organisation_id, role__in=TABLE_ROLES, is_active=True)
        notify(memberships=list(members), kind=NotificationKind.TABLE, title=str(NOTICE_TITLE), link=link,
               key=f"hit-question:{question.pk}", purpose=PURPOSE)
