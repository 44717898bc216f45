"""Routes of the intake app: the public guide for front-desk staff (no login) and the signal pages."""

from django.urls import path  # noqa: F401  (the routes follow)

app_name = "intake"

urlpatterns = []
