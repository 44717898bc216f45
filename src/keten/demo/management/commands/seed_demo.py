"""`manage.py seed_demo`: create the synthetic demo world and print how to log in."""

from django.conf import settings
from django.core.management.base import BaseCommand

from keten.demo.credentials import DemoCredentials
from keten.demo.services import seed_demo


class Command(BaseCommand):
    help = "Create synthetic demo organisations in two regions and one demo user per role (idempotent)."

    def handle(self, *args, **options):
        credentials, created = DemoCredentials.load_or_create(settings.KETEN_DEMO_CREDENTIALS)
        memberships = seed_demo(credentials=credentials)
        self.stdout.write(f"Demo data ready: {len(memberships)} demo accounts"
                          f"{' (new credentials generated)' if created else ''}.")
