"""Writes of dossiers: the engine's dossiers from a link run's bundles, and the changes people make to them (create,
add, remove, merge, split, hand over). People's changes always win: the engine only adds free signals, never puts
a removed signal back, never merges two dossiers and never moves a signal from one dossier to another."""

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.models import Membership, Organisation
from keten.accounts.roles import Role
from keten.audit.services import record as audit
from keten.core.concurrency import save_versioned
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.intake.models import Signal
from keten.policy.decisions import decide
from keten.regions.models import Municipality, Region
from keten.signaltable.models import (
    ChangeKind,
    ClusterKind,
    Dossier,
    DossierChange,
    DossierSignal,
    DossierStatus,
    LinkRun,
    SignalCluster,
)
from keten.signaltable.selectors import PURPOSE, TABLE_ROLES


@dataclass
class SyncResult:
    """What one sync did: the dossiers it created and those it added signals to."""

    created: list[Dossier] = field(default_factory=list)
    extended: list[Dossier] = field(default_factory=list)


def table_owner_for(municipality: Municipality) -> Organisation | None:
    """The organisation that chairs the table whose region holds `municipality`, if one is known."""
    chair = (Membership.objects.filter(role=Role.TABLE_CHAIR, is_active=True, region__municipalities=municipality)
             .select_related("organisation").order_by("organisation__name", "created_at").first())
    return chair.organisation if chair else None


def _earliest(signals: Iterable[Signal]) -> Signal:
    return min(signals, key=lambda s: (s.observed_on, s.created_at, s.reference))


def _ids(signals: Iterable[Signal]) -> list[str]:
    """How a change names its signals: their ids, in a fixed order."""
    return sorted(str(s.pk) for s in signals)


#: A component larger than this is cut at its weakest ties before it becomes a dossier: the same address or vehicle
#: for many signals is what chains unrelated cases together (a big building, a hired van), a phone less so.
DOSSIER_CAP = 25
#: Bundle kinds from weakest to strongest tie; a person cluster and strong identifiers are never dropped.
WEAKEST_FIRST = (ClusterKind.ADDRESS, ClusterKind.VEHICLE, ClusterKind.PHONE)


def _connected(rows: Iterable[tuple[str, object]]) -> list[set]:
    """Bundles (cluster key, signal id) joined into connected components of signal ids, two signals or more."""
    parent: dict = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_of: dict[str, object] = {}
    for key, signal in rows:
        find(signal)
        if key in first_of:
            parent[find(signal)] = find(first_of[key])
        else:
            first_of[key] = signal
    groups: dict = {}
    for signal in parent:
        groups.setdefault(find(signal), set()).add(signal)
    return [group for group in groups.values() if len(group) >= 2]


def _components(run: LinkRun) -> list[set]:
    """The run's bundles (all kinds) joined into components; one over DOSSIER_CAP signals is joined again without
    its weakest kind of tie, and so on, so that one shared address cannot glue a region's signals into one dossier."""
    rows = list(SignalCluster.objects.filter(run=run).values_list("cluster_key", "kind", "signal_id"))
    return _capped(rows, _connected((key, signal) for key, _kind, signal in rows), WEAKEST_FIRST)


def _capped(rows: list[tuple], components: list[set], weakest: tuple) -> list[set]:
    kept = [c for c in components if len(c) <= DOSSIER_CAP]
    for component in (c for c in components if len(c) > DOSSIER_CAP):
        if not weakest:
            kept.append(component)  # only strong ties left: it is one case, however large
            continue
        inside = [(key, kind, signal) for key, kind, signal in rows if signal in component and kind != weakest[0]]
        kept += _capped(inside, _connected((key, signal) for key, _kind, signal in inside), weakest[1:])
    return kept


# --- The engine -----------------------------------------------------------------------------------------------------


