"""Pages of the monitor: the dashboard of figures per region and its exports, for the national analyst (the whole
country) and the municipality officer (their own region); the quarterly report and the yearly dataset made in the
background, followed on a job page and downloaded by their requester only. Every figure passes
keten.monitor.disclosure."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from keten.accounts.actor import Actor
from keten.accounts.permissions import deny, role_required
from keten.accounts.roles import Role
from keten.core.errors import DomainError, PermissionDenied
from keten.intake.models import ExploitationForm
from keten.monitor import exports, jobs, selectors
from keten.monitor.dashboard import SLUGS, build_dashboard, period_label
from keten.monitor.forms import DatasetForm, FilterForm, ReportForm
from keten.monitor.models import ExportKind
from keten.monitor.report import Quarter

monitor_roles = role_required(Role.NATIONAL_ANALYST, Role.MUNICIPALITY_OFFICER)
dataset_roles = role_required(Role.NATIONAL_ANALYST, Role.REGISTRATION_OFFICER)
job_roles = role_required(Role.NATIONAL_ANALYST, Role.MUNICIPALITY_OFFICER, Role.REGISTRATION_OFFICER)
#: htmx stops polling on this status (and still shows the answer): the job page's last refresh.
STOP_POLLING = 286


def _page(request, form, dashboard=None, *, status=200):
    return render(request, "monitor/dashboard.html", {
        "form": form, "dashboard": dashboard,
        "period": period_label(dashboard.filters) if dashboard else "",
        "form_label": ExploitationForm(dashboard.filters.form).label if dashboard and dashboard.filters.form else "",
        "query": request.GET.urlencode(),
        "may_ask_dataset": jobs.may_ask_dataset(Actor.of(request.membership)),
    }, status=status)


@monitor_roles
@require_GET
def dashboard(request):
    actor = Actor.of(request.membership)
    try:
        scope = selectors.monitor_scope(actor)
    except PermissionDenied as error:
        return deny(request, error.message)
    form = FilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _page(request, form)
    board = build_dashboard(scope=scope, filters=form.filters())
    selectors.record_view(actor=actor)
    return _page(request, form, board)


def _export(request, table: str, respond):
    if table not in SLUGS:
        raise Http404
    actor = Actor.of(request.membership)
    try:
        scope = selectors.monitor_scope(actor)
    except PermissionDenied as error:
        return deny(request, error.message)
    form = FilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _page(request, form, status=400)
    board = build_dashboard(scope=scope, filters=form.filters())
    selectors.record_view(actor=actor, export=True)
    return respond(board, board.table(table))


@monitor_roles
@require_GET
def export_csv(request, table):
    return _export(request, table, exports.csv_response)


@monitor_roles
@require_GET
def export_xlsx(request, table):
    return _export(request, table, exports.xlsx_response)


@monitor_roles
def report(request):
    """Ask for the quarterly report of a region; it is made in the background (export_job)."""
    actor = Actor.of(request.membership)
    try:
        regions = list(jobs.report_regions(actor))
    except PermissionDenied as error:
        return deny(request, error.message)
    form = ReportForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.report_start(actor=actor, region=form.cleaned_data["region"],
                                    quarter=Quarter(form.cleaned_data["jaar"], form.cleaned_data["kwartaal"]))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("monitor:export-job", job_id=job.pk)
    return render(request, "monitor/report.html", {
        "form": form, "jobs": jobs.jobs_of(actor, ExportKind.QUARTERLY_REPORT)}, status=400 if form.errors else 200)


@dataset_roles
def dataset(request):
    """Ask for the k-anonymous yearly dataset for the national rapporteur."""
    actor = Actor.of(request.membership)
    if not jobs.may_ask_dataset(actor):
        return deny(request, _("Alleen een landelijk analist of een registratiemedewerker van CoMensha vraagt het "
                               "jaarbestand aan."))
    form = DatasetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.dataset_start(actor=actor, year=form.cleaned_data["jaar"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return redirect("monitor:export-job", job_id=job.pk)
    return render(request, "monitor/dataset.html", {
        "form": form, "jobs": jobs.jobs_of(actor, ExportKind.YEARLY_DATASET), "k": settings.KETEN_MONITOR_MIN_CELL},
        status=400 if form.errors else 200)


@require_GET
@job_roles
def export_job(request, job_id):
    """The job's progress; while it runs, htmx asks for the status part every second."""
    job = jobs.job_of(Actor.of(request.membership), job_id)
    if job is None:
        raise Http404
    context = {"job": job, "title": jobs.describe(job)}
    if request.headers.get("HX-Request"):
        return render(request, "monitor/export_job_status.html", context,
                      status=STOP_POLLING if job.is_finished or job.is_stalled else 200)
    return render(request, "monitor/export_job.html", context)


@require_GET
@job_roles
def export_download(request, job_id):
    job = jobs.download(Actor.of(request.membership), job_id)
    if job is None:
        raise Http404
    response = HttpResponse(bytes(job.result), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
    return response
