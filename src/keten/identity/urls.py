"""Routes of the identity app."""

from django.urls import path

from keten.identity import views

app_name = "identity"

urlpatterns = [
    path("", views.subject_list, name="subject-list"),
    path("nieuw/", views.subject_create, name="subject-create"),
    path("<uuid:subject_id>/", views.subject_detail, name="subject-detail"),
    path("<uuid:subject_id>/toestemming/<uuid:consent_id>/intrekken/", views.consent_withdraw,
         name="consent-withdraw"),
    path("<uuid:subject_id>/delen/<uuid:share_id>/beeindigen/", views.share_end, name="share-end"),
    path("<uuid:subject_id>/inzage/", views.disclosure, name="disclosure"),
]
