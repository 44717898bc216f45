"""Reads of the monitor on the Signaaltafel's work: the table's decisions per region × kind in the period, and its
actions still open per region (within their deadline or past it). Regions by the dossier's municipality. Counts of
decisions and actions, raw: keten.monitor.dashboard publishes them through keten.monitor.disclosure."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from keten.core.clock import today
from keten.intake.models import SignalForm
from keten.monitor.selectors import Counts, MonitorFilters, Scope, count_table, regions_in_scope
from keten.signaltable.models import ActionStatus, DecisionKind, DossierSignal, TableAction, TableDecision

ON_TIME, OVERDUE = "on_time", "overdue"


def _of_dossiers(records: QuerySet, scope: Scope, form: str) -> QuerySet:
    """Records whose dossier lies in scope and, with a form chosen, holds a signal that names it."""
    if not scope.national:
        records = records.filter(dossier__municipality_id__in=scope.municipalities)
    if form:
        named = SignalForm.objects.filter(signal_id=OuterRef("signal_id"), form=form)
        records = records.filter(Exists(DossierSignal.objects.filter(
            Exists(named), dossier_id=OuterRef("dossier_id"), is_active=True)))
    return records


def table_decisions(*, scope: Scope, filters: MonitorFilters) -> Counts:
    """Decisions taken in the period, per region of the layer × kind of decision."""
    start, end = filters.bounds
    decisions = _of_dossiers(TableDecision.objects.filter(decided_at__gte=start, decided_at__lt=end), scope,
                             filters.form)
    grouped = (decisions.order_by().values_list("dossier__municipality_id", "kind").annotate(count=Count("pk")))
    return count_table(regions_in_scope(scope=scope, layer=filters.layer), list(DecisionKind.choices), grouped)


def open_actions(*, scope: Scope, filters: MonitorFilters) -> Counts:
    """Actions open today per region × within their deadline or past it. The period does not apply: whether an
    action is open or overdue is only known as it is today."""
    on = today()
    actions = _of_dossiers(TableAction.objects.filter(status=ActionStatus.OPEN), scope, filters.form)
    grouped = [(municipality, category, count) for municipality, on_time, overdue in (
        actions.order_by().values_list("dossier__municipality_id")
        .annotate(on_time=Count("pk", filter=Q(due_on__gte=on)), overdue=Count("pk", filter=Q(due_on__lt=on))))
        for category, count in ((ON_TIME, on_time), (OVERDUE, overdue))]
    categories = [(ON_TIME, _("Open, binnen de termijn")), (OVERDUE, _("Open, over de termijn"))]
    return count_table(regions_in_scope(scope=scope, layer=filters.layer), categories, grouped)
