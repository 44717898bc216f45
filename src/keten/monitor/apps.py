"""App configuration of the national monitor: figures per region with disclosure control, dashboards, exports."""

from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "keten.monitor"
    label = "monitor"

    def ready(self):
        from keten.monitor import receivers  # noqa: F401  (connects the receivers that keep the facts current)
