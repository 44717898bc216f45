"""Routes of the Signaaltafel: the verdict on a link between two signals of a dossier (included by urls.py)."""

from django.urls import path

from keten.signaltable import link_views

urlpatterns = [
    path("dossiers/<uuid:dossier_id>/koppeling/", link_views.link_verdict, name="link-verdict"),
]
