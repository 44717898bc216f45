"""The summary of dossiers the table reads first: where, which forms, how many hard and soft indicators, whether
a minor is involved, first and last signal. Operational facts only (no person, no description), so every
participant who may see the dossier sees its summary, and reading it is not a read of personal data."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max, Min, Q

from keten.intake.models import ExploitationForm, IndicatorKind, Signal, SignalForm, SignalPerson
from keten.signaltable.models import Dossier, DossierSignal


@dataclass
class DossierSummary:
    signals: int = 0
    municipalities: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    hard_indicators: int = 0
    soft_indicators: int = 0
    minors_involved: bool = False
    first_signal: date | None = None
    last_signal: date | None = None


def summaries(dossiers) -> dict:
    """dossier id → DossierSummary, in a fixed number of queries for any number of dossiers."""
    ids = [d.pk if isinstance(d, Dossier) else d for d in dossiers]
    found = {pk: DossierSummary() for pk in ids}
    members = DossierSignal.objects.filter(dossier_id__in=ids, is_active=True)
    signal_dossier = dict(members.values_list("signal_id", "dossier_id"))
    if not signal_dossier:
        return found
    signals = Signal.objects.filter(pk__in=signal_dossier).annotate(
        hard=Count("indicators", filter=Q(indicators__indicator__kind=IndicatorKind.HARD), distinct=True),
        soft=Count("indicators", filter=Q(indicators__indicator__kind=IndicatorKind.SOFT), distinct=True))
    places = defaultdict(set)
    for signal_id, place, observed, hard, soft in signals.values_list("pk", "municipality__name", "observed_on",
                                                                      "hard", "soft"):
        summary = found[signal_dossier[signal_id]]
        summary.signals += 1
        places[signal_dossier[signal_id]].add(place)
        summary.hard_indicators += hard
        summary.soft_indicators += soft
        summary.first_signal = min(filter(None, (summary.first_signal, observed)))
        summary.last_signal = max(filter(None, (summary.last_signal, observed)))
    forms = defaultdict(set)
    for signal_id, form in SignalForm.objects.filter(signal_id__in=signal_dossier).values_list("signal_id", "form"):
        forms[signal_dossier[signal_id]].add(form)
    minors = SignalPerson.objects.filter(signal_id__in=signal_dossier).filter(
        Q(is_minor=True) | Q(estimated_age__lt=18)).values_list("signal_id", flat=True)
    for signal_id in minors:
        found[signal_dossier[signal_id]].minors_involved = True
    order = {code: index for index, code in enumerate(ExploitationForm.values)}
    for pk, summary in found.items():
        summary.municipalities = sorted(places[pk])
        summary.forms = [str(ExploitationForm(code).label) for code in sorted(forms[pk], key=order.get)]
    return found


def dossier_summary(dossier: Dossier) -> DossierSummary:
    return summaries([dossier])[dossier.pk]


def first_and_last(dossier_ids) -> dict:
    """dossier id → (first, last) moment a signal joined it: what "new since the last meeting" looks at."""
    rows = (DossierSignal.objects.filter(dossier_id__in=dossier_ids, is_active=True).values("dossier_id")
            .annotate(first=Min("added_at"), last=Max("added_at")))
    return {row["dossier_id"]: (row["first"], row["last"]) for row in rows}
