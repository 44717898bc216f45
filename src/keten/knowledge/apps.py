"""App configuration of the kennisbank: definitions, who does what, and the chain per region."""

from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "keten.knowledge"
    label = "knowledge"
