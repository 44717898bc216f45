"""App configuration of the intake app: signals, indicators, workflow and the public guide for front-desk staff."""

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "keten.intake"
    label = "intake"
