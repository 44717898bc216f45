"""App configuration of the identity app."""

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "keten.identity"
    label = "identity"
