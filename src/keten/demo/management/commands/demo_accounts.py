"""`manage.py demo_accounts`: print the demo accounts, their password and the current TOTP code."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from keten.demo.credentials import DemoCredentials
from keten.demo.world import DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo accounts and how to log in with them (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--code", action="store_true", help="print only the current six-digit code")

    def handle(self, *args, code=False, **options):
        path = settings.KETEN_DEMO_CREDENTIALS
        if not path.exists():
            raise CommandError("No demo credentials yet: run `make run` (or `manage.py seed_demo`) first.")
        credentials, _created = DemoCredentials.load_or_create(path)
        if code:
            self.stdout.write(credentials.current_code())
            return
        width = max(len(u.email) for u in DEMO_USERS)
        self.stdout.write("Demo accounts (synthetic; they can log in only with KETEN_DEV=1):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.email:<{width}}  {user.full_name}")
        self.stdout.write(f"Password for every demo account: {credentials.password}")
        self.stdout.write(f"TOTP secret (add to an authenticator app): {credentials.totp_secret}")
        self.stdout.write(f"  or as URI: {credentials.otpauth_uri()}")
        self.stdout.write(f"Current code: {credentials.current_code()}  (new code: `make demo-code`)")
