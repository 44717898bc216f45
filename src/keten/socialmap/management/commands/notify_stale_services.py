"""`manage.py notify_stale_services`: ask organisations to check entries unverified for six months (daily)."""

from django.core.management.base import BaseCommand

from keten.socialmap.notifications import notify_stale_services


class Command(BaseCommand):
    help = "E-mail functional administrators about their social-map entries not verified for six months."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="Keten's address for the link")

    def handle(self, *args, base_url, **options):
        self.stdout.write(f"Stale-entry notices sent: {notify_stale_services(base_url=base_url.rstrip('/'))}.")
