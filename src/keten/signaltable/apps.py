"""App configuration of the Signaaltafel app: linking adapted into the platform, dossiers, meetings and decisions."""

from django.apps import AppConfig


class SignaltableConfig(AppConfig):
    name = "keten.signaltable"
    label = "signaltable"

    def ready(self):
        # At app ready, before any command runs: the hit/no-hit index follows every save, demo seeding included.
        from keten.signaltable import hit_index

        hit_index.connect()
