"""Routes of referrals: professionals who may refer, and the coordinations that receive them."""

from django.urls import path

from keten.referrals import registration_views, views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("nieuw/", views.referral_create, name="create"),
    # CoMensha's registrations: its registration officers only.
    path("registraties/", registration_views.registration_list, name="registration-list"),
    path("registraties/nieuw/", registration_views.registration_create, name="registration-create"),
    path("registraties/export.<str:file_format>", registration_views.registration_export,
         name="registration-export"),
    path("registraties/jaaroverzicht.csv", registration_views.registration_aggregate, name="registration-aggregate"),
    path("<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("<uuid:referral_id>/stap/", views.referral_step, name="step"),
    path("<uuid:referral_id>/versturen/", views.referral_send, name="send"),
]
