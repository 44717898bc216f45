"""Pages of the kennisbank: start and search, the definitions, who does what, the care-coordinator role and the
chain per region. No login: front-desk staff without an account use them too; all content is public."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from keten.accounts.roles import Role
from keten.knowledge import selectors
from keten.knowledge.forms import MunicipalityForm, SearchForm
from keten.knowledge.models import OrganisationProfile
from keten.regions.selectors import municipality_by_code


def can_edit(request) -> bool:
    """Whether the page offers its edit link: the national functional administrator (the edit pages check again)."""
    membership = request.membership
    return membership is not None and membership.role == Role.FUNCTIONAL_ADMIN and membership.is_national


@require_GET
def index(request):
    editor = can_edit(request)
    return render(request, "knowledge/index.html", {
        "search_form": SearchForm(), "municipality_form": MunicipalityForm(), "can_edit": editor,
        "overdue_count": sum(record.is_overdue for record in selectors.all_content()) if editor else 0,
    })


@require_GET
def search(request):
    form = SearchForm(request.GET or None)
    hits = selectors.search(form.cleaned_data["q"]) if form.is_bound and form.is_valid() else None
    return render(request, "knowledge/search.html", {"form": form, "hits": hits})


@require_GET
def term_list(request):
    terms = selectors.terms()
    groups = [(kind, [term for term in terms if term.kind == kind]) for kind in
              (selectors.TermKind.DEFINITION, selectors.TermKind.FORM, selectors.TermKind.BASIS)]
    return render(request, "knowledge/term_list.html", {"groups": groups})


@require_GET
def term_detail(request, slug):
    term = selectors.term_by_slug(slug)
    if term is None:
        raise Http404
    context = {"term": term, "can_edit": can_edit(request)}
    if slug == "indicator":
        context["indicator_groups"] = selectors.indicator_groups()
    if term.kind == selectors.TermKind.BASIS:
        code = slug.removeprefix("grondslag-").replace("-", "_")
        context["profiles"] = [p for p in selectors.profiles() if code in p.legal_bases]
    return render(request, "knowledge/term_detail.html", context)


@require_GET
def profile_list(request):
    return render(request, "knowledge/profile_list.html", {
        "profiles": selectors.profiles(), "destinations": selectors.routing_destinations()})


@require_GET
def profile_detail(request, code):
    profile = selectors.profile_by_code(code)
    if profile is None:
        raise Http404
    return render(request, "knowledge/profile_detail.html", {
        "profile": profile, "bases": selectors.legal_bases(profile.legal_bases), "can_edit": can_edit(request),
        "routed_here": [label for label, target in selectors.routing_destinations()
                        if isinstance(target, OrganisationProfile) and target.pk == profile.pk],
    })


@require_GET
def care_coordinator(request):
    role = selectors.role_profile()
    if role is None:
        raise Http404
    return render(request, "knowledge/care_coordinator.html", {
        "role": role, "rows": selectors.coordinators_per_region(), "can_edit": can_edit(request)})


@require_GET
def region_list(request):
    form = MunicipalityForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("knowledge:municipality", code=form.cleaned_data["gemeente"].code)
    return render(request, "knowledge/region_list.html", {
        "form": form, "regions": selectors.care_coordination_regions()})


@require_GET
def region_detail(request, code):
    region = selectors.care_coordination_region(code)
    if region is None:
        raise Http404
    return render(request, "knowledge/region_detail.html", {
        "chain": selectors.region_chain(region), "role": selectors.role_profile(), "can_edit": can_edit(request)})


@require_GET
def municipality(request, code):
    """From any municipality to the page of its care-coordination region."""
    found = municipality_by_code(code)
    if found is None:
        raise Http404
    region = selectors.region_of(found)
    if region is None:
        return render(request, "knowledge/no_region.html", {"municipality": found}, status=404)
    return redirect("knowledge:region", code=region.code)
