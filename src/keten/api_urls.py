"""The versioned JSON API: the schema, its docs page, and each app's endpoints."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from keten.accounts.api import WhoAmIApi
from keten.identity.api import SubjectIdentityApi, SubjectListApi
from keten.intake.api import SignalDetailApi, SignalListApi, SignalTransitionApi

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("me/", WhoAmIApi.as_view(), name="api-me"),
    path("subjects/", SubjectListApi.as_view(), name="api-subject-list"),
    path("subjects/<uuid:subject_id>/", SubjectIdentityApi.as_view(), name="api-subject-identity"),
    path("signals/", SignalListApi.as_view(), name="api-signal-list"),
    path("signals/<uuid:signal_id>/", SignalDetailApi.as_view(), name="api-signal-detail"),
    path("signals/<uuid:signal_id>/transitions/", SignalTransitionApi.as_view(), name="api-signal-transitions"),
]
