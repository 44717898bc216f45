"""App configuration of the web app."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "keten.web"
    label = "web"
