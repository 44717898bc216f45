"""The verdict on a link, posted from the dossier page: two signals (do not) belong together, with a reason. The
verdict wins over the engine from the next run on; the dossier itself is people's own and stays as it is."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from keten.accounts.actor import Actor
from keten.accounts.permissions import deny, role_required
from keten.core.errors import DomainError, PermissionDenied
from keten.signaltable.explanations import dossier_signal_pair
from keten.signaltable.models import Verdict
from keten.signaltable.selectors import TABLE_ROLES, dossier_for
from keten.signaltable.services import link_decision_record

at_the_table = role_required(*TABLE_ROLES)
MAX_REASON_CHARS = 1000


class LinkVerdictForm(forms.Form):
    signal_a = forms.UUIDField(widget=forms.HiddenInput)
    signal_b = forms.UUIDField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(label=gettext_lazy("Uw oordeel"), choices=Verdict.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": gettext_lazy("Kies of de signalen bij elkaar horen."),
                                                "invalid_choice": gettext_lazy("Kies of de signalen bij elkaar "
                                                                               "horen.")})
    reason = forms.CharField(label=gettext_lazy("Reden"), max_length=MAX_REASON_CHARS,
                             error_messages={"required": gettext_lazy("Geef een reden voor het oordeel."),
                                             "max_length": gettext_lazy("Geef de reden in hoogstens "
                                                                        "%(limit_value)d tekens.")})


def _back(dossier):
    return redirect(reverse("signaltable:dossier", kwargs={"dossier_id": dossier.pk}) + "#dossier-links")


@require_POST
@at_the_table
def link_verdict(request, dossier_id):
    actor = Actor.of(request.membership)
    dossier = dossier_for(actor=actor, dossier_id=dossier_id)
    if dossier is None:
        raise Http404
    form = LinkVerdictForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(dossier)
    data = form.cleaned_data
    pair = dossier_signal_pair(dossier, data["signal_a"], data["signal_b"])
    if pair is None:
        messages.error(request, _("Kies twee signalen die in dit dossier zitten."))
        return _back(dossier)
    signal_a, signal_b = pair
    try:
        link_decision_record(actor=actor, signal_a=signal_a, signal_b=signal_b, verdict=data["verdict"],
                             reason=data["reason"])
    except PermissionDenied as error:
        return deny(request, error.message)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(dossier)
    if data["verdict"] == Verdict.SAME:
        messages.success(request, _("Uw oordeel is vastgelegd: {a} en {b} horen bij elkaar. De bundeling houdt zich "
                                    "daar aan zodra zij opnieuw draait.").format(a=signal_a.reference,
                                                                              b=signal_b.reference))
    else:
        page = reverse("signaltable:dossier", kwargs={"dossier_id": dossier.pk})
        messages.success(request, format_html(
            _("Uw oordeel is vastgelegd: {a} en {b} horen niet bij elkaar. De bundeling houdt zich daaraan zodra "
              "zij opnieuw draait; dit dossier blijft zoals het is. <a class=\"utrecht-link\" href=\"{remove_a}\">"
              "{a} uit het dossier halen</a> of <a class=\"utrecht-link\" href=\"{remove_b}\">{b} uit het dossier "
              "halen</a>."),
            a=signal_a.reference, b=signal_b.reference, remove_a=f"{page}#remove-reason-{signal_a.pk}",
            remove_b=f"{page}#remove-reason-{signal_b.pk}"))
    return _back(dossier)
