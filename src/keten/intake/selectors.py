"""Reads of the intake app. Signals are read through policy: lists through visible_to() before any filter, one
signal through decide() per data category, and every read that returns personal data leaves one audit event. The
indicator catalogue holds no personal data."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.roles import OrganisationType
from keten.audit.services import record as audit
from keten.core.clock import now
from keten.core.errors import PermissionDenied
from keten.core.privacy import DataCategory
from keten.identity.masking import mask
from keten.identity.models import EntityKind, Subject
from keten.identity.normalise import InvalidValue, normalise
from keten.intake.deadlines import Deadline, deadline_of
from keten.intake.models import (
    ExploitationForm,
    IndicatorKind,
    IndicatorVersion,
    PersonRole,
    RegistrationTask,
    Signal,
    SignalAttachment,
    SignalTransition,
    Theme,
)
from keten.intake.workflow import AWAITING_TRIAGE, CloseReason, Status
from keten.policy.decisions import Decision, decide, fetch_with_relations, visible_to
from keten.policy.models import Consent
from keten.policy.purposes import Purpose
from keten.policy.rules import RULES, Effect
from keten.regions.models import Region

#: The roles policy lets see any signal at all (operational data, for one of their purposes): they get the signal
#: pages; for the others (figures only, or administration) there is nothing to show.
SIGNAL_ROLES = frozenset(rule.role for rule in RULES
                         if rule.category == DataCategory.OPERATIONAL and rule.effect != Effect.DENY)

# --- The catalogue -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeGroup:
    theme: str
    label: str
    versions: tuple[IndicatorVersion, ...]


def indicator_catalogue(*, forms: Collection[str] = ()) -> list[ThemeGroup]:
    """The indicators a reporter can choose now, in their current wording, grouped by theme in the order of
    Theme. With `forms`, only those for one of these forms or for any form ("unknown" narrows nothing)."""
    versions = (IndicatorVersion.objects.filter(valid_until__isnull=True, indicator__is_active=True)
                .select_related("indicator").order_by("indicator__code"))
    chosen = set(forms) - {ExploitationForm.UNKNOWN}
    if chosen:
        versions = versions.filter(indicator__form__in=[*chosen, "any"])
    by_theme: dict[str, list[IndicatorVersion]] = {}
    for version in versions:
        by_theme.setdefault(version.indicator.theme, []).append(version)
    return [ThemeGroup(theme, Theme(theme).label, tuple(by_theme[theme])) for theme in Theme.values
            if theme in by_theme]


# --- Lists of signals ----------------------------------------------------------------------------------------------


def signals_visible(*, actor: Actor, purpose: str) -> QuerySet[Signal]:
    """The signals the actor may see for `purpose`, newest first. Asking for the list is audited as one search."""
    signals = visible_to(actor, purpose, Signal.objects.all()).select_related("municipality", "reporter_organisation")
    audit(actor=actor, action="search", object_type="intake.signal", purpose=purpose)
    return signals


def overdue_signals(*, actor: Actor, purpose: str, region: Region | None = None,
                    at: datetime | None = None) -> QuerySet[Signal]:
    """Signals still waiting for triage after their deadline, most overdue first: those the actor may see for
    `purpose`, and of those, with `region`, the ones in that region. Audited as one search."""
    signals = visible_to(actor, purpose, Signal.objects.all()).filter(
        status__in=AWAITING_TRIAGE, triage_due_at__lt=at or now())
    if region is not None:
        signals = signals.filter(municipality__in=region.municipalities.all())
    audit(actor=actor, action="search", object_type="intake.signal", purpose=purpose)
    return signals.select_related("municipality", "reporter_organisation").order_by("triage_due_at")


# --- One signal ------------------------------------------------------------------------------------------------------


def signal_for(*, actor: Actor, signal_id, purpose: str) -> Signal | None:
    """One signal, if the actor may see it at all for `purpose`; None otherwise (the view answers 404, so an id
    out of reach does not even confirm that the signal exists). Its relations to the actor come with it."""
    found = fetch_with_relations(actor, purpose, Signal.objects.filter(pk=signal_id).select_related(
        "municipality", "reporter_organisation", "reporter_membership"))
    if not found or not decide(actor, "read", found[0], purpose).allowed:
        return None
    return found[0]


@dataclass(frozen=True)
class PersonView:
    role: str
    role_label: str
    alias: str
    subject_id: object
    estimated_age: int | None
    is_minor: bool | None


@dataclass(frozen=True)
class EntityView:
    """An entity as this actor may see it: `shown` in full, masked (the last digits of a phone number), or None."""

    kind: str
    label: str
    shown: str | None
    is_place: bool


@dataclass(frozen=True)
class StepView:
    """One step of the history. `by` is the role and organisation that took it; `note` is None when hidden."""

    from_status: str
    to_status: str
    to_label: str
    at: datetime
    by: str
    close_reason: str
    referred_to: str
    note: str | None


@dataclass(frozen=True)
class SignalView:
    """A signal as this actor may see it for one purpose. The operational facts are always there (else there is
    no view); the description and notes need the special category, the entities' values the identity category.
    `special` and `identity` are the decisions, so a page can say why something is withheld."""

    signal: Signal
    decision: Decision
    special: Decision
    identity: Decision
    forms: tuple[str, ...]
    indicators: tuple[IndicatorVersion, ...]
    description: str | None
    people: tuple[PersonView, ...]
    entities: tuple[EntityView, ...]
    history: tuple[StepView, ...]
    deadline: Deadline
    attachments: tuple[SignalAttachment, ...]  # empty when the special category is withheld
    attachment_count: int

    @property
    def hard_indicator_count(self) -> int:
        return sum(1 for version in self.indicators if version.indicator.kind == IndicatorKind.HARD)


def _full(decision: Decision) -> bool:
    return decision.allowed and not decision.pseudonymised


def signal_view(*, actor: Actor, signal: Signal, purpose: str) -> SignalView:
    """Everything about one signal the actor may see for `purpose`, read once and audited once (who, which signal,
    why, on which basis, and whether personal data was shown in full or withheld)."""
    decision = decide(actor, "read", signal, purpose)
    if not decision.allowed:
        audit(actor=actor, action="denied", target=signal, purpose=purpose, decision=decision.mode)
        raise PermissionDenied(decision.reason)
    special = decide(actor, "read", signal, purpose, category=DataCategory.SPECIAL)
    identity = decide(actor, "read", signal, purpose, category=DataCategory.IDENTITY)
    shown = Effect.ALLOW if _full(special) or _full(identity) else Effect.PSEUDONYMISE
    audit(actor=actor, action="read", target=signal, purpose=purpose, basis=decision.basis.code, decision=shown)
    return SignalView(
        signal=signal, decision=decision, special=special, identity=identity,
        forms=tuple(str(ExploitationForm(f).label) for f in signal.forms.values_list("form", flat=True)),
        indicators=tuple(signal.indicators.select_related("indicator").order_by("indicator__code")),
        description=signal.description if _full(special) else None,
        people=tuple(_people(signal, identity)),
        entities=tuple(_entities(signal, identity)),
        history=tuple(_history(signal, show_notes=_full(special))),
        deadline=deadline_of(signal),
        attachments=tuple(signal.attachments.all()) if _full(special) else (),
        attachment_count=signal.attachments.count(),
    )


def _people(signal: Signal, identity: Decision):
    """The people in the signal. A reader whom policy gives no identity data at all does not get the person's
    key or public alias either: both are the same in every signal, and would let that reader follow one person
    from signal to signal. They get a number within this signal instead."""
    for number, person in enumerate(signal.people.select_related("subject"), start=1):
        subject_id = person.subject_id if identity.allowed else None
        if subject_id:
            alias = person.subject.alias
        elif person.subject_id:
            alias = _("Persoon {number} in dit signaal").format(number=number)
        else:
            alias = _("Persoon zonder bekende gegevens")
        yield PersonView(person.role, str(PersonRole(person.role).label), str(alias), subject_id,
                         person.estimated_age, person.is_minor)


def _entities(signal: Signal, identity: Decision):
    for link in signal.entity_links.select_related("entity"):
        entity = link.entity
        if _full(identity):
            shown = entity.display
        elif identity.allowed:
            shown = mask(entity.kind, entity.value)
        else:
            shown = None
        yield EntityView(entity.kind, entity.get_kind_display(), shown, link.is_place)


def _history(signal: Signal, *, show_notes: bool):
    steps = SignalTransition.objects.filter(signal=signal).select_related("membership__organisation")
    for step in steps:
        if step.membership_id:
            by = f"{step.membership.get_role_display()}, {step.membership.organisation.name}"
        else:
            by = str(_("Aanmeldwijzer"))
        yield StepView(
            from_status=step.from_status, to_status=step.to_status, to_label=str(Status(step.to_status).label),
            at=step.at, by=by,
            close_reason=str(CloseReason(step.close_reason).label) if step.close_reason else "",
            referred_to=str(OrganisationType(step.referred_to).label) if step.referred_to else "",
            note=step.note if show_notes or not step.note else None,
        )


# --- CoMensha's registration tasks ------------------------------------------------------------------------------


def registration_tasks(*, actor: Actor) -> QuerySet[RegistrationTask]:
    """The registration tasks of the actor's organisation: open ones first (oldest first), then completed ones
    (newest first). They name a signal by reference and municipality only; reading it is audited as one search."""
    audit(actor=actor, action="search", object_type="intake.registrationtask", purpose=Purpose.REGISTRATION)
    return (RegistrationTask.objects.filter(organisation=actor.organisation)
            .select_related("signal__municipality", "completed_by__user")
            .order_by(F("completed_at").desc(nulls_first=True), "created_at"))


def registration_task_for(*, actor: Actor, task_id) -> RegistrationTask | None:
    """One task of the actor's organisation, or None (also when it belongs to another organisation)."""
    return (RegistrationTask.objects.select_related("signal", "organisation")
            .filter(organisation=actor.organisation, pk=task_id).first())


