"""Routes of the regions app."""

from django.urls import path

from keten.regions import views

app_name = "regions"

urlpatterns = [
    path("indelingen/", views.layer_list, name="layer-list"),
    path("indelingen/<slug:kind>/", views.layer_detail, name="layer-detail"),
    path("indelingen/<slug:kind>/nieuw/", views.region_create, name="region-create"),
    path("indelingen/<slug:kind>/<slug:code>/", views.region_edit, name="region-edit"),
]
