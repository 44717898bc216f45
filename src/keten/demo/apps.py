"""App configuration of the demo app."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "keten.demo"
    label = "demo"
