"""Pages of the ondergrens (minimum standard): the public monitor with its map data and export, and the pages
where the national functional administrator keeps the norms. The monitor is steering information without
personal data, so like the coverage page it needs no login."""


from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from keten.accounts.actor import Actor
from keten.accounts.permissions import role_required
from keten.accounts.roles import Role
from keten.core.downloads import csv_download
from keten.core.errors import DomainError
from keten.socialmap import ondergrens, services
from keten.socialmap.ondergrens import Status
from keten.socialmap.ondergrens_forms import CriterionForm, ProvinceFilterForm

national_admin_only = role_required(Role.FUNCTIONAL_ADMIN, national=True)


@require_GET
def monitor(request):
    evaluation = ondergrens.evaluate_standard()
    form = ProvinceFilterForm(request.GET or None,
                              provinces=[(province.code, province.name) for province in evaluation.provinces])
    chosen = form.chosen()
    return render(request, "socialmap/ondergrens.html", {
        "evaluation": evaluation,
        "form": form,
        "chosen": evaluation.province(chosen) if chosen else None,
        "shown": [evaluation.province(chosen)] if chosen else evaluation.provinces,
        "norms": [(criterion, ondergrens.criterion_description(criterion)) for criterion in evaluation.criteria],
    })


def _municipality_url(page: str, municipality: ondergrens.MunicipalityResult) -> str:
    return f"{page}?provincie={municipality.province_code}#gemeente-{municipality.code}"


@require_GET
def monitor_map(request):
    """Status per municipality for the map component (socialmap/includes/map.html)."""
    evaluation = ondergrens.evaluate_standard()
    page = reverse("socialmap:ondergrens")
    shown = [Status.GOOD, Status.PARTIAL, Status.GAP] + ([] if evaluation.criteria else [Status.UNKNOWN])
    return JsonResponse({
        "legend": [{"status": status.value, "label": str(status.label)} for status in shown],
        "municipalities": {
            municipality.code: {"status": municipality.status.value, "label": municipality.summary,
                                "url": _municipality_url(page, municipality),
                                "link_label": _("De normen van {name}").format(name=municipality.name)}
            for municipality in evaluation.municipalities
        },
    })


@require_GET
def monitor_export(request):
    """The monitor as a spreadsheet: CSV with a byte-order mark and semicolons, as Dutch Excel reads it."""
    return csv_download("ondergrens.csv", ondergrens.export_rows(ondergrens.evaluate_standard()))


# --- Keeping the norms (national functional administrator) ------------------------------------------------


@national_admin_only
def criterion_list(request):
    criteria = ondergrens.all_criteria()
    return render(request, "socialmap/ondergrens_criteria.html", {
        "norms": [(criterion, ondergrens.criterion_description(criterion)) for criterion in criteria],
    })


@national_admin_only
def criterion_create(request):
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            criterion = services.criterion_create(actor=Actor.of(request.membership), **form.values())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Norm ‘{label}’ is toegevoegd.").format(label=criterion.label))
            return redirect("socialmap:ondergrens-criteria")
    return render(request, "socialmap/ondergrens_criterion_form.html", {"form": form, "criterion": None})


@national_admin_only
def criterion_edit(request, criterion_id):
    criterion = ondergrens.criterion_by_id(criterion_id)
    if criterion is None:
        raise Http404
    form = CriterionForm(request.POST or None, criterion=criterion)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_update(actor=Actor.of(request.membership), criterion=criterion,
                                      expected_version=form.cleaned_data["version"], **form.values())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Norm ‘{label}’ is opgeslagen.").format(label=criterion.label))
            return redirect("socialmap:ondergrens-criteria")
    return render(request, "socialmap/ondergrens_criterion_form.html", {"form": form, "criterion": criterion})
