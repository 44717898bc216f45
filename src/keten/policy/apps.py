"""App configuration of the policy app."""

from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "keten.policy"
    label = "policy"
