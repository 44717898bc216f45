"""Pages of referrals: refer a presumed victim (also from a signal), the lists of one's own (drafts too) and of
the coordination one works for, one referral with the coordinator's steps, completing and sending a draft.
Services check and write, selectors read and audit; these views translate."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from keten.accounts.actor import Actor
from keten.accounts.permissions import deny, role_required
from keten.accounts.roles import Role
from keten.core.errors import DomainError, PermissionDenied, ValidationFailed
from keten.core.forms import after_refusal
from keten.intake import selectors as intake_selectors
from keten.intake.services import REGISTERING_ROLES
from keten.policy.purposes import default_purpose
from keten.referrals import selectors, services
from keten.referrals.forms import ReferralForm, SendForm, StepForm
from keten.referrals.models import ReferralStatus

referring = role_required(*REGISTERING_ROLES)
handling = role_required(*services.HANDLING_ROLES)
LIST_LIMIT = 50


def _actor(request) -> Actor:
    return Actor.of(request.membership)


def _purpose(request) -> str:
    return default_purpose(request.membership.role)


@require_GET
@referring
def referral_list(request):
    actor = _actor(request)
    visible = selectors.referrals_visible(actor=actor, purpose=_purpose(request))
    held = (selectors.for_organisation(visible, actor.organisation)
            if actor.role in services.HANDLING_ROLES else visible.none())
    return render(request, "referrals/list.html", {
        "held": held[:LIST_LIMIT], "sent": selectors.sent_by(visible, actor.organisation)[:LIST_LIMIT],
        "drafts": selectors.drafts_of(visible, actor.organisation)[:LIST_LIMIT],
        "is_handler": actor.role in services.HANDLING_ROLES,
    })


def _signal_initial(request, signal_id) -> dict:
    """What a referral from a signal starts with: its municipality and forms (a signal out of reach: nothing)."""
    signal = intake_selectors.signal_for(actor=_actor(request), signal_id=signal_id, purpose=_purpose(request))
    if signal is None:
        return {}
    return {"signal": signal.pk, "municipality": signal.municipality.name,
            "forms": list(signal.forms.values_list("form", flat=True))}


@referring
def referral_create(request):
    data = request.POST if request.method == "POST" else None
    initial = _signal_initial(request, request.GET["signaal"]) if "signaal" in request.GET and data is None else {}
    form = ReferralForm(data, initial=initial)
    if data is not None and form.is_valid():
        values, actor = dict(form.cleaned_data), _actor(request)
        public_id, signal_id = values.pop("known_person"), values.pop("signal")
        subject = None
        if public_id:
            subject, _consent = intake_selectors.known_person(actor=actor, public_id=public_id,
                                                              purpose=_purpose(request))
            if subject is None:
                form.add_error("known_person", _("U kunt geen persoon met dit kenmerk zien. Kijk het kenmerk na op "
                                                 "de pagina Personen."))
        signal = (intake_selectors.signal_for(actor=actor, signal_id=signal_id, purpose=_purpose(request))
                  if signal_id else None)
        if not form.errors:
            try:
                referral = services.referral_create(actor=actor, subject=subject, signal=signal, **values)
            except PermissionDenied as error:
                return deny(request, error.message)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Aanmelding {reference} is verstuurd naar {coordinator}.").format(
                    reference=referral.reference, coordinator=referral.coordinator.name))
                return redirect("referrals:detail", referral_id=referral.pk)
    return render(request, "referrals/create.html", {"form": form}, status=400 if form.errors else 200)


def _referral_or_404(request, referral_id):
    referral = selectors.referral_for(actor=_actor(request), referral_id=referral_id, purpose=_purpose(request))
    if referral is None:
        raise Http404
    return referral


def _send_form(referral, view) -> SendForm:
    """A draft's form, starting from what the draft holds (the situation only where this reader may see it)."""
    return SendForm(initial={"contact": referral.contact, "urgency": referral.urgency, "needs": referral.needs,
                             "situation": view.situation or ""})


