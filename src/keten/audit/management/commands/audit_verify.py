"""`manage.py audit_verify`: check that no audit event was changed, removed, added or reordered."""

from django.core.management.base import BaseCommand, CommandError

from keten.audit.verify import ChainBroken, verify_chains


class Command(BaseCommand):
    help = "Check every partition of the audit log's hash chain; exits non-zero at the first break."

    def handle(self, *args, **options):
        try:
            report = verify_chains()
        except ChainBroken as broken:
            raise CommandError(f"Audit log broken: {broken}") from broken
        self.stdout.write(f"Audit log intact: {report.events} events in {report.partitions} partitions.")
