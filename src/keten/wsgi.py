"""WSGI entry point (gunicorn in production)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keten.settings")
application = get_wsgi_application()

# What loading the application made (some 110,000 objects: modules, models, URL patterns, reference data) lives as
# long as the process. Frozen, the collector's full passes no longer walk it: otherwise each of them stops every
# thread of the process for some 50 ms, every few dozen requests (bench/bench_intake.py shows it in the p99). A
# request makes thousands of short-lived objects: the youngest generation is collected per 20,000 instead of 700.
gc.freeze()
gc.set_threshold(20_000, 20, 20)
