"""The live content of home-page panels: at most a handful of items per panel, each read through the app's own
selectors (so policy scopes it and the read is audited), newest or most urgent first."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.intake import selectors as intake
from keten.intake.workflow import AWAITING_TRIAGE
from keten.policy.purposes import default_purpose
from keten.referrals import selectors as referrals
from keten.referrals.models import ReferralStatus
from keten.trajectories import selectors as trajectories
from keten.trajectories.models import Phase

LIMIT = 5


@dataclass(frozen=True)
class PanelItem:
    label: str
    url: str


def _signal_item(signal) -> PanelItem:
    return PanelItem(_("{reference} — {municipality}, {status}").format(
        reference=signal.reference, municipality=signal.municipality.name, status=signal.get_status_display()),
        reverse("intake:signal-detail", args=[signal.pk]))


def _trajectory_item(trajectory, alerts) -> PanelItem:
    return PanelItem(_("{reference} — {phase}: {alerts}").format(
        reference=trajectory.reference, phase=trajectory.get_phase_display(),
        alerts="; ".join(alert.label for alert in alerts)) if alerts else
        _("{reference} — {phase}").format(reference=trajectory.reference, phase=trajectory.get_phase_display()),
        reverse("trajectories:detail", args=[trajectory.pk]))


def waiting_referrals(actor: Actor) -> list[PanelItem]:
    held = referrals.for_organisation(referrals.referrals_visible(actor=actor, purpose=default_purpose(actor.role)),
                                      actor.organisation)
    return [PanelItem(_("{reference} — {municipality}, {status}").format(
        reference=r.reference, municipality=r.municipality.name, status=r.get_status_display()),
        reverse("referrals:detail", args=[r.pk]))
        for r in held.filter(status__in=[ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED])[:LIMIT]]


def _own_trajectories(actor: Actor):
    visible = trajectories.trajectories_visible(actor=actor, purpose=default_purpose(actor.role))
    return trajectories.with_alerts(visible.filter(owner=actor.organisation).exclude(phase=Phase.CLOSED))


def trajectories_needing_attention(actor: Actor) -> list[PanelItem]:
    return [_trajectory_item(t, alerts) for t, alerts in _own_trajectories(actor) if alerts][:LIMIT]


def reflection_ending(actor: Actor) -> list[PanelItem]:
    return [_trajectory_item(t, [a for a in alerts if a.kind == "reflection"])
            for t, alerts in _own_trajectories(actor) if any(a.kind == "reflection" for a in alerts)][:LIMIT]


def own_trajectories(actor: Actor) -> list[PanelItem]:
    return [_trajectory_item(t, alerts) for t, alerts in _own_trajectories(actor)][:LIMIT]


def signals_awaiting_triage(actor: Actor) -> list[PanelItem]:
    visible = intake.signals_visible(actor=actor, purpose=default_purpose(actor.role))
    return [_signal_item(s) for s in visible.filter(status__in=AWAITING_TRIAGE).order_by("triage_due_at")[:LIMIT]]


def my_signals(actor: Actor) -> list[PanelItem]:
    visible = intake.signals_visible(actor=actor, purpose=default_purpose(actor.role))
    return [_signal_item(s) for s in visible.filter(reporter_membership=actor.membership)[:LIMIT]]


def open_registration_tasks(actor: Actor) -> list[PanelItem]:
    return [PanelItem(_("Signaal {reference} — {municipality}").format(
        reference=task.signal.reference, municipality=task.signal.municipality.name),
        reverse("intake:registration-task-list") + f"#taak-{task.pk}")
        for task in intake.registration_tasks(actor=actor) if task.is_open][:LIMIT]
