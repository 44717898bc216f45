"""Routes of the regions app."""

from django.urls import path

from keten.regions import views

app_name = "regions"

urlpatterns = [
    path("indelingen/", views.layer_list, name="layer-list"),
]