@transaction.atomic
def dossiers_sync(run: LinkRun) -> SyncResult:
    """Turn a run's bundles into dossiers (a system task). A component none of whose signals is in a dossier
    becomes a new dossier; otherwise its free signals join the open dossier holding most of it, except those a
    person took out of that dossier. Running it twice on the same run changes nothing the second time."""
    result = SyncResult()
    components = _components(run)
    involved = set().union(*components) if components else set()
    active = dict(DossierSignal.objects.filter(signal_id__in=involved, is_active=True)
                  .values_list("signal_id", "dossier_id"))
    status_of = dict(Dossier.objects.filter(pk__in=set(active.values())).values_list("pk", "status"))
    removed = set(DossierSignal.objects.filter(signal_id__in=involved, is_active=False)
                  .values_list("dossier_id", "signal_id"))
    signals = Signal.objects.in_bulk(involved)
    # A fixed order (by signal ids) makes the outcome independent of how the run numbered its bundles.
    for component in sorted(components, key=lambda c: sorted(str(s) for s in c)):
        free = [signals[s] for s in component if s not in active]
        if not free:
            continue
        held = Counter(active[s] for s in component if s in active)
        if not held:
            result.created.append(_engine_create(free))
            continue
        candidates = [(count, pk) for pk, count in held.items() if status_of[pk] == DossierStatus.OPEN]
        if not candidates:
            # Its dossiers were closed: what came in since is new for the table (if it still forms a bundle).
            if len(free) >= 2:
                result.created.append(_engine_create(free))
            continue
        target_id = max(candidates, key=lambda c: (c[0], -_first_seen(c[1], active, signals), str(c[1])))[1]
        joining = [s for s in free if (target_id, s.pk) not in removed]
        if joining:
            result.extended.append(_engine_extend(Dossier.objects.get(pk=target_id), joining))
    return result


def _first_seen(dossier_id, active, signals) -> int:
    """Ties go to the dossier with the earliest signal: it was there first."""
    return min(signals[s].observed_on.toordinal() for s, d in active.items() if d == dossier_id)


def _engine_create(signals: list[Signal]) -> Dossier:
    municipality = _earliest(signals).municipality
    dossier = Dossier.objects.create(municipality=municipality, owner=table_owner_for(municipality),
                                     by_engine=True)
    DossierSignal.objects.bulk_create(DossierSignal(dossier=dossier, signal=s, by_engine=True) for s in signals)
    DossierChange.objects.create(dossier=dossier, kind=ChangeKind.CREATED, signals=_ids(signals))
    audit(actor=None, action="create", target=dossier, purpose=PURPOSE)
    return dossier


def _engine_extend(dossier: Dossier, signals: list[Signal]) -> Dossier:
    DossierSignal.objects.bulk_create(DossierSignal(dossier=dossier, signal=s, by_engine=True) for s in signals)
    DossierChange.objects.create(dossier=dossier, kind=ChangeKind.ENGINE, signals=_ids(signals))
    audit(actor=None, action="update", target=dossier, purpose=PURPOSE)
    return dossier


# --- Checks shared by people's changes ------------------------------------------------------------------------------


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Geef een reden voor deze wijziging."))
    return reason


def _check_actor(actor: Actor) -> None:
    if actor.role not in TABLE_ROLES:
        raise PermissionDenied(_("Alleen deelnemers aan de Signaaltafel kunnen dossiers wijzigen."))


def _check_dossier(actor: Actor, dossier: Dossier) -> None:
    if not decide(actor, "update", dossier, PURPOSE).allowed:
        raise PermissionDenied(_("U kunt dossier {reference} niet wijzigen.").format(reference=dossier.reference))
    if dossier.status != DossierStatus.OPEN:
        raise ValidationFailed(_("Dossier {reference} is {status}: alleen een open dossier kan worden gewijzigd.")
                               .format(reference=dossier.reference, status=dossier.get_status_display().lower()))


def _check_signals(actor: Actor, signals: Iterable[Signal]) -> None:
    for signal in signals:
        if not decide(actor, "read", signal, PURPOSE).allowed:
            raise PermissionDenied(_("U hebt geen toegang tot signaal {reference}.").format(
                reference=signal.reference))


def _active_signals(dossier: Dossier) -> list[Signal]:
    return list(Signal.objects.filter(pk__in=DossierSignal.objects.filter(dossier=dossier, is_active=True)
                                      .values("signal_id")).select_related("municipality"))


def _activate(dossier: Dossier, signal: Signal) -> None:
    """Make the signal active in the dossier: a person's choice, so an earlier removal row is taken back."""
    updated = DossierSignal.objects.filter(dossier=dossier, signal=signal).update(is_active=True, by_engine=False)
    if not updated:
        DossierSignal.objects.create(dossier=dossier, signal=signal)


def _touch(dossier: Dossier, expected_version: int | None) -> None:
    """A change of a dossier's signals is a change of the dossier: its version guards against two people at once."""
    save_versioned(dossier, expected_version=dossier.version if expected_version is None else expected_version,
                   fields=[])


def _change(actor: Actor, dossier: Dossier, kind: str, signals: Iterable[Signal], reason: str,
            other: Dossier | None = None) -> DossierChange:
    return DossierChange.objects.create(dossier=dossier, kind=kind, signals=_ids(signals), other=other,
                                        reason=reason, membership=actor.membership)


