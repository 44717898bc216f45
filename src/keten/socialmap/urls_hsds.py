"""Routes of the public HSDS 3.0 API of the social map. Mounted at api/hsds/ under the namespace "hsds"
(keten/urls.py); the paths are those of the HSDS 3.0 OpenAPI description, without trailing slashes."""

from django.urls import path

from keten.socialmap import api_hsds as api
from keten.socialmap import import_views

urlpatterns = [
    path("", api.IndexApi.as_view(), name="index"),
    path("services", api.ServiceListApi.as_view(), name="services"),
    path("services/<uuid:id>", api.ServiceApi.as_view(), name="service"),
    path("organizations", api.OrganizationListApi.as_view(), name="organizations"),
    path("organizations/<uuid:id>", api.OrganizationApi.as_view(), name="organization"),
    path("taxonomies", api.TaxonomyListApi.as_view(), name="taxonomies"),
    path("taxonomies/<uuid:id>", api.TaxonomyApi.as_view(), name="taxonomy"),
    path("taxonomy_terms", api.TaxonomyTermListApi.as_view(), name="taxonomy-terms"),
    path("taxonomy_terms/<uuid:id>", api.TaxonomyTermApi.as_view(), name="taxonomy-term"),
    path("service_at_locations", api.ServiceAtLocationListApi.as_view(), name="service-at-locations"),
    path("service_at_locations/<uuid:id>", api.ServiceAtLocationApi.as_view(), name="service-at-location"),
    # The whole public map as an HSDS tabular data package (Keten's addition; not part of the HSDS API).
    path("datapackage.zip", import_views.datapackage_export, name="datapackage"),
]
