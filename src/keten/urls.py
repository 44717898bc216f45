"""Keten's URL map: each app mounts its own routes; the API lives under /api/v1/."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("keten.api_urls")),
    path("beheer/", include("keten.accounts.urls")),
    path("regio/", include("keten.regions.urls")),
    path("", include("keten.web.urls")),
]