# --- People's changes -----------------------------------------------------------------------------------------------


@transaction.atomic
def dossier_create(*, actor: Actor, signals: Collection[Signal], reason: str) -> Dossier:
    """A table member groups signals by hand into a new dossier; none of them may be in a dossier yet."""
    _check_actor(actor)
    reason = _check_reason(reason)
    signals = list({s.pk: s for s in signals}.values())
    if not signals:
        raise ValidationFailed(_("Kies ten minste één signaal voor het nieuwe dossier."))
    _check_signals(actor, signals)
    taken = (DossierSignal.objects.filter(signal__in=signals, is_active=True)
             .select_related("dossier", "signal").order_by("signal__reference").first())
    if taken:
        raise ValidationFailed(_("Signaal {signal} zit al in dossier {dossier}. Voeg het andere signaal daar toe, "
                                 "of voeg de dossiers samen.").format(signal=taken.signal.reference,
                                                                       dossier=taken.dossier.reference))
    municipality = _earliest(signals).municipality
    dossier = Dossier.objects.create(municipality=municipality, owner=table_owner_for(municipality),
                                     by_engine=False, created_by=actor.membership)
    # The new dossier must lie within the actor's reach, or they would make something they cannot see.
    if not decide(actor, "update", dossier, PURPOSE).allowed:
        raise PermissionDenied(_("Dit dossier zou horen bij de Signaaltafel van {place}, waar u geen toegang toe "
                                 "hebt.").format(place=municipality.name))
    DossierSignal.objects.bulk_create(DossierSignal(dossier=dossier, signal=s) for s in signals)
    _change(actor, dossier, ChangeKind.CREATED, signals, reason)
    audit(actor=actor, action="create", target=dossier, purpose=PURPOSE)
    return dossier


@transaction.atomic
def dossier_add_signal(*, actor: Actor, dossier: Dossier, signal: Signal, reason: str,
                       expected_version: int | None = None) -> None:
    """A person adds a signal to a dossier (also one they took out earlier); never one that is in another
    dossier: that is a merge."""
    _check_actor(actor)
    reason = _check_reason(reason)
    _check_dossier(actor, dossier)
    _check_signals(actor, [signal])
    current = DossierSignal.objects.filter(signal=signal, is_active=True).select_related("dossier").first()
    if current and current.dossier_id == dossier.pk:
        raise ValidationFailed(_("Signaal {signal} zit al in dit dossier.").format(signal=signal.reference))
    if current:
        raise ValidationFailed(_("Signaal {signal} zit al in dossier {other}. Voeg de twee dossiers samen als ze "
                                 "bij elkaar horen.").format(signal=signal.reference, other=current.dossier.reference))
    _touch(dossier, expected_version)
    _activate(dossier, signal)
    _change(actor, dossier, ChangeKind.ADDED, [signal], reason)
    audit(actor=actor, action="update", target=dossier, purpose=PURPOSE)


@transaction.atomic
def dossier_remove_signal(*, actor: Actor, dossier: Dossier, signal: Signal, reason: str,
                          expected_version: int | None = None) -> None:
    """A person takes a signal out of a dossier; the inactive row keeps the engine from putting it back."""
    _check_actor(actor)
    reason = _check_reason(reason)
    _check_dossier(actor, dossier)
    _check_signals(actor, [signal])
    active = DossierSignal.objects.filter(dossier=dossier, is_active=True)
    if not active.filter(signal=signal).exists():
        raise ValidationFailed(_("Signaal {signal} zit niet in dit dossier.").format(signal=signal.reference))
    if active.count() == 1:
        raise ValidationFailed(_("Dit is het laatste signaal van het dossier; een dossier zonder signalen kan "
                                 "niet. Sluit het dossier of voeg het samen met een ander."))
    _touch(dossier, expected_version)
    active.filter(signal=signal).update(is_active=False)
    _change(actor, dossier, ChangeKind.REMOVED, [signal], reason)
    audit(actor=actor, action="update", target=dossier, purpose=PURPOSE)


