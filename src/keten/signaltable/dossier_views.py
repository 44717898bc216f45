"""Pages of the Signaaltafel's dossiers: the region's open dossiers, one dossier as the table sees it (aliases,
masked entities, its network picture, timeline and actions), the picture on its own, and revealing an identity
for a stated purpose."""

from django import forms
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from keten.accounts.actor import Actor
from keten.accounts.permissions import deny, role_required
from keten.accounts.reauth import fresh_login_required
from keten.core.clock import today
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.signaltable.dossier_selectors import dossier_cast, dossier_view
from keten.signaltable.explanations import dossier_links
from keten.signaltable.models import ActionStatus, MeetingStatus
from keten.signaltable.network import network_svg, ties
from keten.signaltable.reveals import REASON_LIMIT, reveal, reveal_purposes, why_no_reveal
from keten.signaltable.selectors import TABLE_ROLES, dossier_for, dossiers_visible, meetings_visible
from keten.signaltable.summary import summaries

table_pages = role_required(*TABLE_ROLES)
LIST_LIMIT = 100


def _actor(request) -> Actor:
    return Actor.of(request.membership)


def _dossier_or_404(request, dossier_id):
    dossier = dossier_for(actor=_actor(request), dossier_id=dossier_id)
    if dossier is None:
        raise Http404
    return dossier


@require_GET
@table_pages
def dossier_list(request):
    on = today()
    found = list(dossiers_visible(actor=_actor(request)).annotate(
        open_actions=Count("actions", filter=Q(actions__status=ActionStatus.OPEN), distinct=True),
        overdue_actions=Count("actions", filter=Q(actions__status=ActionStatus.OPEN, actions__due_on__lt=on),
                              distinct=True),
    )[:LIST_LIMIT + 1])
    by_id = summaries(found[:LIST_LIMIT])
    return render(request, "signaltable/dossier_list.html", {
        "dossiers": [(dossier, by_id[dossier.pk]) for dossier in found[:LIST_LIMIT]],
        "more": len(found) > LIST_LIMIT, "limit": LIST_LIMIT})


def _network(view) -> str:
    # Built with ElementTree from masked labels only: every text in it is escaped (keten.signaltable.network).
    return mark_safe(network_svg(view, id_prefix=f"netwerk-{view.dossier.reference}"))  # noqa: S308


@require_GET
@table_pages
def dossier_detail(request, dossier_id):
    actor = _actor(request)
    dossier = _dossier_or_404(request, dossier_id)
    try:
        view = dossier_view(actor=actor, dossier=dossier)
    except PermissionDenied as error:
        return deny(request, error.message)
    return render(request, "signaltable/dossier_detail.html", {
        "view": view, "dossier": dossier, "dossier_signals": view.readable_signals, "network": _network(view),
        "ties": ties(view), "may_reveal": bool(reveal_purposes(actor)), "links": dossier_links(actor, dossier)})


