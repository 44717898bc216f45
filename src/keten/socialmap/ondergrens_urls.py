"""Routes of the ondergrens, under /sociale-kaart/ondergrens/ in the socialmap namespace: the monitor is public,
keeping the norms is for the national functional administrator."""

from django.urls import path

from keten.socialmap import ondergrens_views as views

urlpatterns = [
    path("", views.monitor, name="ondergrens"),
    path("kaart.json", views.monitor_map, name="ondergrens-map"),
    path("export.csv", views.monitor_export, name="ondergrens-export"),
    path("beheer/", views.criterion_list, name="ondergrens-criteria"),
    path("beheer/nieuw/", views.criterion_create, name="ondergrens-criterion-create"),
    path("beheer/<uuid:criterion_id>/", views.criterion_edit, name="ondergrens-criterion-edit"),
]
