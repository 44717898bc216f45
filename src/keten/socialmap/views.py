"""Pages of the social map: search by place with "Wie bel ik?" on top, and the coverage of care coordination per
province. No login: front-desk staff without an account use them, so they show only what is public. A logged-in
professional whom policy allows is offered, per shelter, to reveal its confidential address: one audited read."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from keten.accounts.actor import Actor
from keten.accounts.permissions import login_required
from keten.accounts.reauth import fresh_login_required
from keten.core.paging import page_numbers
from keten.socialmap import confidential, selectors
from keten.socialmap.forms import SearchForm


def _page_number(text: str | None) -> int:
    """The page asked for; anything odd means the first (a page past the end shows the last)."""
    return int(text) if text and text.isdigit() and 0 < len(text) < 6 else 1


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["place"]
        place = selectors.resolve_place(text)
        if place is None:
            form.add_error("place", _("We vinden geen gemeente of postcode ‘{text}’. Controleer de schrijfwijze, "
                                      "of probeer een postcode of de naam van de gemeente.").format(text=text))
        else:
            results = selectors.search_services(place, form.cleaned_data["radius"], form.filters(),
                                                page=_page_number(request.GET.get("page")))
            if request.membership is not None and results:
                revealable = confidential.revealable_locations(actor=Actor.of(request.membership),
                                                  service_ids=[hit.service.pk for hit in results])
                for hit in results:
                    hit.revealable = revealable.get(hit.service.pk, [])
            context.update({
                "place": place,
                "radius": form.cleaned_data["radius"],
                "results": results,
                "page_numbers": page_numbers(results.number, results.num_pages),
                "who_to_call": selectors.who_to_call(place.municipality) if place.municipality else None,
            })
    return render(request, "socialmap/search.html", context)


@require_GET
def coverage(request):
    provinces = selectors.coverage()
    municipality_count = sum(province.municipality_count for province in provinces)
    uncovered_count = sum(len(province.uncovered) for province in provinces)
    return render(request, "socialmap/coverage.html", {
        "provinces": provinces,
        "municipality_count": municipality_count,
        "covered_count": municipality_count - uncovered_count,
        "uncovered_count": uncovered_count,
    })


@require_GET
@login_required
@fresh_login_required
def confidential_location(request, location_id):
    """The address of one confidential location, if policy lets this professional see it; the look is audited
    either way. As a fragment for the search page's reveal button, or as a page without JavaScript."""
    location = confidential.confidential_location(location_id)
    if location is None:
        raise Http404
    seen = confidential.confidential_address(actor=Actor.of(request.membership), location=location)
    if request.headers.get("HX-Request"):
        # htmx swaps in only successful answers: a refusal is still an answer the professional must read.
        return render(request, "socialmap/includes/confidential_address.html", {"seen": seen})
    return render(request, "socialmap/confidential_address.html", {"seen": seen}, status=200 if seen.shown else 403)
