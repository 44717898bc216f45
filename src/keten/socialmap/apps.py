"""App configuration of the socialmap app."""

from django.apps import AppConfig


class SocialmapConfig(AppConfig):
    name = "keten.socialmap"
    label = "socialmap"
