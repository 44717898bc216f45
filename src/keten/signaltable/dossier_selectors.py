"""The dossier as the Signaaltafel sees it: its signals, the people in them as aliases ("Persoon A"), the entities
that tie them masked, its timeline and actions. Read once through policy and audited once.

Aliases and entity keys are worked out over all of the dossier's active signals, so "Persoon C" is the same person
for everyone at the table, whichever signals each of them may read."""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.audit.services import record as audit
from keten.core.clock import today
from keten.core.errors import PermissionDenied
from keten.core.privacy import DataCategory
from keten.identity.masking import mask_entity
from keten.identity.models import EntityKind
from keten.intake.models import (
    ExploitationForm,
    IndicatorKind,
    PersonRole,
    Signal,
    SignalEntity,
    SignalForm,
    SignalPerson,
)
from keten.intake.workflow import Status
from keten.policy.decisions import Decision, decide, fetch_with_relations
from keten.policy.purposes import Purpose
from keten.policy.rules import Effect
from keten.signaltable.models import (
    ChangeKind,
    DecisionKind,
    Dossier,
    DossierChange,
    DossierSignal,
    IdentityReveal,
    TableAction,
    TableDecision,
)
from keten.signaltable.selectors import PURPOSE
from keten.signaltable.summary import DossierSummary, dossier_summary

# --- Who and what is in a dossier (no values, no audit) --------------------------------------------------------

#: Presumed victims are named first: "Persoon A" is whom the dossier is about, as a rule.
_ROLE_ORDER = {role: index for index, role in enumerate(PersonRole.values)}
_KIND_ORDER = {kind: index for index, kind in enumerate(EntityKind.values)}