# --- Attachments ---------------------------------------------------------------------------------------------------


def attachment_for(*, actor: Actor, signal: Signal, attachment_id, purpose: str) -> SignalAttachment | None:
    """One attachment of the signal, for whoever may see the signal's special-category data in full; None when it
    does not exist. Sending it is a read of personal data: audited once, also when refused."""
    attachment = signal.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        return None
    special = decide(actor, "read", signal, purpose, category=DataCategory.SPECIAL)
    if not _full(special):
        audit(actor=actor, action="denied", target=attachment, purpose=purpose, decision=special.mode)
        raise PermissionDenied(special.reason if not special.allowed else
                               _("Bijlagen zijn voor u afgeschermd, net als de omschrijving."))
    audit(actor=actor, action="read", target=attachment, purpose=purpose, basis=special.basis.code,
          decision=Effect.ALLOW)
    return attachment


# --- A known person on the intake form -----------------------------------------------------------------------------


def known_person(*, actor: Actor, public_id: str, purpose: str) -> tuple[Subject | None, Consent | None]:
    """The subject with this public id if the actor may see it (else None, whether or not it exists), and its
    current consent, newest first, for reporting on the basis of consent. Only the pseudonym is read here."""
    subject = visible_to(actor, purpose, Subject.objects.filter(public_id=public_id.strip().upper())).first()
    if subject is None:
        return None, None
    return subject, Consent.objects.active().filter(subject=subject).order_by("-given_on", "-created_at").first()


# --- While registering: does this value tie the signal to others? --------------------------------------------


def signals_sharing(*, actor: Actor, purpose: str, kind: str, raw: str) -> int | None:
    """How many signals the actor may see (for `purpose`) mention this phone number, address, plate, ... — the
    value normalised as the identity store keeps it. None for a value that is not valid for its kind. Only what
    policy lets the actor see is counted, so the answer reveals nothing beyond their own reach; asking is audited
    as one search."""
    if kind not in EntityKind.values:
        return None
    try:
        value = normalise(kind, raw).value
    except InvalidValue:
        return None
    audit(actor=actor, action="search", object_type="intake.signal", purpose=purpose)
    return (visible_to(actor, purpose, Signal.objects.all())
            .filter(entity_links__entity__kind=kind, entity_links__entity__value=value).distinct().count())
