"""Why the signals of a dossier belong together: the latest link run's links between the dossier's signals the actor
may read, explained field by field in Dutch, with the latest verdict people gave on each pair.

Field names, agreement levels and weights only (SignalLink holds no value), so this read shows nothing personal and
is not audited on its own: the dossier page's audited read covers it. The verdict's reason is free text about a
case (special-category data) and is shown only to whom policy allows that."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keten.accounts.actor import Actor
from keten.core.privacy import DataCategory
from keten.intake.models import Signal
from keten.policy.decisions import decide, fetch_with_relations
from keten.signaltable.models import Dossier, DossierSignal, LinkDecision, LinkRun, SignalLink, Verdict
from keten.signaltable.selectors import PURPOSE, TABLE_ROLES

#: The engine's fields (keten.linking.compare.FIELDS) as the table calls them.
FIELD_LABELS = {
    "given_name": gettext_lazy("Voornaam"),
    "surname": gettext_lazy("Achternaam"),
    "date_of_birth": gettext_lazy("Geboortedatum"),
    "nationality": gettext_lazy("Nationaliteit"),
    "sex": gettext_lazy("Geslacht"),
    "address": gettext_lazy("Adres"),
    "phone": gettext_lazy("Telefoonnummer"),
    "email": gettext_lazy("E-mailadres"),
    "iban": gettext_lazy("IBAN"),
    "licence_plate": gettext_lazy("Kenteken"),
    "document_number": gettext_lazy("Documentnummer"),
    "bsn": gettext_lazy("BSN"),
    "company_number": gettext_lazy("KvK-nummer"),
    "online_handle": gettext_lazy("Online account"),
}

#: The engine's agreement levels, from strongest to disagreement, in words the table uses.
LEVEL_LABELS = {
    "exact": gettext_lazy("gelijk"),
    "same": gettext_lazy("gelijk"),
    "shared value": gettext_lazy("gelijk"),
    "same postcode and house number": gettext_lazy("gelijk (postcode en huisnummer)"),
    "very similar": gettext_lazy("bijna gelijk"),
    "one digit off or day and month swapped": gettext_lazy("bijna gelijk (één cijfer anders of dag en maand "
                                                           "omgedraaid)"),
    "same postcode": gettext_lazy("bijna gelijk (zelfde postcode)"),
    "similar or same initial": gettext_lazy("lijkt erop (of zelfde voorletter)"),
    "partial date agrees": gettext_lazy("deels gelijk"),
    "different": gettext_lazy("verschillend"),
}
UNKNOWN = gettext_lazy("onbekend")

#: Levels that mean full agreement: with no weight, the agreeing value is held by so many records (a shelter's
#: phone or address) that the engine does not count it.
AGREEING = frozenset({"exact", "same", "shared value", "same postcode and house number"})


@dataclass(frozen=True)
class ContributionView:
    field: str
    label: str
    level: str  # in Dutch
    weight: float  # in bits: positive for, negative against
    not_counted: bool  # agrees on a value too common to count


@dataclass(frozen=True)
class DecisionView:
    verdict: str
    label: str
    at: datetime
    by: str
    reason: str | None  # None: withheld from this actor


@dataclass(frozen=True)
class LinkView:
    """One link between two signals of the dossier, as the table reads it."""

    signal_a: Signal
    signal_b: Signal
    score: float  # the engine's probability (1 when a person's verdict forced the link)
    weight: float  # the match weight in bits: `prior` plus every contribution
    prior: float
    forced: bool  # a person's "same" verdict made this link
    contributions: tuple[ContributionView, ...]
    decision: DecisionView | None  # the latest verdict people gave on this pair

    @property
    def percent(self) -> int:
        return int(self.score * 100)

    @property
    def agreeing(self) -> list[str]:
        return [c.label for c in self.contributions if c.weight > 0]


def _contributions(stored: list) -> tuple[ContributionView, ...]:
    views = []
    for part in stored:
        level = part["level"]
        views.append(ContributionView(
            field=part["field"], label=str(FIELD_LABELS.get(part["field"], part["field"])),
            level=str(LEVEL_LABELS.get(level, UNKNOWN)), weight=part["weight"],
            not_counted=level in AGREEING and part["weight"] == 0))
    # The strongest evidence first, either way; ties in the engine's field order.
    return tuple(sorted(views, key=lambda view: -abs(view.weight)))


def _latest_decisions(ids: list) -> dict:
    """The latest verdict per unordered pair of these signals, in one query."""
    latest = {}
    for decision in LinkDecision.objects.filter(signal_a_id__in=ids, signal_b_id__in=ids).select_related(
            "membership__organisation").order_by("decided_at", "id"):
        latest[frozenset((decision.signal_a_id, decision.signal_b_id))] = decision
    return latest


def latest_run() -> LinkRun | None:
    return LinkRun.objects.order_by("-started_at", "-created_at").first()


def dossier_links(actor: Actor, dossier: Dossier) -> list[LinkView]:
    """The latest run's links between active signals of `dossier` that the actor may both read at the table,
    strongest first."""
    run = latest_run()
    if actor.role not in TABLE_ROLES or run is None:
        return []
    ids = list(DossierSignal.objects.filter(dossier=dossier, is_active=True).values_list("signal_id", flat=True))
    stored = list(SignalLink.objects.filter(run=run, signal_a_id__in=ids, signal_b_id__in=ids))
    if not stored:
        return []
    involved = {link.signal_a_id for link in stored} | {link.signal_b_id for link in stored}
    readable = {signal.pk: signal for signal in fetch_with_relations(actor, PURPOSE, Signal.objects.filter(
        pk__in=involved)) if decide(actor, "read", signal, PURPOSE).allowed}
    decisions = _latest_decisions(list(readable))
    special = decide(actor, "read", dossier, PURPOSE, category=DataCategory.SPECIAL)
    reasons_shown = special.allowed and not special.pseudonymised
    views = []
    for link in stored:
        if link.signal_a_id not in readable or link.signal_b_id not in readable:
            continue
        found = decisions.get(frozenset((link.signal_a_id, link.signal_b_id)))
        decision = None
        if found is not None:
            decision = DecisionView(
                verdict=found.verdict, label=str(Verdict(found.verdict).label), at=found.decided_at,
                by=_("{role}, {organisation}").format(role=found.membership.get_role_display(),
                                                      organisation=found.membership.organisation.name),
                reason=found.reason if reasons_shown else None)
        views.append(LinkView(
            signal_a=readable[link.signal_a_id], signal_b=readable[link.signal_b_id], score=link.score,
            weight=link.weight, prior=link.prior, forced=link.verdict == Verdict.SAME,
            contributions=_contributions(link.contributions), decision=decision))
    views.sort(key=lambda view: (-view.score, -view.weight, view.signal_a.reference, view.signal_b.reference))
    return views


def dossier_signal_pair(dossier: Dossier, a, b) -> tuple[Signal, Signal] | None:
    """Two different active signals of `dossier` by id, for a verdict posted from its page; None if either is not
    (any longer) in it. Whether the actor may judge them is the service's question."""
    if a == b:
        return None
    active = DossierSignal.objects.filter(dossier=dossier, is_active=True).values("signal_id")
    found = {signal.pk: signal for signal in Signal.objects.filter(pk__in=(a, b)).filter(pk__in=active)}
    if a not in found or b not in found:
        return None
    return found[a], found[b]