def _detail(request, referral, *, failed: StepForm | None = None, send_form: SendForm | None = None,
            status: int = 200):
    actor = _actor(request)
    view = selectors.referral_view(actor=actor, referral=referral, purpose=_purpose(request))
    holds = actor.role in services.HANDLING_ROLES and actor.organisation.pk == referral.coordinator_id
    open_ = referral.status in (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED) and not referral.transfer_to_id
    is_draft = referral.status == ReferralStatus.DRAFT
    can_send = is_draft and actor.organisation.pk == referral.referring_organisation_id
    return render(request, "referrals/detail.html", {
        "view": view, "referral": referral, "failed": failed, "is_draft": is_draft, "can_send": can_send,
        "send_form": (send_form or _send_form(referral, view)) if can_send else None,
        # Shown even when the form is not (someone else sent the draft meanwhile): the user learns why.
        "send_errors": send_form.non_field_errors() if send_form is not None else (),
        "can_register": actor.role == Role.REGISTRATION_OFFICER and not is_draft,
        "can_acknowledge": holds and referral.status == ReferralStatus.SENT,
        "can_decide": holds and open_,
        "can_take_over": actor.role in services.HANDLING_ROLES and actor.organisation.pk == referral.transfer_to_id,
        "transfer_targets": selectors.transfer_targets(referral) if holds and open_ else (),
        "decline_form": failed if failed is not None and failed.data.get("action") == "decline" else StepForm(),
    }, status=status)


@require_GET
@referring
def referral_detail(request, referral_id):
    return _detail(request, _referral_or_404(request, referral_id))


def _take_step(actor: Actor, referral, data: dict) -> None:
    action, version = data["action"], data["version"]
    if action == "acknowledge":
        services.referral_acknowledge(actor=actor, referral=referral, expected_version=version)
    elif action == "decline":
        services.referral_decline(actor=actor, referral=referral, reason=data["reason"], note=data["note"],
                                  expected_version=version)
    elif action == "transfer":
        to = selectors.transfer_targets(referral).filter(pk=data["to"]).first()
        if to is None:
            raise ValidationFailed(_("Kies een andere zorgcoördinatie om aan over te dragen."))
        services.referral_transfer(actor=actor, referral=referral, to=to, note=data["note"],
                                   expected_version=version)
    else:
        services.referral_take_over(actor=actor, referral=referral, expected_version=version)


@require_POST
@handling
def referral_step(request, referral_id):
    referral = _referral_or_404(request, referral_id)
    form = StepForm(request.POST)
    if not form.is_valid():
        return _detail(request, referral, failed=form, status=400)
    data, actor = form.cleaned_data, _actor(request)
    try:
        _take_step(actor, referral, data)
    except PermissionDenied as error:
        return deny(request, error.message)
    except DomainError as error:
        # Read again: a refused step may have changed the referral in memory, never the stored one.
        referral = _referral_or_404(request, referral_id)
        form, status = after_refusal(error, form, StepForm, request.POST, stored_version=referral.version)
        return _detail(request, referral, failed=form, status=status)
    messages.success(request, _("Aanmelding {reference}: {status}.").format(
        reference=referral.reference, status=referral.get_status_display()))
    return redirect("referrals:detail", referral_id=referral.pk)


@require_POST
@referring
def referral_send(request, referral_id):
    """Complete a draft and send it to the coordinator; a refused or stale send keeps what was typed."""
    referral = _referral_or_404(request, referral_id)
    form = SendForm(request.POST)
    if not form.is_valid():
        return _detail(request, referral, send_form=form, status=400)
    data = form.cleaned_data
    try:
        services.referral_send(actor=_actor(request), referral=referral, contact=data["contact"],
                               urgency=data["urgency"], needs=data["needs"], situation=data["situation"],
                               expected_version=data["version"])
    except PermissionDenied as error:
        return deny(request, error.message)
    except DomainError as error:
        # Read again: a refused send may have changed the referral in memory, never the stored one.
        referral = _referral_or_404(request, referral_id)
        form, status = after_refusal(error, form, SendForm, request.POST, stored_version=referral.version)
        return _detail(request, referral, send_form=form, status=status)
    messages.success(request, _("Aanmelding {reference} is verstuurd naar {coordinator}.").format(
        reference=referral.reference, coordinator=referral.coordinator.name))
    return redirect("referrals:detail", referral_id=referral.pk)
