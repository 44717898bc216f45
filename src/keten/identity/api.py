"""API endpoints of the identity store: the subjects an actor may see, and one subject's identity as policy
allows (full, masked, or withheld with the reason)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from keten.accounts.actor import Actor
from keten.identity import selectors
from keten.policy.purposes import Purpose, purpose_for

PURPOSE_PARAMETER = OpenApiParameter("purpose", str, enum=Purpose.values,
                                     description="Doel van de verwerking; standaard het doel van uw rol.")


class SubjectOutput(serializers.Serializer):
    id = serializers.UUIDField()
    public_id = serializers.CharField()
    alias = serializers.CharField()
    municipality = serializers.CharField(source="municipality_id", allow_null=True)
    owner = serializers.CharField(source="owner.name")


class AttributeOutput(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField(source="shown")


class IdentityOutput(serializers.Serializer):
    subject = SubjectOutput()
    mode = serializers.ChoiceField(choices=["allow", "pseudonymise", "deny"], source="decision.mode")
    basis = serializers.CharField(source="decision.basis.code", allow_null=True, default=None)
    reason = serializers.CharField(source="decision.reason")
    advice = serializers.CharField(source="decision.advice")
    attributes = AttributeOutput(many=True)


def _context(request) -> tuple[Actor, str]:
    membership = request._request.membership
    return Actor.of(membership), purpose_for(membership.role, request.query_params.get("purpose"))


class SubjectListApi(APIView):
    @extend_schema(parameters=[PURPOSE_PARAMETER], responses=SubjectOutput(many=True),
                   summary="Personen die u mag zien")
    def get(self, request):
        actor, purpose = _context(request)
        return Response(SubjectOutput(selectors.subjects_visible(actor=actor, purpose=purpose), many=True).data)


class SubjectIdentityApi(APIView):
    @extend_schema(parameters=[PURPOSE_PARAMETER], responses=IdentityOutput, summary="Identiteit van een persoon")
    def get(self, request, subject_id):
        actor, purpose = _context(request)
        subject = selectors.subject_for(actor=actor, subject_id=subject_id, purpose=purpose)
        if subject is None:
            raise Http404
        identity = selectors.subject_identity(actor=actor, subject=subject, purpose=purpose)
        return Response(IdentityOutput(identity).data)
