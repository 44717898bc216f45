"""Import and export of the social map: the public HSDS data package, and the pages where a functional
administrator downloads the spreadsheet template, uploads a file and follows its check and import."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from keten.accounts.actor import Actor
from keten.accounts.permissions import role_required
from keten.accounts.roles import Role
from keten.core.errors import DomainError
from keten.socialmap import datapackage, importing, spreadsheet
from keten.socialmap.import_forms import UploadForm

admin_only = role_required(Role.FUNCTIONAL_ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: htmx stops polling on this status (and still shows the answer): the job page's last refresh.
STOP_POLLING = 286


def _download(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@require_GET
def datapackage_export(request):
    """The public social map as an HSDS 3.0 tabular data package (never a confidential address)."""
    return _download(datapackage.export_zip(), "application/zip", "sociale-kaart-hsds.zip")


@admin_only
def import_start(request):
    actor = Actor.of(request.membership)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = importing.import_start(actor=actor, file_name=upload.name, content=upload.read())
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            return redirect("socialmap_admin:import-job", job_id=job.pk)
    return render(request, "socialmap/edit/import.html", {
        "form": form, "jobs": importing.visible_jobs(actor)[:10], "max_rows": spreadsheet.MAX_ROWS})


@require_GET
@admin_only
def import_template(request):
    return _download(spreadsheet.template(Actor.of(request.membership)), XLSX, "sociale-kaart-sjabloon.xlsx")


@require_GET
@admin_only
def import_job(request, job_id):
    job = importing.visible_job(Actor.of(request.membership), job_id)
    if job is None:
        raise Http404
    context = {"job": job, "offers_good_rows": importing.offers_good_rows(job),
               "good_rows": job.rows_total - job.rows_failed}
    if request.headers.get("HX-Request"):
        return render(request, "socialmap/edit/import_job_status.html", context,
                      status=STOP_POLLING if job.is_finished or job.is_stalled else 200)
    return render(request, "socialmap/edit/import_job.html", context)


@require_POST
@admin_only
def import_good_rows(request, job_id):
    actor = Actor.of(request.membership)
    job = importing.visible_job(actor, job_id)
    if job is None:
        raise Http404
    try:
        importing.import_good_rows(actor=actor, job=job)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("De goede rijen worden geïmporteerd."))
    return redirect("socialmap_admin:import-job", job_id=job.pk)