def alias_letters(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA": spreadsheet-style, so a dossier never runs out of aliases."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class CastPerson:
    """One person across the dossier's signals: a subject, or someone seen but not identified (one appearance)."""

    letters: str
    subject_id: object
    appearances: list = field(default_factory=list)  # SignalPerson, in signal order

    @property
    def alias(self) -> str:
        return _("Persoon {letters}").format(letters=self.letters)


@dataclass
class CastEntity:
    """One phone, address, ... across the dossier's signals: entities of the same kind and value held by different
    organisations count as one, which is exactly the tie the table looks for."""

    key: str
    kind: str
    entities: list = field(default_factory=list)
    signal_ids: list = field(default_factory=list)


@dataclass
class Cast:
    signals: list  # the active Signal objects, oldest observation first
    people: list
    entities: list

    def person(self, letters: str) -> CastPerson | None:
        return next((p for p in self.people if p.letters == letters), None)

    def person_of_subject(self, subject_id) -> CastPerson | None:
        return next((p for p in self.people if p.subject_id is not None and p.subject_id == subject_id), None)

    def entity(self, key: str) -> CastEntity | None:
        return next((e for e in self.entities if e.key == key), None)

    def entity_of(self, entity_id) -> CastEntity | None:
        return next((e for e in self.entities if any(x.pk == entity_id for x in e.entities)), None)


def dossier_cast(dossier: Dossier) -> Cast:
    """The dossier's active signals, its people with their aliases and its entities with their keys. Holds the
    records, not what may be shown of them: callers decide that."""
    signal_ids = DossierSignal.objects.filter(dossier=dossier, is_active=True).values("signal_id")
    signals = list(Signal.objects.filter(pk__in=signal_ids).select_related("municipality")
                   .order_by("observed_on", "created_at", "pk"))
    order = {signal.pk: index for index, signal in enumerate(signals)}
    appearances = sorted(SignalPerson.objects.filter(signal_id__in=order),
                         key=lambda p: (order[p.signal_id], _ROLE_ORDER.get(p.role, 99), p.created_at, str(p.pk)))
    people: dict = {}
    for appearance in appearances:
        key = appearance.subject_id or ("seen", appearance.pk)
        if key not in people:
            people[key] = CastPerson(alias_letters(len(people)), appearance.subject_id)
        people[key].appearances.append(appearance)
    links = sorted(SignalEntity.objects.filter(signal_id__in=order).select_related("entity__municipality"),
                   key=lambda link: (_KIND_ORDER.get(link.entity.kind, 99), order[link.signal_id],
                                     link.entity.value))
    entities: dict = {}
    for link in links:
        key = (link.entity.kind, link.entity.value)
        if key not in entities:
            entities[key] = CastEntity(str(len(entities) + 1), link.entity.kind)
        found = entities[key]
        if link.entity not in found.entities:
            found.entities.append(link.entity)
        if link.signal_id not in found.signal_ids:
            found.signal_ids.append(link.signal_id)
    for found in entities.values():
        found.signal_ids.sort(key=order.get)
    return Cast(signals, list(people.values()), list(entities.values()))


def masked_entity(found: CastEntity) -> str | None:
    municipality = next((e.municipality.name for e in found.entities if e.municipality_id), None)
    return mask_entity(found.kind, found.entities[0].value, municipality)


# --- What the actor sees ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignalEntry:
    """One signal of the dossier: its facts if the actor may read it, else only that it exists."""

    readable: bool
    reference: str = ""
    observed_on: date | None = None
    municipality: str = ""
    forms: tuple[str, ...] = ()
    urgency: str = ""
    status: str = ""
    hard_indicators: int = 0
    soft_indicators: int = 0


@dataclass(frozen=True)
class Appearance:
    reference: str
    role_label: str
    estimated_age: int | None
    is_minor: bool | None


@dataclass(frozen=True)
class PersonEntry:
    alias: str
    letters: str
    appearances: tuple[Appearance, ...]
    is_minor: bool | None  # True if any signal says so, None if none can tell
    identified: bool  # a subject in the identity store: something to reveal
    revealed_on: date | None  # when the actor revealed who this is (the name stays on the reveal page)


@dataclass(frozen=True)
class EntityEntry:
    """`masked` is what the table sees (None: the kind only); `shown` is the full value the actor revealed, or
    the masked form. The network picture uses `name`, never the revealed value."""

    key: str
    kind: str
    label: str
    masked: str | None
    shown: str | None
    revealed: bool
    references: tuple[str, ...]
    name: str  # the masked form with its kind, numbered where it alone would not tell two entities apart


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # "signal", "change" or "decision"
    label: str
    by: str = ""
    text: str | None = None  # None: withheld
    withheld: str = ""  # what to say in its place
    whole_day: bool = False


@dataclass(frozen=True)
class ActionEntry:
    description: str | None
    withheld: str
    owner: str
    due_on: date
    status: str
    overdue: bool
    outcome: str | None


@dataclass(frozen=True)
class RevealEntry:
    at: datetime
    what: str
    purpose: str
    reason: str


@dataclass(frozen=True)
class DossierView:
    dossier: Dossier
    decision: Decision
    identity: Decision  # why identities are masked here, for the page to say
    summary: DossierSummary
    signals: tuple[SignalEntry, ...]
    readable_signals: tuple[Signal, ...]
    people: tuple[PersonEntry, ...]
    entities: tuple[EntityEntry, ...]
    timeline: tuple[TimelineEntry, ...]
    actions: tuple[ActionEntry, ...]
    reveals: tuple[RevealEntry, ...]

    @property
    def hidden_signals(self) -> int:
        return sum(1 for entry in self.signals if not entry.readable)

    @property
    def overdue_actions(self) -> int:
        return sum(1 for action in self.actions if action.overdue)

    @property
    def revealed_in_full(self) -> bool:
        return any(entity.revealed for entity in self.entities)


def _full(decision: Decision) -> bool:
    return decision.allowed and not decision.pseudonymised


def dossier_view(*, actor: Actor, dossier: Dossier) -> DossierView:
    """Everything about one dossier the actor may see at the table, read once and audited once: masked unless
    the actor revealed a value in this dossier for a purpose policy still allows."""
    decision = decide(actor, "read", dossier, PURPOSE)
    if not decision.allowed:
        audit(actor=actor, action="denied", target=dossier, purpose=PURPOSE, decision=decision.mode)
        raise PermissionDenied(decision.reason)
    cast = dossier_cast(dossier)
    readable = _readable(actor, cast.signals)
    references = {signal.pk: signal.reference for signal in cast.signals if signal.pk in readable}
    own_reveals = list(IdentityReveal.objects.filter(dossier=dossier, membership=actor.membership)
                       .select_related("entity__municipality"))
    entities = tuple(_entities(actor, cast, references, own_reveals))
    view = DossierView(
        dossier=dossier, decision=decision,
        identity=decide(actor, "read", dossier, PURPOSE, category=DataCategory.IDENTITY),
        summary=dossier_summary(dossier),
        signals=tuple(_signals(cast.signals, readable)),
        readable_signals=tuple(signal for signal in cast.signals if signal.pk in readable),
        people=tuple(_people(cast, references, own_reveals)),
        entities=entities,
        timeline=tuple(_timeline(actor, dossier, cast.signals, readable)),
        actions=tuple(_actions(actor, dossier)),
        reveals=tuple(_reveals(cast, own_reveals)),
    )
    audit(actor=actor, action="read", target=dossier, purpose=PURPOSE, basis=decision.basis.code,
          decision=Effect.ALLOW if view.revealed_in_full else Effect.PSEUDONYMISE)
    return view


def _readable(actor: Actor, signals: list) -> set:
    """The ids of the signals the actor may read at the table; the relations come in one query."""
    if not signals:
        return set()
    fetched = fetch_with_relations(actor, PURPOSE, Signal.objects.filter(pk__in=[s.pk for s in signals]))
    return {signal.pk for signal in fetched if decide(actor, "read", signal, PURPOSE).allowed}


def _signals(signals: list, readable: set):
    ids = [signal.pk for signal in signals if signal.pk in readable]
    counts = {pk: (hard, soft) for pk, hard, soft in Signal.objects.filter(pk__in=ids).annotate(
        hard=Count("indicators", filter=Q(indicators__indicator__kind=IndicatorKind.HARD), distinct=True),
        soft=Count("indicators", filter=Q(indicators__indicator__kind=IndicatorKind.SOFT), distinct=True),
    ).values_list("pk", "hard", "soft")}
    forms: dict = {}
    for signal_id, form in SignalForm.objects.filter(signal_id__in=ids).values_list(
            "signal_id", "form"):
        forms.setdefault(signal_id, []).append(str(ExploitationForm(form).label))
    for signal in signals:
        if signal.pk not in readable:
            yield SignalEntry(readable=False)
            continue
        hard, soft = counts.get(signal.pk, (0, 0))
        yield SignalEntry(
            readable=True, reference=signal.reference, observed_on=signal.observed_on,
            municipality=signal.municipality.name, forms=tuple(sorted(forms.get(signal.pk, ()))),
            urgency=signal.get_urgency_display(), status=str(Status(signal.status).label),
            hard_indicators=hard, soft_indicators=soft)


def _people(cast: Cast, references: dict, own_reveals: list):
    revealed = {reveal.subject_id: reveal.at for reveal in own_reveals if reveal.subject_id}
    for person in cast.people:
        seen = [a for a in person.appearances if a.signal_id in references]
        if not seen:
            continue
        minors = [a.is_minor for a in seen if a.is_minor is not None]
        at = revealed.get(person.subject_id) if person.subject_id else None
        yield PersonEntry(
            alias=person.alias, letters=person.letters,
            appearances=tuple(Appearance(references[a.signal_id], str(PersonRole(a.role).label), a.estimated_age,
                                         a.is_minor) for a in seen),
            is_minor=any(minors) if minors else None, identified=person.subject_id is not None,
            revealed_on=timezone.localdate(at) if at else None)


def entity_names(cast: Cast) -> dict:
    """key → how the table calls each entity: "Telefoonnummer: ••••••78", or with its number in the dossier
    ("Adres: gemeente Haarlem (nr. 4)") when the masked form alone is shared by two, or shows only the kind."""
    plain = {found.key: (str(EntityKind(found.kind).label), masked_entity(found)) for found in cast.entities}
    counts: dict = {}
    for label, masked in plain.values():
        counts[label, masked] = counts.get((label, masked), 0) + 1
    names = {}
    for key, (label, masked) in plain.items():
        name = f"{label}: {masked}" if masked else label
        names[key] = name if masked and counts[label, masked] == 1 else _("{name} (nr. {key})").format(
            name=name, key=key)
    return names


def _entities(actor: Actor, cast: Cast, references: dict, own_reveals: list):
    names = entity_names(cast)
    for found in cast.entities:
        shown_in = tuple(references[pk] for pk in found.signal_ids if pk in references)
        if not shown_in:
            continue
        masked = masked_entity(found)
        full = _revealed_value(actor, found, own_reveals)
        yield EntityEntry(key=found.key, kind=found.kind, label=str(EntityKind(found.kind).label), masked=masked,
                          shown=full if full is not None else masked, revealed=full is not None,
                          references=shown_in, name=names[found.key])


def _revealed_value(actor: Actor, found: CastEntity, own_reveals: list) -> str | None:
    """The full value, if the actor revealed this entity here and policy still allows it for that purpose (a
    share withdrawn since takes effect now)."""
    ids = {entity.pk for entity in found.entities}
    for reveal in own_reveals:
        if reveal.entity_id in ids and _full(decide(actor, "read", reveal.entity, reveal.purpose,
                                                    category=DataCategory.IDENTITY)):
            return reveal.entity.display
    return None


def _at_start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _timeline(actor: Actor, dossier: Dossier, signals: list, readable: set):
    entries = [TimelineEntry(_at_start_of(s.observed_on), "signal",
                             _("Signaal {reference} gezien in {municipality}").format(
                                 reference=s.reference, municipality=s.municipality.name), text="",
                             whole_day=True)
               for s in signals if s.pk in readable]
    reasons_shown = _full(decide(actor, "read", dossier, PURPOSE, category=DataCategory.SPECIAL))
    for change in DossierChange.objects.filter(dossier=dossier).select_related("membership__organisation"):
        by = (f"{change.membership.get_role_display()}, {change.membership.organisation.name}"
              if change.membership_id else str(_("de bundeling")))
        text = change.reason if reasons_shown or not change.reason else None
        entries.append(TimelineEntry(change.at, "change", str(ChangeKind(change.kind).label), by=by, text=text,
                                     withheld=str(_("reden afgeschermd"))))
    seen: dict = {}
    for decision in TableDecision.objects.filter(dossier=dossier).select_related("decided_by__organisation"):
        if decision.category not in seen:
            seen[decision.category] = _full(decide(actor, "read", dossier, PURPOSE, category=decision.category))
        by = f"{decision.decided_by.get_role_display()}, {decision.decided_by.organisation.name}"
        entries.append(TimelineEntry(
            decision.decided_at, "decision", _("Besluit: {kind}").format(kind=DecisionKind(decision.kind).label),
            by=by, text=decision.rationale if seen[decision.category] else None,
            withheld=str(_("onderbouwing afgeschermd ({category})").format(
                category=DataCategory(decision.category).label))))
    entries.sort(key=lambda entry: entry.at)
    return entries


def _actions(actor: Actor, dossier: Dossier):
    on, seen = today(), {}
    for action in TableAction.objects.filter(dossier=dossier).select_related("owner_organisation"):
        if action.category not in seen:
            seen[action.category] = _full(decide(actor, "read", dossier, PURPOSE, category=action.category))
        shown = seen[action.category]
        withheld = (_("actie afgeschermd (politie-informatie)") if action.category == DataCategory.CRIMINAL
                    else _("actie afgeschermd"))
        yield ActionEntry(
            description=action.description if shown else None, withheld=str(withheld),
            owner=action.owner_organisation.name, due_on=action.due_on, status=action.get_status_display(),
            overdue=action.is_overdue(on), outcome=action.outcome if shown else None)


def _reveals(cast: Cast, own_reveals: list):
    names = entity_names(cast)
    for reveal in own_reveals:
        if reveal.subject_id:
            person = cast.person_of_subject(reveal.subject_id)
            what = person.alias if person else str(_("een persoon"))
        else:
            found = cast.entity_of(reveal.entity_id)
            what = names[found.key] if found is not None else str(EntityKind(reveal.entity.kind).label)
        yield RevealEntry(reveal.at, what, str(Purpose(reveal.purpose).label), reveal.reason)

