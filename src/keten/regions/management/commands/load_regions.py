"""`manage.py load_regions`: load the committed region tables into the database (safe to repeat)."""

import time

from django.core.management.base import BaseCommand

from keten.regions.services import load_reference_regions


class Command(BaseCommand):
    help = (
        "Load the CBS region layers, municipalities and postcodes from src/keten/regions/data; "
        "seed the care-coordination and signal-table layers only while they are empty."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        summary = load_reference_regions()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{summary} ({time.monotonic() - started:.2f} s)")
