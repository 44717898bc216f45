"""Keten's URL map: each app mounts its own routes; the API lives under /api/v1/."""

from django.urls import include, path

from keten.web.views import closed

urlpatterns = [
    # Accounts and their e-mail addresses are managed by a functional administrator, not by the user.
    path("accounts/signup/", closed, name="closed-signup"),
    path("accounts/email/", closed, name="closed-email"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("keten.api_urls")),
    path("api/hsds/", include(("keten.socialmap.urls_hsds", "hsds"))),
    path("beheer/", include("keten.accounts.urls")),
    path("regio/", include("keten.regions.urls")),
    path("sociale-kaart/", include("keten.socialmap.urls")),
    path("sociale-kaart/beheer/", include("keten.socialmap.edit_urls")),
    path("", include("keten.policy.urls")),
    path("personen/", include("keten.identity.urls")),
    path("meldingen/", include("keten.notifications.urls")),
    path("", include("keten.intake.urls")),
    path("aanmeldingen/", include("keten.referrals.urls")),
    path("trajecten/", include("keten.trajectories.urls")),
    path("signaaltafel/", include("keten.signaltable.urls")),
    path("kennisbank/", include("keten.knowledge.urls")),
    path("monitor/", include("keten.monitor.urls")),
    path("", include("keten.web.urls")),
]
