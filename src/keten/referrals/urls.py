"""Routes of referrals: professionals who may refer, and the coordinations that receive them."""

from django.urls import path

from keten.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("nieuw/", views.referral_create, name="create"),
    path("<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("<uuid:referral_id>/stap/", views.referral_step, name="step"),
]
