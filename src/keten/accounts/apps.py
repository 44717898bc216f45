"""App configuration of the accounts app."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "keten.accounts"
    label = "accounts"

    def ready(self):
        from keten.accounts import schema  # noqa: F401 - registers the API's security schemes
