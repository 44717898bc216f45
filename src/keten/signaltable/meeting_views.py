"""Pages of the Signaaltafel's meetings: the list, scheduling one, the agenda, one agenda item with its assessment,
decisions and actions, updating an action, and asking for a dossier at the next meeting."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from keten.accounts.actor import Actor
from keten.accounts.permissions import deny, role_required
from keten.core.errors import ConcurrentUpdate, DomainError, PermissionDenied, ValidationFailed
from keten.core.forms import after_refusal, is_conflict, with_current_version
from keten.signaltable import meeting_selectors as selectors
from keten.signaltable import meeting_services as services
from keten.signaltable.agenda import proposal
from keten.signaltable.meeting_forms import (
    ActionForm,
    ActionUpdateForm,
    AgendaForm,
    AgendaRequestForm,
    AssessmentForm,
    DecisionForm,
    MeetingForm,
    ParticipantsForm,
)
from keten.signaltable.models import Assessment, MeetingStatus
from keten.signaltable.selectors import CHAIR_ROLES, TABLE_ROLES, dossier_for, meeting_for

table_pages = role_required(*TABLE_ROLES)
chair_pages = role_required(*CHAIR_ROLES)


def _actor(request) -> Actor:
    return Actor.of(request.membership)


def _meeting_or_404(request, meeting_id):
    meeting = meeting_for(actor=_actor(request), meeting_id=meeting_id)
    if meeting is None:
        raise Http404
    return meeting


@require_http_methods(["GET"])
@table_pages
def meeting_list(request):
    upcoming, past = selectors.meetings_of(actor=_actor(request))
    sections = [
        {"key": "upcoming", "meetings": upcoming, "heading": _("Gepland en bezig"),
         "caption": _("Geplande overleggen, eerstvolgende eerst"), "empty": _("Geen geplande overleggen.")},
        {"key": "past", "meetings": past, "heading": _("Afgerond"),
         "caption": _("Afgeronde overleggen, laatste eerst"), "empty": _("Nog geen afgeronde overleggen.")},
    ]
    return render(request, "signaltable/meeting_list.html", {
        "sections": sections, "may_schedule": request.membership.role in CHAIR_ROLES})


@require_http_methods(["GET", "POST"])
@chair_pages
def meeting_create(request):
    actor = _actor(request)
    if actor.membership.region_id is None:
        return deny(request, _("Een overleg hoort bij de Signaaltafel van een regio; uw rol heeft geen regio."))
    candidates = selectors.participant_candidates(actor.membership.region).exclude(pk=actor.membership.pk)
    if request.method == "GET":
        form = MeetingForm(candidates=candidates, initial={"participants": list(candidates)})
        return render(request, "signaltable/meeting_form.html", {"form": form})
    form = MeetingForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            meeting = services.meeting_schedule(actor=actor, scheduled_at=form.cleaned_data["scheduled_at"],
                                                place=form.cleaned_data["place"],
                                                participants=form.cleaned_data["participants"])
        except PermissionDenied as error:
            return deny(request, error.message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Het overleg is gepland en de deelnemers zijn uitgenodigd."))
            return redirect("signaltable:meeting", meeting_id=meeting.pk)
    return render(request, "signaltable/meeting_form.html", {"form": form}, status=400)


@require_http_methods(["GET", "POST"])
@chair_pages
def meeting_participants(request, meeting_id):
    """The chair invites more people, or fewer, until the meeting is closed."""
    actor, meeting = _actor(request), _meeting_or_404(request, meeting_id)
    candidates = selectors.participant_candidates(meeting.region).exclude(pk=meeting.chair_id)
    if request.method == "GET":
        form = ParticipantsForm(candidates=candidates, initial={"participants": list(meeting.participants.all())})
        return render(request, "signaltable/meeting_participants.html", {"form": form, "meeting": meeting})
    form = ParticipantsForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            services.meeting_update_participants(actor=actor, meeting=meeting,
                                                 participants=form.cleaned_data["participants"])
        except PermissionDenied as error:
            return deny(request, error.message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("De deelnemers zijn bijgewerkt."))
            return redirect("signaltable:meeting", meeting_id=meeting.pk)
    return render(request, "signaltable/meeting_participants.html", {"form": form, "meeting": meeting}, status=400)


def _meeting_page(request, meeting, *, form=None, error="", status=200):
    actor = _actor(request)
    view = selectors.meeting_view(actor=actor, meeting=meeting)
    on_agenda = {item.dossier.pk for item in view.items}
    proposed = [p for p in proposal(meeting) if p.dossier.pk not in on_agenda] if view.chair else []
    return render(request, "signaltable/meeting_detail.html", {
        "view": view, "meeting": meeting, "form": form or AgendaForm(), "error": error, "proposed": proposed,
        "open": meeting.status != MeetingStatus.CLOSED}, status=status)


@require_http_methods(["GET"])
@table_pages
def meeting_detail(request, meeting_id):
    return _meeting_page(request, _meeting_or_404(request, meeting_id))


def _agenda_step(actor: Actor, meeting, data) -> str:
    action = data["action"]
    if action == "propose":
        added = services.agenda_propose(actor=actor, meeting=meeting)
        return _("{count} dossier(s) op de agenda gezet.").format(count=len(added))
    if action == "add":
        dossier = selectors.dossier_by_reference(actor=actor, reference=data["reference"])
        if dossier is None:
            raise ValidationFailed(_("Geen open dossier met dit kenmerk gevonden dat u aan de tafel kunt zien."))
        services.agenda_add(actor=actor, meeting=meeting, dossier=dossier)
        return _("Dossier {reference} staat op de agenda.").format(reference=dossier.reference)
    if action == "start":
        services.meeting_start(actor=actor, meeting=meeting)
        return _("Het overleg is begonnen.")
    if action == "close":
        services.meeting_close(actor=actor, meeting=meeting)
        return _("Het overleg is afgerond.")
    item = selectors.item_for(meeting, data["item"]) if data["item"] else None
    if item is None:
        raise ValidationFailed(_("Dit agendapunt hoort niet bij dit overleg."))
    if action == "move":
        services.agenda_move(actor=actor, item=item, direction=data["direction"])
        return _("Agendapunt verplaatst.")
    services.agenda_remove(actor=actor, item=item)
    return _("Agendapunt verwijderd.")


@require_POST
@chair_pages
def meeting_agenda(request, meeting_id):
    meeting = _meeting_or_404(request, meeting_id)
    form = AgendaForm(request.POST)
    if not form.is_valid():
        return _meeting_page(request, meeting, form=form, error=_("Deze handeling is onbekend."), status=400)
    try:
        done = _agenda_step(_actor(request), meeting, form.cleaned_data)
    except PermissionDenied as error:
        return deny(request, error.message)
    except DomainError as error:
        return _meeting_page(request, _meeting_or_404(request, meeting_id), form=form, error=error.message,
                             status=409 if isinstance(error, ConcurrentUpdate) else 400)
    messages.success(request, done)
    return redirect("signaltable:meeting", meeting_id=meeting.pk)


def _item_forms(meeting, view, bound=None) -> dict:
    """The three forms of an item page, each with ids of its own; a form that failed keeps what was typed."""
    assessment = view.assessment
    initial = {"version": assessment.version, "indication": assessment.indication, "forms": assessment.forms,
               "severity": assessment.severity, "notes": view.notes.text if view.notes else "",
               "minor": {True: "yes", False: "no"}.get(assessment.minor_involved, "unknown")} if assessment else {}
    organisations, people = selectors.owner_choices(meeting)
    forms = {
        "assess": AssessmentForm(initial=initial, auto_id="assess-%s"),
        "decide": DecisionForm(regions=selectors.hand_over_regions(meeting), auto_id="decide-%s"),
        "act": ActionForm(organisations=organisations, people=people, decisions=view.item.decisions.all(),
                          auto_id="act-%s"),
    }
    if bound is not None:
        forms[bound[0]] = bound[1]
    return forms


def _bound_form(action, data, meeting, item):
    organisations, people = selectors.owner_choices(meeting)
    if action == "assess":
        return AssessmentForm(data, auto_id="assess-%s")
    if action == "decide":
        return DecisionForm(data, regions=selectors.hand_over_regions(meeting), auto_id="decide-%s")
    if action == "act":
        return ActionForm(data, organisations=organisations, people=people, decisions=item.decisions.all(),
                          auto_id="act-%s")
    return None


def _item_page(request, meeting, item, *, failed=None, status=200):
    view = selectors.item_view(actor=_actor(request), item=item)
    chair = request.membership.role in CHAIR_ROLES and meeting.chair_id == request.membership.pk
    return render(request, "signaltable/agenda_item.html", {
        "meeting": meeting, "view": view, "item": item, "chair": chair,
        "action_tables": [(view.actions, _("Acties van dit agendapunt")),
                          (view.earlier_actions, _("Openstaande acties uit eerdere overleggen"))],
        "open": meeting.status != MeetingStatus.CLOSED,
        "forms": _item_forms(meeting, view, failed) if chair else {}, "failed": failed and failed[1]},
        status=status)


def _item_step(actor, item, action, data, form) -> str:
    if action == "assess":
        # Notes the chair may not read back are not shown in the form: left empty, they stay as they are.
        keep = not data["notes"] and not selectors.notes_readable(actor=actor, dossier=item.dossier)
        services.assessment_record(actor=actor, item=item, indication=data["indication"], forms=data["forms"],
                                   severity=data["severity"], minor_involved=form.minor_involved(),
                                   notes=None if keep else data["notes"], expected_version=data["version"])
        return _("De weging is vastgelegd.")
    if action == "decide":
        services.decision_record(actor=actor, item=item, kind=data["kind"], rationale=data["rationale"],
                                 review_on=data["review_on"], hand_over_to=data["hand_over_to"])
        return _("Het besluit is vastgelegd.")
    owner = data["owner_membership"]
    services.action_create(actor=actor, item=item, description=data["description"],
                           owner_organisation=data["owner_organisation"], owner_membership=owner,
                           due_on=data["due_on"], decision=data["decision"])
    return _("De actie is vastgelegd en de eigenaar is op de hoogte gebracht.")


@require_http_methods(["GET", "POST"])
@table_pages
def agenda_item(request, meeting_id, item_id):
    meeting = _meeting_or_404(request, meeting_id)
    item = selectors.item_for(meeting, item_id)
    if item is None:
        raise Http404
    if request.method == "GET":
        return _item_page(request, meeting, item)
    action = request.POST.get("action", "")
    form = _bound_form(action, request.POST, meeting, item)
    if form is None:
        return deny(request, _("Deze handeling is onbekend."))
    if request.membership.role not in CHAIR_ROLES or meeting.chair_id != request.membership.pk:
        return deny(request, _("Alleen de voorzitter van dit overleg kan dit doen."))
    if not form.is_valid():
        return _item_page(request, meeting, item, failed=(action, form), status=400)
    try:
        done = _item_step(_actor(request), item, action, form.cleaned_data, form)
    except PermissionDenied as error:
        return deny(request, error.message)
    except DomainError as error:
        item = selectors.item_for(meeting, item_id)
        stored = Assessment.objects.filter(item=item).values_list("version", flat=True).first()
        if action == "assess" and is_conflict(error, posted_version=form.cleaned_data["version"],
                                               stored_version=stored):
            # The page shows the weighing stored now above the form; what the chair typed stays in it.
            form = with_current_version(AssessmentForm, request.POST, stored, auto_id="assess-%s")
            return _item_page(request, meeting, item, failed=(action, form), status=409)
        form.add_error(None, error.message)
        return _item_page(request, meeting, item, failed=(action, form),
                          status=409 if isinstance(error, ConcurrentUpdate) else 400)
    messages.success(request, done)
    return redirect("signaltable:agenda-item", meeting_id=meeting.pk, item_id=item.pk)


@require_http_methods(["GET", "POST"])
@table_pages
def action_update(request, action_id):
    actor = _actor(request)
    action = selectors.action_for(actor=actor, action_id=action_id)
    if action is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = ActionUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.action_update(actor=actor, action=action, status=form.cleaned_data["status"],
                                       outcome=form.cleaned_data["outcome"],
                                       expected_version=form.cleaned_data["version"])
            except PermissionDenied as error:
                return deny(request, error.message)
            except DomainError as error:
                # A lost race keeps what was typed, against the version stored now, shown above the form.
                action = selectors.action_for(actor=actor, action_id=action_id)
                form, status = after_refusal(error, form, ActionUpdateForm, request.POST,
                                             stored_version=action.version)
            else:
                messages.success(request, _("De actie is bijgewerkt."))
                return redirect("signaltable:action-update", action_id=action.pk)
        else:
            status = 400
    view = selectors.action_view(actor=actor, action=action)
    if request.method == "GET":
        form = ActionUpdateForm(initial={"version": action.version, "status": action.status,
                                         "outcome": view.outcome.text})
    return render(request, "signaltable/action_form.html", {"view": view, "action": action, "form": form},
                  status=status)


@require_POST
@table_pages
def dossier_request(request, dossier_id):
    actor = _actor(request)
    dossier = dossier_for(actor=actor, dossier_id=dossier_id)
    if dossier is None:
        raise Http404
    form = AgendaRequestForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(form.errors["reason"][0])
        services.agenda_request(actor=actor, dossier=dossier, reason=form.cleaned_data["reason"])
    except PermissionDenied as error:
        return deny(request, error.message)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Gevraagd: de voorzitter ziet het dossier bij het voorstel voor de agenda."))
    return redirect("signaltable:dossier", dossier_id=dossier.pk)
