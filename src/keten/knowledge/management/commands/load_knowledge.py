"""`manage.py load_knowledge`: the kennisbank's committed content into the database (safe to repeat)."""

from django.core.management.base import BaseCommand

from keten.knowledge.seed import load_knowledge


class Command(BaseCommand):
    help = ("Create the definitions, profiles, role profiles and region notes of src/keten/knowledge/data that are "
            "missing. Content edited in Keten is never overwritten.")

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true",
                            help="also add the demo's fictitious region notes (ketenregisseur, meeting rhythm)")

    def handle(self, *args, **options):
        summary = load_knowledge(demo=options["demo"])
        if options["verbosity"] >= 1:
            self.stdout.write(str(summary))
