"""On PostgreSQL, refuse UPDATE and DELETE of a signal's routing records, as of its history steps (0002)."""

from django.db import migrations

from keten.core.append_only import refuse_changes


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_routing_rules")]

    operations = [refuse_changes("intake_routing", name="routing_append_only", what="a signal''s routing")]
