"""Routes of the social map: public (no login), but for the reveal of a confidential address."""

from django.urls import include, path

from keten.socialmap import map_views, views

app_name = "socialmap"

urlpatterns = [
    path("", views.search, name="search"),
    path("dekking/", views.coverage, name="coverage"),
    path("ondergrens/", include("keten.socialmap.ondergrens_urls")),
    path("kaart/", map_views.map_page, name="map"),
    path("kaart/dekking.json", map_views.map_coverage, name="map-coverage"),
    path("kaart/diensten.json", map_views.map_services, name="map-services"),
    path("geheim-adres/<uuid:location_id>/", views.confidential_location, name="confidential-address"),
]
