"""Routes of the intake app: the public guide for front-desk staff (no login) and the signal pages."""

from django.urls import path

from keten.intake import guide_views

app_name = "intake"

urlpatterns = [
    # The Aanmeldwijzer: public, for front-desk staff without an account.
    path("aanmeldwijzer/", guide_views.guide, name="guide"),
    path("aanmeldwijzer/advies/", guide_views.guide_advice, name="guide-advice"),
    path("aanmeldwijzer/tekst/<slug:lang>/", guide_views.guide_text, name="guide-text"),
]
