"""Pages of the web app: the home page (per role) and the health check."""

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from keten.accounts.actor import Actor
from keten.web.dashboards import dashboard_for, panels_for
from keten.web.health import health_problem


def home(request):
    if not request.user.is_authenticated:
        return render(request, "web/landing.html")
    dashboard = dashboard_for(request.membership)
    panels = panels_for(Actor.of(request.membership), dashboard) if dashboard else []
    return render(request, "web/home.html", {"dashboard": dashboard, "panels": panels})


@require_GET
@never_cache
def health(request):
    problem = health_problem()
    if problem:
        return JsonResponse({"status": "unavailable", "reason": problem}, status=503)
    return JsonResponse({"status": "ok"})


def closed(request):
    """A route that exists in a library but is closed in Keten."""
    raise Http404
