"""Metrics for Prometheus at /metrics: requests by route and status, the task queue, the audit log.

Under gunicorn every worker process counts for itself; with PROMETHEUS_MULTIPROC_DIR set (scripts/serve.py sets
it) the processes write their counts to files there and a scrape adds them up, whichever worker answers it. The
queue depth and the number of audit events are read from the database at each scrape, so they hold for all web
and worker processes together. Labels are route names and status codes only: never an id, a path or a person.
"""

import hmac
import os
import time

from django.conf import settings
from django.db.models import Count, Min, Sum
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

#: This process's own metrics (single-process mode: runserver, tests); under gunicorn the files count instead.
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter("keten_http_requests", "HTTP requests answered, by route name, method and status code.",
                   ["route", "method", "status"], registry=REGISTRY)
LATENCY = Histogram("keten_http_request_duration_seconds", "Time to answer a request, by route name and status.",
                    ["route", "status"], registry=REGISTRY,
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))

#: The route label of a request that matched no route (a 404 before any view).
UNMATCHED = "unmatched"


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None and match.view_name else UNMATCHED


class MetricsMiddleware:
    """Counts and times every request; first in MIDDLEWARE, so redirects and refusals by others count too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        route, status = route_of(request), str(response.status_code)
        REQUESTS.labels(route=route, method=_method(request.method), status=status).inc()
        LATENCY.labels(route=route, status=status).observe(time.perf_counter() - start)
        return response


def _method(method: str) -> str:
    """Only the methods Keten answers become a label; anything else one value (a client cannot add series)."""
    return method if method in {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} else "other"


class DatabaseCollector:
    """What the database knows at the moment of the scrape: the task queue and the audit log's length."""

    def describe(self):
        # Described without a query, so that registering it touches no database.
        return [GaugeMetricFamily("keten_tasks_waiting", ""),
                GaugeMetricFamily("keten_tasks_oldest_waiting_seconds", ""),
                CounterMetricFamily("keten_audit_events", ""), GaugeMetricFamily("keten_database_up", "")]

    def collect(self):
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from keten.audit.models import AuditChain

        up = GaugeMetricFamily("keten_database_up", "1 when the database answered the scrape's questions.")
        try:
            queues = list(DBTaskResult.objects.filter(status=TaskResultStatus.READY).values("queue_name")
                          .annotate(waiting=Count("id"), oldest=Min("enqueued_at")).order_by("queue_name"))
            events = AuditChain.objects.aggregate(total=Sum("last_seq"))["total"] or 0
        except Exception:  # noqa: BLE001 - a scrape must answer even when the database does not
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        waiting = GaugeMetricFamily("keten_tasks_waiting", "Background tasks waiting in the queue (django-tasks).",
                                    labels=["queue"])
        oldest = GaugeMetricFamily("keten_tasks_oldest_waiting_seconds",
                                   "How long the oldest waiting task has waited.", labels=["queue"])
        now = timezone.now()
        for queue in queues:
            waiting.add_metric([queue["queue_name"]], queue["waiting"])
            oldest.add_metric([queue["queue_name"]], max((now - queue["oldest"]).total_seconds(), 0))
        if not queues:
            waiting.add_metric(["default"], 0)
            oldest.add_metric(["default"], 0)
        yield waiting
        yield oldest
        # Every event of the hash chain, written by any process: the heads hold each partition's last number.
        audit = CounterMetricFamily("keten_audit_events", "Audit events written (all processes).")
        audit.add_metric([], events)
        yield audit


def scrape_registry() -> CollectorRegistry:
    """The registry one scrape reads: every process's files under gunicorn, this process's metrics otherwise."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Own())
    registry.register(DatabaseCollector())
    return registry


class _Own:
    def collect(self):
        return REGISTRY.collect()


def token_matches(header: str, token: str) -> bool:
    scheme, _space, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@require_GET
@never_cache
def metrics(request):
    """Closed (404) unless KETEN_METRICS_TOKEN is set; then only with `Authorization: Bearer <token>`."""
    token = getattr(settings, "KETEN_METRICS_TOKEN", "")
    if not token:
        raise Http404
    header = request.headers.get("Authorization", "")
    if not header:
        response = HttpResponse("Authorization: Bearer required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not token_matches(header, token):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
