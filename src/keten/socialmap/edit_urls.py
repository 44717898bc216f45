"""Routes for editing the social map."""

from django.urls import path

from keten.socialmap import edit_views, import_views

app_name = "socialmap_admin"

urlpatterns = [
    path("", edit_views.service_list, name="service-list"),
    path("<uuid:service_id>/", edit_views.service_edit, name="service-edit"),
    path("<uuid:service_id>/gecontroleerd/", edit_views.service_verify, name="service-verify"),
    path("import/", import_views.import_start, name="import"),
    path("import/sjabloon.xlsx", import_views.import_template, name="import-template"),
    path("import/<uuid:job_id>/", import_views.import_job, name="import-job"),
    path("import/<uuid:job_id>/goede-rijen/", import_views.import_good_rows, name="import-good-rows"),
]
