"""Pages of the monitor: the dashboard of figures per region and its exports, for the national analyst (the whole
country) and the municipality officer (their own region). Every figure passes keten.monitor.disclosure."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from keten.accounts.actor import Actor
from keten.accounts.permissions import deny, role_required
from keten.accounts.roles import Role
from keten.core.errors import PermissionDenied
from keten.intake.models import ExploitationForm
from keten.monitor import exports, selectors
from keten.monitor.dashboard import SLUGS, build_dashboard, period_label
from keten.monitor.forms import FilterForm

monitor_roles = role_required(Role.NATIONAL_ANALYST, Role.MUNICIPALITY_OFFICER)


def _page(request, form, dashboard=None, *, status=200):
    return render(request, "monitor/dashboard.html", {
        "form": form, "dashboard": dashboard,
        "period": period_label(dashboard.filters) if dashboard else "",
        "form_label": ExploitationForm(dashboard.filters.form).label if dashboard and dashboard.filters.form else "",
        "query": request.GET.urlencode(),
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
