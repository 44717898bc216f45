"""Pages of trajectories: one's own and the region's that need attention, starting one by accepting a referral,
and one trajectory with its timeline, care plan, ZRM chart and the steps its owner takes."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from keten.accounts.actor import Actor
from keten.accounts.permissions import deny, role_required
from keten.accounts.roles import Role
from keten.core.clock import today
from keten.core.errors import DomainError, PermissionDenied, ValidationFailed
from keten.core.forms import is_conflict, with_current_version
from keten.policy.purposes import default_purpose
from keten.referrals import selectors as referral_selectors
from keten.trajectories import selectors, services
from keten.trajectories.forms import StepForm

#: Who works with trajectories: their owners, and the police, who adds justice events in its region.
TRAJECTORY_ROLES = frozenset({*selectors.HOLDING_ROLES, Role.POLICE_INVESTIGATOR})
trajectory_pages = role_required(*TRAJECTORY_ROLES)
holding = role_required(*selectors.HOLDING_ROLES)
LIST_LIMIT = 100


def _actor(request) -> Actor:
    return Actor.of(request.membership)


def _purpose(request) -> str:
    return default_purpose(request.membership.role)


@require_GET
@trajectory_pages
def trajectory_list(request):
    actor = _actor(request)
    visible = selectors.trajectories_visible(actor=actor, purpose=_purpose(request))
    mine = selectors.with_alerts(visible.filter(owner=actor.organisation)[:LIST_LIMIT])
    region = [] if actor.role != Role.CARE_COORDINATOR else [
        (t, alerts) for t, alerts in selectors.with_alerts(visible.exclude(owner=actor.organisation)[:LIST_LIMIT])
        if alerts]
    return render(request, "trajectories/list.html", {
        "mine": mine, "offered": visible.filter(handover_to=actor.organisation)[:LIST_LIMIT], "region": region})


@require_POST
@holding
def trajectory_start(request, referral_id):
    actor = _actor(request)
    referral = referral_selectors.referral_for(actor=actor, referral_id=referral_id, purpose=_purpose(request))
    if referral is None:
        raise Http404
    try:
        trajectory = services.trajectory_start(actor=actor, referral=referral,
                                               expected_version=int(request.POST.get("version", -1)))
    except PermissionDenied as error:
        return deny(request, error.message)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("referrals:detail", referral_id=referral.pk)
    messages.success(request, _("Aanmelding aangenomen: traject {reference} is gestart.").format(
        reference=trajectory.reference))
    return redirect("trajectories:detail", trajectory_id=trajectory.pk)


def _trajectory_or_404(request, trajectory_id):
    trajectory = selectors.trajectory_for(actor=_actor(request), trajectory_id=trajectory_id,
                                          purpose=_purpose(request))
    if trajectory is None:
        raise Http404
    return trajectory


#: The step forms a page shows; each renders with ids of its own, so one page holds them all.
PAGE_FORMS = ("note", "phase", "zrm", "goal", "reflection", "reflection_outcome", "close", "reopen", "placement")


UNVERSIONED_STEPS = frozenset({"note", "zrm", "goal", "placement", "placement_end"})


def _step_form(action: str, data=None, *, version: int | None = None) -> StepForm:
    """The form of one step; with `version`, the one that lost a race, bound to what was typed against the version
    stored now (the page shows the trajectory as stored now)."""
    if version is not None:
        return with_current_version(StepForm, data, version, initial={"day": today()}, auto_id=f"{action}-%s")
    return StepForm(data, initial={"day": today()}, auto_id=f"{action}-%s")


def _stored_version(trajectory, data: dict) -> int | None:
    """The version a step's form carries: a goal's own for a goal's status, the trajectory's for any other. Steps
    that only add something (a note, a goal) check no version, so they cannot lose a race."""
    if data["action"] in UNVERSIONED_STEPS:
        return data["version"]
    if data["action"] == "goal_status":
        goal = selectors.goal_of(trajectory, data["goal"])
        return goal.version if goal is not None else None
    return trajectory.version


def _step_forms(failed: StepForm | None) -> dict[str, StepForm]:
    forms = {action: _step_form(action) for action in PAGE_FORMS}
    if failed is not None and failed.data.get("action") in forms:
        forms[failed.data["action"]] = failed
    return forms


def _detail(request, trajectory, *, failed: StepForm | None = None, status: int = 200):
    actor = _actor(request)
    view = selectors.trajectory_view(actor=actor, trajectory=trajectory, purpose=_purpose(request))
    owns = actor.role in selectors.HOLDING_ROLES and actor.organisation.pk == trajectory.owner_id
    return render(request, "trajectories/detail.html", {
        "view": view, "trajectory": trajectory, "owns": owns, "failed": failed, "today": today(),
        "forms": _step_forms(failed),
        "may_take_over": actor.role in selectors.HOLDING_ROLES and actor.organisation.pk == trajectory.handover_to_id,
        "placement_services": selectors.placement_services() if owns else (),
        "handover_targets": selectors.handover_targets(trajectory) if owns else (),
    }, status=status)


@require_GET
@trajectory_pages
def trajectory_detail(request, trajectory_id):
    return _detail(request, _trajectory_or_404(request, trajectory_id))


def _organisation(pk):
    organisation = selectors.organisation_for(pk)
    if organisation is None:
        raise ValidationFailed(_("Kies een organisatie."))
    return organisation


def _required(value, message):
    if value in (None, ""):
        raise ValidationFailed(message)
    return value


def _take_step(actor: Actor, trajectory, form: StepForm) -> None:
    data, version = form.cleaned_data, form.cleaned_data["version"]
    action = data["action"]
    common = {"actor": actor, "trajectory": trajectory}
    if action == "phase":
        services.phase_set(**common, phase=data["phase"], expected_version=version)
    elif action == "reflection":
        services.reflection_start(**common, start=_required(data["day"], _("Vul de begindatum in.")),
                                  expected_version=version)
    elif action == "reflection_outcome":
        services.reflection_conclude(**common, outcome=data["outcome"], expected_version=version)
    elif action == "note":
        services.note_add(**common, kind=data["kind"], text=data["text"])
    elif action == "handover":
        services.handover_request(**common, to=_organisation(data["to"]), expected_version=version)
    elif action == "handover_accept":
        services.handover_accept(**common, expected_version=version)
    elif action == "handover_withdraw":
        services.handover_withdraw(**common, expected_version=version)
    elif action == "zrm":
        services.zrm_record(**common, assessed_on=_required(data["day"], _("Vul de datum van de meting in.")),
                            scores=form.zrm_scores())
    elif action == "goal":
        services.goal_add(**common, text=data["text"], owner=_organisation(data["to"]),
                          due_on=_required(data["day"], _("Vul de streefdatum in.")))
    elif action == "goal_status":
        goal = selectors.goal_of(trajectory, data["goal"])
        if goal is None:
            raise ValidationFailed(_("Dit doel hoort niet bij dit traject."))
        services.goal_set_status(actor=actor, goal=goal, status=data["goal_status"], expected_version=version)
    elif action == "placement":
        service = selectors.placement_services().filter(pk=data["service"]).first() if data["service"] else None
        if service is None:
            raise ValidationFailed(_("Kies een voorziening uit de sociale kaart."))
        services.placement_add(**common, service=service,
                               start_on=_required(data["day"], _("Vul de begindatum in.")))
    elif action == "placement_end":
        placement = selectors.placement_of(trajectory, data["placement"])
        if placement is None:
            raise ValidationFailed(_("Deze plaatsing hoort niet bij dit traject."))
        services.placement_end(actor=actor, placement=placement,
                               end_on=_required(data["day"], _("Vul de einddatum in.")))
    elif action == "close":
        services.trajectory_close(**common, reason=data["reason"], contact_attempts=data["attempts"] or 0,
                                  expected_version=version)
    else:
        services.trajectory_reopen(**common, why=data["text"], expected_version=version)


@require_POST
@trajectory_pages
def trajectory_step(request, trajectory_id):
    trajectory = _trajectory_or_404(request, trajectory_id)
    form = _step_form(request.POST.get("action", ""), request.POST)
    if not form.is_valid():
        return _detail(request, trajectory, failed=form, status=400)
    try:
        _take_step(_actor(request), trajectory, form)
    except PermissionDenied as error:
        return deny(request, error.message)
    except DomainError as error:
        # Read again: a refused step may have changed the object in memory, never the stored one.
        trajectory = _trajectory_or_404(request, trajectory_id)
        stored = _stored_version(trajectory, form.cleaned_data)
        if is_conflict(error, posted_version=form.cleaned_data["version"], stored_version=stored):
            form = _step_form(form.cleaned_data["action"], request.POST, version=stored)
            return _detail(request, trajectory, failed=form, status=409)
        form.add_error(None, error.message)
        return _detail(request, trajectory, failed=form, status=400)
    messages.success(request, _("Opgeslagen."))
    return redirect("trajectories:detail", trajectory_id=trajectory.pk)
