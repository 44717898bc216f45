"""`manage.py monitor_facts`: bring the monitor's pre-aggregated figures up to date (the slices writes marked), or
with --rebuild count them again in full from the source tables, e.g. after a bulk import (ADR 0014)."""

import time

from django.core.management.base import BaseCommand

from keten.monitor import facts
from keten.monitor.models import LeadTimeFact, SignalFact


class Command(BaseCommand):
    help = "Bring the monitor's pre-aggregated figures up to date; --rebuild counts them again in full."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="count every fact again from the source tables")

    def handle(self, *args, rebuild=False, **options):
        start = time.perf_counter()
        (facts.rebuild if rebuild else facts.refresh)()
        self.stdout.write(f"{SignalFact.objects.count()} count facts, {LeadTimeFact.objects.count()} lead-time facts "
                          f"in {time.perf_counter() - start:.1f} s")
