"""On PostgreSQL, refuse UPDATE and DELETE of a trajectory's timeline, as for a signal's history."""

from django.db import migrations

from keten.core.append_only import refuse_changes


class Migration(migrations.Migration):
    dependencies = [("trajectories", "0001_initial")]

    operations = [refuse_changes("trajectories_trajectoryevent", name="trajectory_event_append_only",
                                 what="a trajectory''s timeline")]
