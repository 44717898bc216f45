"""Routes of the social map (public: no login)."""

from django.urls import path

from keten.socialmap import views

app_name = "socialmap"

urlpatterns = [
    path("", views.search, name="search"),
    path("dekking/", views.coverage, name="coverage"),
]
