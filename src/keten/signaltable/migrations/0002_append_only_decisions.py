"""On PostgreSQL, refuse UPDATE and DELETE of people's verdicts on links, as for a signal's history."""

from django.db import migrations

from keten.core.append_only import refuse_changes


class Migration(migrations.Migration):
    dependencies = [("signaltable", "0001_initial")]

    operations = [refuse_changes("signaltable_linkdecision", name="link_decision_append_only",
                                 what="a verdict on a link")]
