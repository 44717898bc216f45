"""Pages of the regions app: a national functional administrator views every layer and edits the
configurable ones (care coordination, signal tables)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.permissions import role_required
from keten.accounts.roles import Role
from keten.core.errors import DomainError
from keten.regions import selectors, services
from keten.regions.forms import RegionForm, RegionMembersForm
from keten.regions.models import RegionLayer

national_admin_only = role_required(Role.FUNCTIONAL_ADMIN, national=True)


def _layer_or_404(kind: str, *, editable: bool = False) -> RegionLayer:
    layer = selectors.layer_by_kind(kind)
    # A CBS layer has no edit pages at all: they come from the source data, not from Keten.
    if layer is None or (editable and not layer.configurable):
        raise Http404
    return layer


@national_admin_only
def layer_list(request):
    return render(request, "regions/layer_list.html", {"layers": selectors.layers()})


@national_admin_only
def layer_detail(request, kind):
    layer = _layer_or_404(kind)
    return render(request, "regions/layer_detail.html", {
        "layer": layer,
        "regions": selectors.regions_of_layer(layer),
        "uncovered": selectors.municipalities_without_region(layer),
    })


@national_admin_only
def region_create(request, kind):
    layer = _layer_or_404(kind, editable=True)
    form = RegionForm(request.POST or None)
    members_form = RegionMembersForm(request.POST or None, layer=layer)
    if request.method == "POST" and form.is_valid() and members_form.is_valid():
        try:
            change = services.region_create(actor=Actor.of(request.membership), layer=layer,
                                            name=form.cleaned_data["name"],
                                            municipalities=members_form.cleaned_data["municipalities"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            _report_change(request, change, _("Regio ‘{name}’ is aangemaakt."))
            return redirect("regions:layer-detail", kind=layer.kind)
    return render(request, "regions/region_form.html", {
        "layer": layer, "region": None, "form": form, "members_form": members_form,
    })


@national_admin_only
def region_edit(request, kind, code):
    layer = _layer_or_404(kind, editable=True)
    region = selectors.region_by_code(layer, code)
    if region is None:
        raise Http404
    form = RegionForm(request.POST or None, region=region)
    members_form = RegionMembersForm(request.POST or None, layer=layer, region=region)
    if request.method == "POST" and form.is_valid() and members_form.is_valid():
        try:
            change = services.region_update(
                actor=Actor.of(request.membership), region=region, name=form.cleaned_data["name"],
                municipalities=members_form.cleaned_data["municipalities"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            _report_change(request, change, _("Regio ‘{name}’ is opgeslagen."))
            return redirect("regions:layer-detail", kind=layer.kind)
    return render(request, "regions/region_form.html", {
        "layer": layer, "region": region, "form": form, "members_form": members_form,
    })



def _report_change(request, change: services.RegionChange, done: str) -> None:
    messages.success(request, done.format(name=change.region.name))
    for move in change.moved:
        messages.info(request, _("{municipality} is verplaatst van ‘{old}’ naar ‘{new}’.").format(
            municipality=move.municipality.name, old=move.from_region.name, new=change.region.name))
