"""gunicorn's configuration for Keten in production: `make serve` (scripts/serve.py) starts gunicorn with it.

Every value can be set from the environment; the defaults suit one machine of a few cores behind a TLS proxy.
"""

import os

from prometheus_client import multiprocess


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


wsgi_app = "keten.wsgi:application"
# Behind the front proxy on the same machine; KETEN_BIND=0.0.0.0:8000 when the proxy or load balancer is elsewhere.
bind = os.environ.get("KETEN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
# Processes times threads answer at once. Threads, since a request waits on the database part of the time; one
# process per core, since more only take turns on the CPU: on 2 cores under 16 clients, 2 x 4 registered signals
# 20-40 % faster than 4 x 4, with a p99 of some 180 ms against 480 (bench/bench_intake.py).
workers = _int("KETEN_WEB_WORKERS", max(2, os.cpu_count() or 2))
worker_class = "gthread"
threads = _int("KETEN_WEB_THREADS", 4)
# Connections a process holds at once: twice its threads, not gunicorn's 1,000. A process at its limit stops
# accepting, so a request waits in the one queue all processes take from, not behind a busy process; and gunicorn
# closes kept-alive connections beyond (connections - threads), so no client's idle connections pin a process.
# Under 16 keep-alive clients on 2 cores, one process otherwise held 13 of them and its clients waited 4 times as
# long (create p99 230-260 ms against 160-195, bench/bench_intake.py).
worker_connections = _int("KETEN_WEB_WORKER_CONNECTIONS", 2 * threads)
# A request taking longer than this is cut off and its worker replaced (the quarterly PDF is made by the worker).
timeout = _int("KETEN_WEB_TIMEOUT", 60)
graceful_timeout = _int("KETEN_WEB_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Workers are replaced now and then, so a slow leak never grows for long; the jitter keeps them from going at once.
max_requests = _int("KETEN_WEB_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# The application is loaded once and forked: workers start fast and share its memory. Django opens no database
# connection while loading, so none is shared across the fork.
preload_app = True
# The proxy's X-Forwarded-* headers are read by Django (KETEN_BEHIND_PROXY), not by gunicorn.
forwarded_allow_ips = os.environ.get("KETEN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Request line and headers limits, below gunicorn's defaults: Keten has no use for longer ones.
limit_request_line = 4094
limit_request_fields = 100

# --- Logs: one JSON object a line on stdout (access) and stderr (gunicorn itself), as Django's own ------------
accesslog = "-"
access_log_format = "request"  # the message; the fields come from keten.web.logs.AccessJsonFormatter
loglevel = os.environ.get("KETEN_LOG_LEVEL", "info").lower()
_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "keten.web.logs.KetenJsonFormatter", "format": _FIELDS},
        "access": {"()": "keten.web.logs.AccessJsonFormatter", "format": _FIELDS},
    },
    "handlers": {
        "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        "access": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stdout"},
    },
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}


def child_exit(server, worker):
    """A worker that ends leaves its metric files behind; its live gauges must no longer count."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
