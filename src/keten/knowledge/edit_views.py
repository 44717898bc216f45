"""Keeping the kennisbank: the national functional administrator sees what is due for review, edits content
(never silently over someone else's save) and reads its history."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.permissions import role_required
from keten.accounts.roles import Role
from keten.core.clock import today
from keten.core.errors import ConcurrentUpdate, DomainError
from keten.core.forms import stored_values, with_current_version
from keten.knowledge import selectors, services
from keten.knowledge.forms import ContentForm
from keten.knowledge.models import Definition, OrganisationProfile, RegionNote, Reviewed, RoleProfile
from keten.knowledge.revisions import history_of
from keten.knowledge.seed import add_months
from keten.regions.models import LayerKind, Region

national_admin_only = role_required(Role.FUNCTIONAL_ADMIN, national=True)

#: How long new content stays valid before its first review.
REVIEW_MONTHS = 12


def page_of(record: Reviewed) -> str:
    """The public page that shows the record."""
    if isinstance(record, Definition):
        return reverse("knowledge:term", args=[record.slug])
    if isinstance(record, OrganisationProfile):
        return reverse("knowledge:profile", args=[record.code])
    if isinstance(record, RoleProfile):
        return reverse("knowledge:care-coordinator")
    region = record.region
    if region.layer.kind == LayerKind.CARE_COORDINATION:
        return reverse("knowledge:region", args=[region.code])
    return reverse("knowledge:region-list")


def title_of(record: Reviewed) -> str:
    if isinstance(record, RegionNote):
        return _("Aantekening bij {region}").format(region=record.region)
    return str(record)


@national_admin_only
def review_list(request):
    records = selectors.all_content()
    return render(request, "knowledge/edit/review_list.html", {
        "rows": [(record, title_of(record), page_of(record)) for record in records],
        "overdue_count": sum(record.is_overdue for record in records),
    })


def _edit(request, record: Reviewed, *, create_region: Region | None = None):
    form = ContentForm.for_record(record, request.POST or None)
    stored, status = (), 200
    if request.method == "POST" and form.is_valid():
        actor = Actor.of(request.membership)
        try:
            if create_region is not None:
                record = services.region_note_create(actor=actor, region=create_region, **form.values())
            else:
                services.content_update(actor=actor, record=record, expected_version=form.cleaned_data["version"],
                                        **form.values())
        except ConcurrentUpdate:
            record = type(record).objects.get(pk=record.pk)
            form = with_current_version(lambda data: ContentForm.for_record(record, data), request.POST,
                                        record.version)
            stored, status = stored_values(record, form.values()), 409
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("‘{title}’ is opgeslagen.").format(title=title_of(record)))
            return redirect(page_of(record))
    return render(request, "knowledge/edit/form.html", {
        "form": form, "record": record, "title": title_of(record), "page_url": page_of(record),
        "is_new": create_region is not None, "stored": stored}, status=status)


@national_admin_only
def definition_edit(request, slug):
    record = Definition.objects.filter(slug=slug).first()
    if record is None:
        raise Http404
    return _edit(request, record)


@national_admin_only
def profile_edit(request, code):
    record = OrganisationProfile.objects.filter(code=code).first()
    if record is None:
        raise Http404
    return _edit(request, record)


@national_admin_only
def role_edit(request):
    record = selectors.role_profile()
    if record is None:
        raise Http404
    return _edit(request, record)


@national_admin_only
def region_note_edit(request, layer, code):
    region = Region.objects.filter(layer__kind=layer, code=code).select_related("layer").first()
    if region is None:
        raise Http404
    note = RegionNote.objects.filter(region=region).select_related("region__layer").first()
    if note is not None:
        return _edit(request, note)
    draft = RegionNote(region=region, reviewed_on=today(), review_due=add_months(today(), REVIEW_MONTHS))
    return _edit(request, draft, create_region=region)


@national_admin_only
def history(request, record_id):
    record = next((r for r in selectors.all_content() if r.pk == record_id), None)
    if record is None:
        raise Http404
    return render(request, "knowledge/edit/history.html", {
        "record": record, "title": title_of(record), "page_url": page_of(record), "revisions": history_of(record),
        "labels": {name: record._meta.get_field(name).verbose_name for name in record.editable_fields()},
    })
