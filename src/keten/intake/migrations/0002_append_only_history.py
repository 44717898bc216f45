"""On PostgreSQL, refuse UPDATE and DELETE of a signal's history steps: the history only grows."""

from django.db import migrations

from keten.core.append_only import refuse_changes


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]

    operations = [refuse_changes("intake_signaltransition", name="signal_transition_append_only",
                                 what="a signal''s history")]
