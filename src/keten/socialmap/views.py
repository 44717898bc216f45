"""Public pages of the social map: search by place with "Wie bel ik?" on top, and the coverage of care
coordination per province. No login: front-desk staff without an account use them, so they show only what is
public (never a shelter address)."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from keten.socialmap import selectors
from keten.socialmap.forms import SearchForm

#: Page links shown around the current page (besides the first and the last).
PAGE_WINDOW = 2


def page_numbers(number: int, num_pages: int) -> list[int | None]:
    """The page links to show: 1 … 4 5 [6] 7 8 … 20, with None for a gap."""
    wanted = {1, num_pages, *range(number - PAGE_WINDOW, number + PAGE_WINDOW + 1)}
    shown = sorted(n for n in wanted if 1 <= n <= num_pages)
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


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
