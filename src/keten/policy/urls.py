"""Routes of the policy app: the public guide "Mag ik dit delen?" and the privacy officer's pages."""

from django.urls import include, path

app_name = "policy"

urlpatterns = [
    path("mag-ik-dit-delen/", include("keten.policy.guide.urls")),
]
