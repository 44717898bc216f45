"""Routes of the Signaaltafel: the hit/no-hit question (included by urls.py)."""

from django.urls import path

from keten.signaltable import hit_views

urlpatterns = [
    path("treffer/", hit_views.hit_question, name="hit-question"),
]
