"""App configuration of the socialmap app: connects the receivers that keep the search index up to date."""

from django.apps import AppConfig


class SocialmapConfig(AppConfig):
    name = "keten.socialmap"
    label = "socialmap"

    def ready(self):
        from keten.socialmap import search_index

        search_index.connect()
