"""On PostgreSQL, refuse UPDATE and DELETE of a referral's history steps, as for a signal's."""

from django.db import migrations

from keten.core.append_only import refuse_changes


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [refuse_changes("referrals_referralstep", name="referral_step_append_only",
                                 what="a referral''s history")]
