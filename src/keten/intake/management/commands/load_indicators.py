"""`manage.py load_indicators`: the committed indicator catalogue into the database (safe to repeat)."""

from django.core.management.base import BaseCommand

from keten.intake.services import load_indicators


class Command(BaseCommand):
    help = ("Create the indicators of src/keten/intake/data/indicators.csv that are missing; wording changed in the "
            "file becomes a new version unless an administrator has reworded the indicator.")

    def handle(self, *args, **options):
        summary = load_indicators()
        if options["verbosity"] >= 1:
            self.stdout.write(str(summary))