@require_GET
@table_pages
def dossier_network(request, dossier_id):
    """The picture as an image of its own (to save or print); read and audited as the page is."""
    dossier = _dossier_or_404(request, dossier_id)
    try:
        view = dossier_view(actor=_actor(request), dossier=dossier)
    except PermissionDenied as error:
        return deny(request, error.message)
    response = HttpResponse(network_svg(view), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


class RevealForm(forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("Wie of wat wilt u onthullen?"),
                               error_messages={"required": gettext_lazy("Kies een persoon of een gegeven."),
                                               "invalid_choice": gettext_lazy("Kies een persoon of een gegeven.")})
    purpose = forms.ChoiceField(label=gettext_lazy("Voor welk doel?"),
                                help_text=gettext_lazy("Een taak van uw eigen organisatie, buiten de tafel."),
                                error_messages={"required": gettext_lazy("Kies het doel."),
                                                "invalid_choice": gettext_lazy("Kies het doel.")})
    meeting = forms.ChoiceField(label=gettext_lazy("Tijdens welk overleg (niet verplicht)?"), required=False,
                                help_text=gettext_lazy("Dan staat de onthulling in de bijlage bij het verslag voor "
                                                       "de voorzitter."))
    reason = forms.CharField(label=gettext_lazy("Waarom hebt u de identiteit nodig?"), max_length=REASON_LIMIT,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": gettext_lazy("Zeg waarom u de identiteit nodig hebt.")})

    def __init__(self, *args, targets=(), purposes=(), meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("Kies")), *targets]
        self.fields["purpose"].choices = [("", _("Kies")), *((p.value, p.label) for p in purposes)]
        self.fields["meeting"].choices = [("", _("Geen overleg")), *(
            (str(m.pk), m.scheduled_at.strftime("%d-%m-%Y %H:%M")) for m in meetings)]


def _targets(view) -> list:
    """The form's choices as the page shows them: aliases and masked entities of the signals the actor reads."""
    people = [(f"persoon:{p.letters}", p.alias) for p in view.people if p.identified]
    entities = [(f"gegeven:{e.key}", e.name) for e in view.entities]
    return people + entities


def _target_values(cast) -> list:
    """Every choice the dossier holds (the service asks policy about the one chosen), without reading values."""
    return ([(f"persoon:{p.letters}", p.letters) for p in cast.people if p.subject_id]
            + [(f"gegeven:{e.key}", e.key) for e in cast.entities])


def _resolve(cast, value: str) -> dict | None:
    """The subject or entity a form's choice stands for: aliases and keys, never ids, travel in the form."""
    kind, _sep, key = (value or "").partition(":")
    if kind == "persoon":
        person = cast.person(key)
        if person and person.subject_id:
            return {"subject": person.appearances[0].subject}
    elif kind == "gegeven":
        found = cast.entity(key)
        if found:
            return {"entity": found.entities[0]}
    return None


@require_http_methods(["GET", "POST"])
@table_pages
@fresh_login_required(only_post=True)
def dossier_reveal(request, dossier_id):
    """GET: the form (or, for a role that may reveal nothing, why not). POST: reveal, and show the identity once
    on the result page; the reveal is audited by the service, the masked page around the form only on GET or when
    the form comes back with an error."""
    actor = _actor(request)
    dossier = _dossier_or_404(request, dossier_id)
    purposes = reveal_purposes(actor)
    meetings = list(meetings_visible(actor=actor).filter(items__dossier=dossier)
                    .exclude(status=MeetingStatus.CLOSED)) if purposes else []
    context = {"dossier": dossier, "purposes": purposes, "why_not": "" if purposes else why_no_reveal(actor)}
    form = RevealForm(purposes=purposes, meetings=meetings)
    if request.method == "POST":
        cast = dossier_cast(dossier)
        target = _resolve(cast, request.POST.get("target", ""))
        if not purposes:
            # Nothing this role may state: refused whatever was posted (and audited by the service).
            try:
                if target is not None:
                    reveal(actor, dossier, **target, purpose=request.POST.get("purpose", ""),
                           reason=request.POST.get("reason", ""))
            except (PermissionDenied, ValidationFailed) as error:
                return deny(request, error.message)
            return deny(request, why_no_reveal(actor))
        form = RevealForm(request.POST, targets=_target_values(cast), purposes=purposes, meetings=meetings)
        if form.is_valid():
            data = form.cleaned_data
            meeting = next((m for m in meetings if str(m.pk) == data["meeting"]), None)
            try:
                revealed = reveal(actor, dossier, **target, purpose=data["purpose"], reason=data["reason"],
                                  meeting=meeting)
            except PermissionDenied as error:
                return deny(request, error.message)
            except ValidationFailed as error:
                form.add_error(None, error.message)
            else:
                return render(request, "signaltable/dossier_reveal.html", {**context, "revealed": revealed})
    try:
        view = dossier_view(actor=actor, dossier=dossier)
    except PermissionDenied as error:
        return deny(request, error.message)
    form.fields["target"].choices = [("", _("Kies")), *_targets(view)]
    return render(request, "signaltable/dossier_reveal.html", {**context, "view": view, "form": form},
                  status=400 if form.errors else 200)
