"""Keten's routes plus the baseline of bench_identity: the same identity read with policy and audit bypassed.
Only the benchmark mounts this; it never ships in a Keten URL map."""

from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from keten.identity.api import IdentityOutput
from keten.identity.models import Subject
from keten.identity.selectors import AttributeView, IdentityView
from keten.policy.decisions import Decision
from keten.policy.rules import Effect


class UnguardedIdentityApi(APIView):
    def get(self, request, subject_id):
        subject = Subject.objects.select_related("owner", "municipality").get(pk=subject_id)
        attributes = tuple(AttributeView(a.kind, a.get_kind_display(), a.display) for a in subject.attributes.all())
        decision = Decision(Effect.ALLOW, None, "", "")
        return Response(IdentityOutput(IdentityView(subject, decision, attributes)).data)


urlpatterns = [
    path("bench/subjects/<uuid:subject_id>/", UnguardedIdentityApi.as_view()),
    path("", include("keten.urls")),
]
