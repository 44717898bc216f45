"""Pages for the changes people make to dossiers: a new dossier by hand, add or remove a signal, merge two dossiers,
split one. Each posts from the dossier page and returns there with a message; a refusal changes nothing."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keten.accounts.actor import Actor
from keten.accounts.permissions import deny, role_required
from keten.core.errors import DomainError, PermissionDenied
from keten.signaltable import dossier_services as services
from keten.signaltable.dossier_forms import (
    AddSignalForm,
    DossierCreateForm,
    MergeForm,
    RemoveSignalForm,
    SplitForm,
)
from keten.signaltable.selectors import TABLE_ROLES, dossier_for

at_the_table = role_required(*TABLE_ROLES)


def _actor(request) -> Actor:
    return Actor.of(request.membership)


def _dossier_or_404(request, dossier_id):
    dossier = dossier_for(actor=_actor(request), dossier_id=dossier_id)
    if dossier is None:
        raise Http404
    return dossier


def _back(dossier):
    return redirect("signaltable:dossier", dossier_id=dossier.pk)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _apply(request, dossier, form, change):
    """Run `change` (which returns the success message) with a valid form's data. Any refusal leaves the dossier
    as it was: a form or domain error is a message on the dossier page, policy's refusal the refusal page."""
    if not form.is_valid():
        _form_errors(request, form)
        return _back(dossier)
    try:
        success = change(form.cleaned_data)
    except PermissionDenied as error:
        return deny(request, error.message)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return _back(dossier)


@require_POST
@at_the_table
def dossier_create(request):
    form = DossierCreateForm(request.POST, actor=_actor(request))
    if form.is_valid():
        try:
            dossier = services.dossier_create(actor=_actor(request), signals=form.cleaned_data["references"],
                                              reason=form.cleaned_data["reason"])
        except PermissionDenied as error:
            return deny(request, error.message)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Dossier {reference} is aangemaakt.").format(reference=dossier.reference))
            return _back(dossier)
    else:
        _form_errors(request, form)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = "signaltable:dossier-list"
    return redirect(back)


@require_POST
@at_the_table
def dossier_add_signal(request, dossier_id):
    dossier, actor = _dossier_or_404(request, dossier_id), _actor(request)

    def change(data):
        services.dossier_add_signal(actor=actor, dossier=dossier, signal=data["reference"], reason=data["reason"],
                                    expected_version=data["version"])
        return _("Signaal {signal} is toegevoegd.").format(signal=data["reference"].reference)

    return _apply(request, dossier, AddSignalForm(request.POST, actor=actor), change)


@require_POST
@at_the_table
def dossier_remove_signal(request, dossier_id):
    dossier, actor = _dossier_or_404(request, dossier_id), _actor(request)

    def change(data):
        services.dossier_remove_signal(actor=actor, dossier=dossier, signal=data["signal"], reason=data["reason"],
                                       expected_version=data["version"])
        return _("Signaal {signal} is uit het dossier gehaald; de bundeling zet het er niet opnieuw in.").format(
            signal=data["signal"].reference)

    return _apply(request, dossier, RemoveSignalForm(request.POST, actor=actor, dossier=dossier), change)


@require_POST
@at_the_table
def dossier_merge(request, dossier_id):
    dossier, actor = _dossier_or_404(request, dossier_id), _actor(request)

    def change(data):
        services.dossier_merge(actor=actor, dossier=dossier, other=data["reference"], reason=data["reason"],
                               expected_version=data["version"])
        return _("Dossier {other} is samengevoegd met dit dossier.").format(other=data["reference"].reference)

    return _apply(request, dossier, MergeForm(request.POST, actor=actor), change)


@at_the_table
def dossier_split(request, dossier_id):
    dossier = _dossier_or_404(request, dossier_id)
    actor = _actor(request)
    data = request.POST if request.method == "POST" else None
    form = SplitForm(data, actor=actor, dossier=dossier, initial={"version": dossier.version})
    if data is not None and form.is_valid():
        try:
            new = services.dossier_split(actor=actor, dossier=dossier, signals=form.cleaned_data["signals"],
                                         reason=form.cleaned_data["reason"],
                                         expected_version=form.cleaned_data["version"])
        except PermissionDenied as error:
            return deny(request, error.message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("De gekozen signalen staan nu in het nieuwe dossier {reference}.").format(
                reference=new.reference))
            return _back(dossier)
    return render(request, "signaltable/dossier_split.html", {"dossier": dossier, "form": form},
                  status=400 if form.errors else 200)
