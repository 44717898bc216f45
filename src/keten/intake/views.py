"""Pages of signals: a professional registers one, lists those policy lets them see (and the overdue ones of
their region), reads one and moves it through the workflow; and the public guide's minimal signal, left without
logging in. The services write and check, the selectors read and audit; these views translate."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from keten.accounts.actor import Actor
from keten.accounts.permissions import deny, role_required
from keten.audit.context import client_address_of
from keten.core.clock import now, today
from keten.core.errors import DomainError, PermissionDenied
from keten.core.forms import is_conflict, with_current_version
from keten.core.paging import page_numbers
from keten.intake import selectors, services, workflow
from keten.intake.deadlines import deadline_of
from keten.intake.forms import (
    ENTITY_ROWS,
    PERSON_ROWS,
    AttachmentForm,
    EntityForm,
    FilterForm,
    GuideSignalForm,
    PersonForm,
    SignalForm,
    TransitionForm,
)
from keten.intake.guide import EMERGENCY_NUMBER, POLICE_NUMBER
from keten.intake.models import IndicatorForm, PersonRole, Urgency
from keten.policy.bases import LEGAL_BASES
from keten.policy.purposes import default_purpose

signal_pages = role_required(*selectors.SIGNAL_ROLES)
registering = role_required(*services.REGISTERING_ROLES)
PAGE_SIZE = 25


def _actor(request) -> Actor:
    return Actor.of(request.membership)


def _emergency() -> dict:
    """112 and the police line, for a page that must show them when there is danger now."""
    return {"emergency_number": EMERGENCY_NUMBER, "police_number": POLICE_NUMBER}


# --- Registering ---------------------------------------------------------------------------------------------------


def _indicator_groups(catalogue) -> list[dict]:
    """The catalogue's current indicators grouped by the form they point to, then by theme (as the catalogue
    orders them), so a reporter finds the signs of labour exploitation together."""
    groups = []
    for form in IndicatorForm:
        themes = [(group.label, [v for v in group.versions if v.indicator.form == form]) for group in catalogue]
        themes = [(label, versions) for label, versions in themes if versions]
        if themes:
            groups.append({"form": form, "label": form.label, "themes": themes})
    return groups


#: Where an InvalidSignal of the service is shown: its field, or the section of the rows it concerns.
SECTION_OF = {"people": "people", "entities": "entities", "consent": "basis"}


@registering
def signal_create(request):
    catalogue = selectors.indicator_catalogue()
    codes = [version.indicator.code for group in catalogue for version in group.versions]
    data = request.POST if request.method == "POST" else None
    form = SignalForm(data, request.FILES if data is not None else None, indicator_codes=codes,
                      initial={"observed_on": today()})
    people = [PersonForm(data, prefix=f"persoon-{i}") for i in range(1, PERSON_ROWS + 1)]
    entities = [EntityForm(data, prefix=f"gegeven-{i}") for i in range(1, ENTITY_ROWS + 1)]
    section_errors: dict[str, str] = {}
    if data is not None and all([form.is_valid(), *(f.is_valid() for f in people + entities)]):
        values = dict(form.cleaned_data)
        involved = [row.person() for row in people if not row.is_empty()]
        public_id = values.pop("known_person")
        if public_id:
            subject, values["consent"] = selectors.known_person(actor=_actor(request), public_id=public_id,
                                                                purpose=default_purpose(request.membership.role))
            involved.insert(0, services.PersonInput(role=PersonRole.PRESUMED_VICTIM, subject=subject))
        try:
            if public_id and subject is None:
                raise services.InvalidSignal("known_person", _("U kunt geen persoon met dit kenmerk zien. Kijk het "
                                                               "kenmerk na op de pagina Personen."))
            signal = services.signal_register(
                actor=_actor(request), **values, people=involved,
                entities=[row.entity() for row in entities if row.entity()])
        except services.InvalidSignal as error:
            target = SECTION_OF.get(error.field, error.field)
            if target in form.fields:
                form.add_error(target, error.message)
            else:
                section_errors[target] = error.message
        except PermissionDenied as error:
            return deny(request, error.message)
        else:
            messages.success(request, _("Signaal {reference} is geregistreerd.").format(reference=signal.reference))
            if signal.urgency == Urgency.ACUTE:
                messages.warning(request, _("Acuut: is er nu direct gevaar, bel dan meteen 112."))
            return redirect("intake:signal-detail", signal_id=signal.pk)
    chosen = set(form["indicators"].value() or ())
    return render(request, "intake/signals/create.html", {
        "form": form, "people": people, "entities": entities, "section_errors": section_errors,
        "indicator_groups": _indicator_groups(catalogue), "chosen_indicators": chosen,
        "acute_hidden": form["urgency"].value() != Urgency.ACUTE, **_emergency(),
    })


# --- Lists ---------------------------------------------------------------------------------------------------------


def _rows(page) -> list[tuple]:
    moment = now()
    return [(signal, deadline_of(signal, at=moment)) for signal in page.object_list]


def _list_page(request, signals, *, overdue: bool, filter_form=None):
    page = Paginator(signals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "intake/signals/list.html", {
        "page": page, "rows": _rows(page), "page_numbers": page_numbers(page.number, page.paginator.num_pages),
        "filter_form": filter_form, "overdue": overdue,
        "region": request.membership.region, "can_register": request.membership.role in services.REGISTERING_ROLES,
    })


@require_GET
@signal_pages
def signal_list(request):
    actor = _actor(request)
    filter_form = FilterForm(request.GET)
    # visible_to first (in the selector), then the user's filter: a filter can only narrow.
    signals = selectors.signals_visible(actor=actor, purpose=default_purpose(actor.role)).filter(
        **filter_form.filters())
    return _list_page(request, signals, overdue=False, filter_form=filter_form)


@require_GET
@signal_pages
def signal_overdue(request):
    actor = _actor(request)
    signals = selectors.overdue_signals(actor=actor, purpose=default_purpose(actor.role),
                                        region=request.membership.region)
    return _list_page(request, signals, overdue=True)


# --- One signal ----------------------------------------------------------------------------------------------------


def _signal_or_404(request, signal_id):
    actor = _actor(request)
    signal = selectors.signal_for(actor=actor, signal_id=signal_id, purpose=default_purpose(actor.role))
    if signal is None:
        raise Http404
    return signal


def _transition_forms(request, signal, failed: TransitionForm | None = None) -> list[TransitionForm]:
    """A small form for each step this person may take from where the signal stands; the one that failed keeps
    what was typed and its error."""
    actor = _actor(request)
    targets = workflow.next_statuses(signal.status, actor.role,
                                     is_reporter=signal.reporter_organisation_id == actor.organisation.pk)
    return [failed if failed is not None and failed.target == target
            else TransitionForm(target=target, initial={"version": signal.version}) for target in targets]


def _detail(request, signal, *, failed: TransitionForm | None = None, attachment_form: AttachmentForm | None = None,
            status: int = 200):
    actor = _actor(request)
    view = selectors.signal_view(actor=actor, signal=signal, purpose=default_purpose(actor.role))
    steps = _transition_forms(request, signal, failed)
    if attachment_form is None and services.may_add_attachment(actor, signal):
        attachment_form = AttachmentForm()
    return render(request, "intake/signals/detail.html", {
        "view": view, "signal": signal, "basis": LEGAL_BASES.get(signal.basis), "transition_forms": steps,
        "attachment_form": attachment_form, "can_refer": actor.role in services.REGISTERING_ROLES,
        # A refused step the page does not offer (any more): its reason still has to be read.
        "step_errors": failed.non_field_errors() if failed is not None and failed not in steps else [],
        "show_emergency": signal.urgency == Urgency.ACUTE and view.deadline.running, **_emergency(),
    }, status=status)


@require_GET
@signal_pages
def signal_detail(request, signal_id):
    return _detail(request, _signal_or_404(request, signal_id))


@require_POST
@signal_pages
def signal_transition(request, signal_id):
    signal = _signal_or_404(request, signal_id)
    target = request.POST.get("to_status", "")
    if target not in workflow.Status.values:
        raise Http404
    form = TransitionForm(request.POST, target=target)
    if not form.is_valid():
        return _detail(request, signal, failed=form, status=400)
    data = form.cleaned_data
    try:
        services.signal_transition(actor=_actor(request), signal=signal, to_status=target,
                                   expected_version=data["version"], close_reason=data.get("close_reason", ""),
                                   referred_to=data.get("referred_to", ""), note=data["note"])
    except DomainError as error:
        signal = _signal_or_404(request, signal_id)
        if is_conflict(error, posted_version=data["version"], stored_version=signal.version):
            # The page shows the signal as stored now; the step keeps what was typed, against that version.
            form = with_current_version(TransitionForm, request.POST, signal.version, target=target)
            return _detail(request, signal, failed=form, status=409)
        form.add_error(None, error.message)
        status = 403 if isinstance(error, PermissionDenied) else 400
        return _detail(request, signal, failed=form, status=status)
    messages.success(request, _("Signaal {reference} staat nu op ‘{status}’.").format(
        reference=signal.reference, status=workflow.Status(target).label))
    return redirect("intake:signal-detail", signal_id=signal.pk)


# --- The public guide's minimal signal -----------------------------------------------------------------------------

#: The form is small: anything larger is not a person typing.
GUIDE_SIGNAL_MAX_BYTES = 16 * 1024


def _within_rate(request) -> bool:
    """Counts this attempt for the client's address (behind our proxy, the address it saw: keten.audit.context)
    and says whether it is within KETEN_GUIDE_SIGNAL_RATE. A fixed window per address in the shared cache, counted
    with add + incr; the key is a keyed hash of the address, never the address itself."""
    from django.core.cache import cache

    limit, window = settings.KETEN_GUIDE_SIGNAL_RATE
    address = salted_hmac("intake.guide-signal", client_address_of(request)).hexdigest()
    key = f"intake:guide-signal:{address}:{int(now().timestamp() // window)}"
    cache.add(key, 0, timeout=window)
    return cache.incr(key) <= limit


#: Where an InvalidSignal of the guide's service is shown; the rest (the hidden municipality) above the form.
GUIDE_FIELD_OF = {"forms": "noticed", "description": "text", "minor": "minor"}


def _guide_refusal(request, message: str, status: int):
    return render(request, "intake/signals/guide_refused.html", {"message": message}, status=status)


@require_POST
def guide_signal(request):
    """Stores a minimal signal for the region's triage and answers the same thank-you page whatever is there
    already: no reference, no count, nothing that tells one signal from another."""
    if not _within_rate(request):
        return _guide_refusal(request, _("U heeft het afgelopen uur al een aantal signalen achtergelaten. Probeer het "
                                         "later opnieuw, of bel de nummers van het advies."), 429)
    if int(request.META.get("CONTENT_LENGTH") or 0) > GUIDE_SIGNAL_MAX_BYTES:
        return _guide_refusal(request, _("Uw bericht is te groot. Houd het kort: een paar zinnen is genoeg."), 413)
    form = GuideSignalForm(request.POST)
    if form.is_valid():
        try:
            services.signal_register_from_guide(observed_on=today(), **form.signal_values())
        except services.InvalidSignal as error:
            form.add_error(GUIDE_FIELD_OF.get(error.field), error.message)
        else:
            return render(request, "intake/signals/guide_thanks.html", _emergency())
    return render(request, "intake/signals/guide_signal_page.html", {"signal_form": form}, status=400)


# --- Attachments ---------------------------------------------------------------------------------------------------


@require_POST
@signal_pages
def attachment_add(request, signal_id):
    signal = _signal_or_404(request, signal_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.attachment_add(actor=_actor(request), signal=signal, upload=form.cleaned_data["file"])
        except PermissionDenied as error:
            return deny(request, error.message)
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("Bijlage {name} is toegevoegd.").format(name=attachment.original_name))
            return redirect(reverse("intake:signal-detail", args=[signal.pk]) + "#bijlagen")
    return _detail(request, signal, attachment_form=form, status=400)


@require_GET
@signal_pages
def attachment_download(request, signal_id, attachment_id):
    """The file itself, as a download (never shown inline: a PDF or image from outside is not run in our origin),
    not kept in caches."""
    signal, actor = _signal_or_404(request, signal_id), _actor(request)
    try:
        attachment = selectors.attachment_for(actor=actor, signal=signal, attachment_id=attachment_id,
                                              purpose=default_purpose(actor.role))
    except PermissionDenied as error:
        return deny(request, error.message)
    if attachment is None:
        raise Http404
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- While registering --------------------------------------------------------------------------------------------


@require_GET
@registering
def entity_hint(request):
    """For the intake form, as a value is typed: whether it ties the new signal to signals this person may see.
    Answers with a sentence for the page (empty when there is nothing to say), never with the other signals."""
    actor = _actor(request)
    count = selectors.signals_sharing(actor=actor, purpose=default_purpose(actor.role),
                                      kind=request.GET.get("soort", ""), raw=request.GET.get("waarde", "")[:300])
    text = "" if not count else ngettext(
        "Dit gegeven komt voor in {count} ander signaal dat u mag zien: het kan om dezelfde situatie gaan.",
        "Dit gegeven komt voor in {count} andere signalen die u mag zien: het kan om dezelfde situatie gaan.",
        count).format(count=count)
    return JsonResponse({"count": count or 0, "text": text})
