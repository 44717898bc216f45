"""Keeps keten.monitor.facts current: every write through a model's save, delete or many-to-many add that changes
what a signal counts as (the signal, its forms, hard indicators, steps, dossier and the table's decisions) marks
the signal's month × municipality stale, in the writer's transaction; so does a registration's insert_all
(keten.intake.batch), whose marks go in with its rows. Writes that send no signal (bulk_create, QuerySet.update,
SQL) are counted by the periodic full recount (ADR 0014)."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from keten.intake import batch
from keten.intake.models import Signal, SignalForm, SignalTransition
from keten.monitor import facts
from keten.signaltable.models import DossierSignal, TableDecision


@receiver(pre_save, sender=Signal, dispatch_uid="monitor_signal_moved")
def _signal_before(sender, instance: Signal, raw=False, **kwargs):
    """A signal that moves to another municipality (or month) leaves its old slice: mark that one too."""
    if raw or instance._state.adding:
        return
    facts.mark_signals(Signal.objects.filter(pk=instance.pk))


@receiver(post_save, sender=Signal, dispatch_uid="monitor_signal_saved")
@receiver(post_delete, sender=Signal, dispatch_uid="monitor_signal_deleted")
def _signal_changed(sender, instance: Signal, raw=False, **kwargs):
    if not raw:
        facts.mark([(instance.created_at, instance.municipality_id)])


@receiver(batch.inserting, dispatch_uid="monitor_rows_inserted")
def _rows_inserted(sender, groups, extra, **kwargs):
    """New signals mark their slice in the same round trip; new parts of signals written before mark theirs."""
    new, parts = {}, set()
    for group in groups:
        for row in group:
            if isinstance(row, Signal):
                new[row.pk] = (row.created_at, row.municipality_id)
            elif isinstance(row, SignalForm | SignalTransition | DossierSignal | Signal.indicators.through):
                parts.add(row.signal_id)
    extra.append(facts.stale_marks(new.values()))
    if parts - set(new):
        facts.mark_signals(Signal.objects.filter(pk__in=parts - set(new)))


@receiver(post_save, sender=SignalForm, dispatch_uid="monitor_form_saved")
@receiver(post_delete, sender=SignalForm, dispatch_uid="monitor_form_deleted")
@receiver(post_save, sender=SignalTransition, dispatch_uid="monitor_step_saved")
@receiver(post_save, sender=DossierSignal, dispatch_uid="monitor_dossier_signal_saved")
def _part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        facts.mark_signals(Signal.objects.filter(pk=instance.signal_id))


@receiver(m2m_changed, sender=Signal.indicators.through, dispatch_uid="monitor_indicators_changed")
def _indicators_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        facts.mark([(instance.created_at, instance.municipality_id)])
    elif pk_set:  # an indicator version given to or taken from signals
        facts.mark_signals(Signal.objects.filter(pk__in=pk_set))


@receiver(post_save, sender=TableDecision, dispatch_uid="monitor_decision_saved")
def _decision_made(sender, instance: TableDecision, raw=False, created=False, **kwargs):
    """A decision may be the first on a dossier: the lead time of every signal it holds can change."""
    if not raw and created:
        facts.mark_signals(Signal.objects.filter(pk__in=DossierSignal.objects.filter(
            dossier_id=instance.dossier_id, is_active=True).values("signal_id")))
