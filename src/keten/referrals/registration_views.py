"""CoMensha's registrations: the year's list, registering (also from a referral or from a registration task's
signal), and the exports without direct identifiers. CoMensha's registration officers only."""

import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from keten.accounts.actor import Actor
from keten.accounts.permissions import deny, role_required
from keten.accounts.reauth import fresh_login_required
from keten.accounts.roles import OrganisationType, Role
from keten.core.clock import today
from keten.core.downloads import csv_download
from keten.core.errors import DomainError, PermissionDenied
from keten.intake import selectors as intake_selectors
from keten.policy.purposes import Purpose
from keten.referrals import selectors, services
from keten.referrals.registration_forms import RegistrationForm, YearForm

registrars = role_required(Role.REGISTRATION_OFFICER)

#: Keten's forms of exploitation as CoMensha codes them.
FORM_CODES = {"sexual": "seksuele_uitbuiting", "labour": "overige_arbeidsuitbuiting",
              "criminal": "criminele_uitbuiting", "organ_removal": "orgaanverwijdering", "unknown": "vorm_onbekend"}
#: Who reported, as CoMensha counts reporters.
REPORTER_CODES = {OrganisationType.POLICE_AVIM: "politie", OrganisationType.KMAR: "kmar",
                  OrganisationType.LABOUR_INSPECTORATE: "nla"}


def _actor(request) -> Actor:
    return Actor.of(request.membership)


def _year(request) -> int:
    form = YearForm(request.GET)
    return form.cleaned_data["jaar"] if form.is_valid() else today().year


@require_GET
@registrars
def registration_list(request):
    year = _year(request)
    try:
        found = selectors.registrations_of(actor=_actor(request), year=year)
    except PermissionDenied as error:
        return deny(request, error.message)
    return render(request, "referrals/registrations.html", {"registrations": found[:200], "year": year,
                                                            "total": found.count()})


def _initial(request) -> dict:
    """What a registration starts with when it comes from a referral or from a signal (its task)."""
    actor, initial = _actor(request), {"registered_on": today()}
    if "aanmelding" in request.GET:
        referral = selectors.referral_for(actor=actor, referral_id=request.GET["aanmelding"],
                                          purpose=Purpose.REGISTRATION)
        if referral is not None:
            initial |= {"referral": referral.pk, "municipality": referral.municipality.name,
                        "exploitation_form": FORM_CODES.get(next(iter(referral.forms), ""), ""),
                        "reporter_type": "zorgcoordinatie", "dossier_type": "registratie_opvang",
                        "known_person": referral.subject.public_id if referral.subject else ""}
    elif "signaal" in request.GET:
        signal = intake_selectors.signal_for(actor=actor, signal_id=request.GET["signaal"],
                                             purpose=Purpose.REGISTRATION)
        if signal is not None:
            form = signal.forms.values_list("form", flat=True).first() or ""
            reporter = signal.reporter_organisation.type if signal.reporter_organisation else ""
            initial |= {"municipality": signal.municipality.name, "exploitation_form": FORM_CODES.get(form, ""),
                        "reporter_type": REPORTER_CODES.get(reporter, "overige_instanties"),
                        "dossier_type": "registratie"}
    return initial


@registrars
def registration_create(request):
    data = request.POST if request.method == "POST" else None
    form = RegistrationForm(data, initial=_initial(request) if data is None else None)
    if data is not None and form.is_valid():
        actor, values = _actor(request), dict(form.cleaned_data)
        public_id, referral_id = values.pop("known_person"), values.pop("referral")
        subject = None
        if public_id:
            subject, _consent = intake_selectors.known_person(actor=actor, public_id=public_id,
                                                              purpose=Purpose.REGISTRATION)
            if subject is None:
                form.add_error("known_person", _("U kunt geen persoon met dit kenmerk zien."))
        referral = (selectors.referral_for(actor=actor, referral_id=referral_id, purpose=Purpose.REGISTRATION)
                    if referral_id else None)
        if not form.errors:
            try:
                made = services.registration_create(actor=actor, subject=subject, referral=referral, **values)
            except PermissionDenied as error:
                return deny(request, error.message)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Registratie {number} is vastgelegd.").format(number=made.number))
                return redirect("referrals:registration-list")
    return render(request, "referrals/registration_form.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@registrars
@fresh_login_required
def registration_export(request, file_format):
    """The year's dataset without direct identifiers, as CSV or JSON."""
    if file_format not in ("csv", "json"):
        raise Http404
    year = _year(request)
    rows = selectors.dataset(actor=_actor(request), year=year)
    if file_format == "json":
        response = HttpResponse(json.dumps({"year": year, "registrations": rows}, ensure_ascii=False, indent=1),
                                content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="comensha-registraties-{year}.json"'
        return response
    fields = selectors.EXPORT_FIELDS
    return csv_download(f"comensha-registraties-{year}.csv", [fields, *([row[key] for key in fields] for row in rows)])


@require_GET
@registrars
def registration_aggregate(request):
    """The yearly aggregate for the national rapporteur."""
    year = _year(request)
    rows = selectors.yearly_aggregate(actor=_actor(request), year=year)
    keys = ("year", *selectors.AGGREGATE_KEYS, "count")
    return csv_download(f"comensha-jaaroverzicht-{year}.csv", [keys, *([row[key] for key in keys] for row in rows)])
