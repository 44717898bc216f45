"""App configuration of the Signaaltafel app: linking adapted into the platform, dossiers, meetings and decisions."""

from django.apps import AppConfig


class SignaltableConfig(AppConfig):
    name = "keten.signaltable"
    label = "signaltable"
