"""Keten's URL map: each app mounts its own routes; the API lives under /api/v1/."""

from allauth.account.views import login, password_reset
from django.urls import include, path

from keten.accounts.timing import answered_after_a_fixed_time
from keten.web.views import closed

urlpatterns = [
    # Accounts and their e-mail addresses are managed by a functional administrator, not by the user.
    path("accounts/signup/", closed, name="closed-signup"),
    path("accounts/email/", closed, name="closed-email"),
    # allauth's own views, answered after a fixed time so that their timing does not tell which addresses exist.
    path("accounts/login/", answered_after_a_fixed_time(login), name="account_login"),
    path("accounts/password/reset/", answered_after_a_fixed_time(password_reset), name="account_reset_password"),
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