@transaction.atomic
def dossier_merge(*, actor: Actor, dossier: Dossier, other: Dossier, reason: str,
                  expected_version: int | None = None) -> None:
    """`other`'s signals move into `dossier`; `other` is marked merged. Signals a person took out of `other` stay
    out of `dossier` too. The engine never undoes a merge: it never moves signals between dossiers."""
    _check_actor(actor)
    reason = _check_reason(reason)
    if other.pk == dossier.pk:
        raise ValidationFailed(_("Kies een ander dossier om mee samen te voegen."))
    _check_dossier(actor, dossier)
    _check_dossier(actor, other)
    moving = _active_signals(other)
    _check_signals(actor, moving)
    _touch(dossier, expected_version)
    other.status, other.merged_into = DossierStatus.MERGED, dossier
    save_versioned(other, expected_version=other.version, fields=["status", "merged_into"])
    DossierSignal.objects.filter(dossier=other, is_active=True).update(is_active=False)
    for signal in moving:
        _activate(dossier, signal)
    here = set(DossierSignal.objects.filter(dossier=dossier).values_list("signal_id", flat=True))
    DossierSignal.objects.bulk_create(
        DossierSignal(dossier=dossier, signal_id=signal_id, is_active=False)
        for signal_id in DossierSignal.objects.filter(dossier=other, is_active=False).exclude(
            signal__in=moving).values_list("signal_id", flat=True) if signal_id not in here)
    _change(actor, dossier, ChangeKind.MERGED, moving, reason, other=other)
    _change(actor, other, ChangeKind.MERGED, moving, reason, other=dossier)
    audit(actor=actor, action="update", target=dossier, purpose=PURPOSE)
    audit(actor=actor, action="update", target=other, purpose=PURPOSE)


@transaction.atomic
def dossier_split(*, actor: Actor, dossier: Dossier, signals: Collection[Signal], reason: str,
                  expected_version: int | None = None) -> Dossier:
    """Some of a dossier's signals become a dossier of their own, at the same table. Neither the signals split
    off nor those a person took out earlier go back to either dossier by the engine's hand."""
    _check_actor(actor)
    reason = _check_reason(reason)
    _check_dossier(actor, dossier)
    signals = list({s.pk: s for s in signals}.values())
    active = {s.pk for s in _active_signals(dossier)}
    if not signals:
        raise ValidationFailed(_("Kies de signalen die een eigen dossier worden."))
    if any(s.pk not in active for s in signals):
        raise ValidationFailed(_("Kies alleen signalen die in dit dossier zitten."))
    if len(signals) == len(active):
        raise ValidationFailed(_("Laat ten minste één signaal in het dossier: alle signalen afsplitsen verandert "
                                 "niets."))
    _check_signals(actor, signals)
    _touch(dossier, expected_version)
    new = Dossier.objects.create(municipality=dossier.municipality, owner=dossier.owner, by_engine=False,
                                 created_by=actor.membership)
    removed_before = DossierSignal.objects.filter(dossier=dossier, is_active=False).values_list("signal_id",
                                                                                                 flat=True)
    DossierSignal.objects.bulk_create(DossierSignal(dossier=new, signal_id=pk, is_active=False)
                                      for pk in list(removed_before))
    DossierSignal.objects.filter(dossier=dossier, signal__in=signals).update(is_active=False)
    DossierSignal.objects.bulk_create(DossierSignal(dossier=new, signal=s) for s in signals)
    _change(actor, dossier, ChangeKind.SPLIT, signals, reason, other=new)
    _change(actor, new, ChangeKind.SPLIT, signals, reason, other=dossier)
    audit(actor=actor, action="update", target=dossier, purpose=PURPOSE)
    audit(actor=actor, action="create", target=new, purpose=PURPOSE)
    return new


@transaction.atomic
def dossier_hand_over(*, actor: Actor, dossier: Dossier, region: Region, reason: str,
                      expected_version: int | None = None) -> None:
    """The table hands a dossier to another region's table: it moves to a municipality of that region (one
    where its signals are, else the first by name), and to that table's chair organisation."""
    _check_actor(actor)
    reason = _check_reason(reason)
    _check_dossier(actor, dossier)
    places = region.municipalities.all()
    if not places.exists():
        raise ValidationFailed(_("Regio {region} heeft geen gemeenten.").format(region=region.name))
    if places.filter(pk=dossier.municipality_id).exists():
        raise ValidationFailed(_("Dossier {reference} hoort al bij regio {region}.").format(
            reference=dossier.reference, region=region.name))
    codes = set(places.values_list("pk", flat=True))
    inside = [s for s in _active_signals(dossier) if s.municipality_id in codes]
    municipality = _earliest(inside).municipality if inside else places.order_by("name").first()
    dossier.municipality, dossier.owner = municipality, table_owner_for(municipality)
    save_versioned(dossier, expected_version=dossier.version if expected_version is None else expected_version,
                   fields=["municipality", "owner"])
    _change(actor, dossier, ChangeKind.HANDED_OVER, [], reason)
    audit(actor=actor, action="update", target=dossier, purpose=PURPOSE)
