"""Routes of the Signaaltafel: dossier pages (included by urls.py)."""

from django.urls import path

from keten.signaltable import dossier_views

urlpatterns = [
    path("", dossier_views.dossier_list, name="dossier-list"),
    path("dossiers/<uuid:dossier_id>/", dossier_views.dossier_detail, name="dossier"),
    path("dossiers/<uuid:dossier_id>/netwerk.svg", dossier_views.dossier_network, name="dossier-network"),
    path("dossiers/<uuid:dossier_id>/onthullen/", dossier_views.dossier_reveal, name="dossier-reveal"),
]
