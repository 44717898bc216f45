"""Routes of the Signaaltafel: the changes people make to dossiers (included by urls.py). All for the table's roles;
each dossier through policy (404 when out of reach)."""

from django.urls import path

from keten.signaltable import dossier_change_views as views

urlpatterns = [
    path("dossiers/nieuw/", views.dossier_create, name="dossier-create"),
    path("dossiers/<uuid:dossier_id>/signaal-toevoegen/", views.dossier_add_signal, name="dossier-add-signal"),
    path("dossiers/<uuid:dossier_id>/signaal-verwijderen/", views.dossier_remove_signal,
         name="dossier-remove-signal"),
    path("dossiers/<uuid:dossier_id>/samenvoegen/", views.dossier_merge, name="dossier-merge"),
    path("dossiers/<uuid:dossier_id>/splitsen/", views.dossier_split, name="dossier-split"),
]
