"""`manage.py hit_index --rebuild`: make the hit/no-hit index anew from the identity store."""

import time

from django.core.management.base import BaseCommand, CommandError

from keten.signaltable import hit_index


class Command(BaseCommand):
    help = ("Rebuild the hit/no-hit index (keyed tokens of identifiers) from the identity store: after bulk writes "
            "or a new KETEN_LINKING_KEY.")

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="rebuild the whole index (the only mode)")

    def handle(self, *args, **options):
        if not options["rebuild"]:
            raise CommandError("Say --rebuild to rebuild the hit/no-hit index.")
        started = time.perf_counter()
        rows = hit_index.rebuild()
        self.stdout.write(f"hit index: {rows} identifiers, {time.perf_counter() - started:.2f} s")
