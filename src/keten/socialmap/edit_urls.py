"""Routes for editing the social map."""

from django.urls import path

from keten.socialmap import edit_views

app_name = "socialmap_admin"

urlpatterns = [
    path("", edit_views.service_list, name="service-list"),
    path("<uuid:service_id>/", edit_views.service_edit, name="service-edit"),
    path("<uuid:service_id>/gecontroleerd/", edit_views.service_verify, name="service-verify"),
]
