"""App configuration of the core app."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "keten.core"
    label = "core"
