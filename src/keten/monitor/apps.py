"""App configuration of the national monitor: figures per region with disclosure control, dashboards, exports."""

from django.apps import AppConfig


class MonitorConfig(AppConfig):
    name = "keten.monitor"
    label = "monitor"
