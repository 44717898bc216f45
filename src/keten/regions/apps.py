"""App configuration of the regions app."""

from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "keten.regions"
    label = "regions"
