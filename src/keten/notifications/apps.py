"""In-app and e-mail notifications for the people who must act, sent by background tasks."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "keten.notifications"
    label = "notifications"
