"""The public map of the social map: the page with the same facts as a list below it, and the two documents its
map component reads (coverage per municipality, services as markers). No login: public data only, never a
shelter's own location."""

from urllib.parse import urlencode

from django import forms
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from keten.socialmap import mapping
from keten.socialmap.forms import term_choices
from keten.socialmap.selectors import SearchFilters
from keten.socialmap.taxonomy import SERVICE_TYPE


class MapFilterForm(forms.Form):
    """The service type to show, in the search form's vocabulary and GET parameter ("type")."""

    type = forms.ChoiceField(
        label=gettext_lazy("Soort hulp"), required=False,
        choices=[("", gettext_lazy("Alle soorten hulp")), *term_choices(SERVICE_TYPE)],
        error_messages={"invalid_choice": gettext_lazy("Kies een soort hulp uit de lijst.")},
    )

    def service_type(self) -> str:
        """The chosen type; "" for all, also when the query was not valid (the error says so)."""
        return self.cleaned_data.get("type", "") if self.is_bound and self.is_valid() else ""


def _filters(service_type: str) -> SearchFilters:
    return SearchFilters(service_types=(service_type,) if service_type else ())


@require_GET
def map_page(request):
    form = MapFilterForm(request.GET or None)
    service_type = form.service_type()
    services = mapping.services_on_map(_filters(service_type))
    provinces = mapping.coverage_map(services)
    markers_url = reverse("socialmap:map-services")
    if service_type:
        markers_url += "?" + urlencode({"type": service_type})
    municipality_count = sum(len(province.municipalities) for province in provinces)
    return render(request, "socialmap/map.html", {
        "form": form,
        "service_type": service_type,
        "provinces": provinces,
        "markers_url": markers_url,
        "municipality_count": municipality_count,
        "uncovered_count": sum(province.uncovered_count for province in provinces),
        "service_count": len({service.service_id for service in services}),
    })


@require_GET
def map_coverage(request):
    """Per municipality: covered by a care coordinator ("good") or not ("gap")."""
    return JsonResponse(mapping.coverage_status(mapping.coverage_map()))


@require_GET
def map_services(request):
    """The services at their public points, as GeoJSON; `?type=` narrows them as on the page."""
    form = MapFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return JsonResponse({"error": _("Kies een soort hulp uit de lijst.")}, status=400)
    service_type = form.service_type()
    return JsonResponse(mapping.markers_geojson(mapping.services_on_map(_filters(service_type)), service_type))
