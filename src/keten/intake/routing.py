"""Routing rules as a pure function of a signal's facts: which rule routes it, with the reasons in Dutch.

Decisions (issue 5, part 4):
- **First match wins.** Rules are tried by position and the first whose conditions all hold routes the signal;
  a rule carries several actions, so combining is done by writing one rule, not by stacking matches. That keeps
  "which rule routed it" a single answer on the signal page and makes the dry run readable. A signal no rule
  matches stays with the triage of its region (every region's triage sees its signals through policy).
- **The Signaaltafel is a mark, not a status.** The workflow has no step new → at_table, and triage has a
  deadline that a rule should not silently meet: the routing records "agenderen voor de Signaaltafel", and the
  region's triage moves the signal to the table as before.
- The facts read here are operational only (place, forms, urgency, minor flags, hard-indicator count, reporter
  type): never the description or who the people are. The dry run shows no more than that.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from keten.accounts.roles import OrganisationType
from keten.intake.models import (
    PUBLIC_GUIDE_REPORTER,
    ExploitationForm,
    IndicatorKind,
    MinorCondition,
    RoutingAction,
    RoutingRule,
    Signal,
    Urgency,
)
from keten.regions.models import Region


@dataclass(frozen=True)
class SignalFacts:
    """What routing may look at. `minor`: True when a person is (presumably) a minor, False when one is known
    and none is, None when nobody could tell."""

    reference: str
    municipality_code: str
    municipality_name: str
    region_ids: frozenset[int]
    forms: tuple[str, ...]
    minor: bool | None
    hard_indicators: int
    urgency: str
    reporter_type: str

    @property
    def form_labels(self) -> list[str]:
        return [str(ExploitationForm(form).label) for form in self.forms]

    @property
    def urgency_label(self) -> str:
        return str(Urgency(self.urgency).label)


@dataclass(frozen=True)
class RoutingDecision:
    rule: RoutingRule | None
    reasons: tuple[str, ...]
    actions: tuple[str, ...]

    @property
    def reason_text(self) -> str:
        return "; ".join(self.reasons)


def _reporter_label(code: str) -> str:
    if code == PUBLIC_GUIDE_REPORTER:
        return _("de Aanmeldwijzer")
    return str(OrganisationType(code).label)


def match(rule: RoutingRule, facts: SignalFacts) -> tuple[str, ...] | None:
    """The reasons the rule applies (one per condition it has), or None when a condition fails."""
    reasons = []
    if rule.municipality_id:
        if rule.municipality_id != facts.municipality_code:
            return None
        reasons.append(_("gemeente {name}").format(name=facts.municipality_name))
    if rule.region_id:
        if rule.region_id not in facts.region_ids:
            return None
        reasons.append(_("gemeente {name} valt in {layer} {region}").format(
            name=facts.municipality_name, layer=rule.region.layer.get_kind_display().lower(),
            region=rule.region.name))
    if rule.forms:
        common = [form for form in facts.forms if form in rule.forms]
        if not common:
            return None
        reasons.append(", ".join(str(ExploitationForm(form).label).lower() for form in common))
    if rule.minor == MinorCondition.YES:
        if facts.minor is not True:
            return None
        reasons.append(_("minderjarige betrokken"))
    elif rule.minor == MinorCondition.NO:
        if facts.minor is True:
            return None
        reasons.append(_("geen minderjarige gemeld"))
    if rule.min_hard_indicators:
        if facts.hard_indicators < rule.min_hard_indicators:
            return None
        reasons.append(_("{count} harde signalen ≥ {minimum}").format(count=facts.hard_indicators,
                                                                        minimum=rule.min_hard_indicators))
    if rule.urgencies:
        if facts.urgency not in rule.urgencies:
            return None
        reasons.append(_("urgentie: {urgency}").format(urgency=facts.urgency_label.lower()))
    if rule.reporter_types:
        if facts.reporter_type not in rule.reporter_types:
            return None
        reasons.append(_("gemeld via {reporter}").format(reporter=_reporter_label(facts.reporter_type)))
    return tuple(reasons) or (_("regel zonder voorwaarden: geldt voor elk signaal"),)


def evaluate(rules: Iterable[RoutingRule], facts: SignalFacts) -> RoutingDecision:
    """The first active rule (by position) that matches; a decision without rule when none does."""
    for rule in sorted((r for r in rules if r.is_active), key=lambda r: (r.position, r.name)):
        reasons = match(rule, facts)
        if reasons is not None:
            return RoutingDecision(rule, reasons, tuple(rule.actions))
    return RoutingDecision(None, (_("geen regel past: het signaal blijft bij de triage van de regio"),), ())


# --- Reading the facts (the only database access here) ----------------------------------------------------------


def _regions_of(codes) -> dict[str, set[int]]:
    """The regions (of every layer) that hold each of these municipalities, in one query."""
    regions: dict[str, set[int]] = {}
    for code, region_id in Region.municipalities.through.objects.filter(
            municipality_id__in=codes).values_list("municipality_id", "region_id"):
        regions.setdefault(code, set()).add(region_id)
    return regions


def facts_of(ids: Sequence) -> list[SignalFacts]:
    """The routing facts of the signals with these ids, in this order, in a fixed number of queries."""
    loaded = {s.pk: s for s in Signal.objects.filter(pk__in=ids).select_related(
        "municipality", "reporter_organisation").prefetch_related("forms", "people", "indicators__indicator")}
    regions = _regions_of({s.municipality_id for s in loaded.values()})
    return [_facts(signal, frozenset(regions.get(signal.municipality_id, ())),
                   forms=[form.form for form in signal.forms.all()], indicators=signal.indicators.all(),
                   minors=[person.is_minor for person in signal.people.all()])
            for signal in (loaded[pk] for pk in ids)]


def _facts(signal: Signal, region_ids: frozenset[int], *, forms, indicators, minors) -> SignalFacts:
    minors = list(minors)
    return SignalFacts(
        reference=signal.reference,
        municipality_code=signal.municipality_id,
        municipality_name=signal.municipality.name,
        region_ids=region_ids,
        forms=tuple(sorted(forms)),
        minor=True if True in minors else (False if False in minors else None),
        hard_indicators=sum(1 for version in indicators if version.indicator.kind == IndicatorKind.HARD),
        urgency=signal.urgency,
        reporter_type=(signal.reporter_organisation.type if signal.reporter_organisation_id
                       else PUBLIC_GUIDE_REPORTER),
    )


def active_rules() -> list[RoutingRule]:
    return list(RoutingRule.objects.filter(is_active=True).select_related("municipality", "region__layer"))


def recent_signal_ids(limit: int) -> list:
    """The last `limit` signals registered, for the dry run."""
    return list(Signal.objects.order_by("-created_at").values_list("pk", flat=True)[:limit])


def describe(rule: RoutingRule) -> str:
    """A rule's conditions in one line of Dutch, for the list of rules and the dry run."""
    parts = []
    if rule.municipality_id:
        parts.append(_("gemeente {name}").format(name=rule.municipality.name))
    if rule.region_id:
        parts.append(_("{layer} {name}").format(layer=rule.region.layer.get_kind_display(), name=rule.region.name))
    if rule.forms:
        parts.append(_(" of ").join(str(ExploitationForm(f).label).lower() for f in rule.forms))
    if rule.minor:
        parts.append(str(MinorCondition(rule.minor).label).lower())
    if rule.min_hard_indicators:
        parts.append(_("ten minste {count} harde signalen").format(count=rule.min_hard_indicators))
    if rule.urgencies:
        parts.append(_("urgentie {which}").format(which=_(" of ").join(
            str(Urgency(u).label).lower() for u in rule.urgencies)))
    if rule.reporter_types:
        parts.append(_("gemeld via {which}").format(which=_(" of ").join(map(_reporter_label, rule.reporter_types))))
    return "; ".join(parts) if parts else _("elk signaal")


def action_labels(actions: Iterable[str]) -> list[str]:
    return [str(RoutingAction(code).label) for code in actions if code in RoutingAction.values]
