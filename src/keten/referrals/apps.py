"""App configuration of referrals (aanmelding): a presumed victim referred to the care coordinator of the place."""

from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "keten.referrals"
    label = "referrals"
