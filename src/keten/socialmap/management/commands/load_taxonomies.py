"""`manage.py load_taxonomies`: the social map's vocabularies (idempotent)."""

from django.core.management.base import BaseCommand

from keten.socialmap.services import load_taxonomies


class Command(BaseCommand):
    help = "Create or update the social map's taxonomies and terms."

    def handle(self, *args, **options):
        self.stdout.write(f"Social map vocabularies loaded: {load_taxonomies()} terms.")
