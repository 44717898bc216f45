"""On PostgreSQL, refuse UPDATE and DELETE of the table's histories: dossier changes, reveals, decisions, the
record of minutes sent and hit/no-hit questions."""

from django.db import migrations

from keten.core.append_only import refuse_changes


class Migration(migrations.Migration):
    dependencies = [("signaltable", "0003_dossiers_and_meetings")]

    operations = [
        refuse_changes("signaltable_dossierchange", name="dossier_change_append_only", what="a dossier change"),
        refuse_changes("signaltable_identityreveal", name="identity_reveal_append_only", what="an identity reveal"),
        refuse_changes("signaltable_tabledecision", name="table_decision_append_only", what="a table decision"),
        refuse_changes("signaltable_minutesdispatch", name="minutes_dispatch_append_only",
                       what="a record of minutes sent"),
        refuse_changes("signaltable_hitquestion", name="hit_question_append_only", what="a hit/no-hit question"),
    ]
