"""App configuration of trajectories (trajectzorg): one trajectory per victim until self-reliance."""

from django.apps import AppConfig


class TrajectoriesConfig(AppConfig):
    name = "keten.trajectories"
    label = "trajectories"
