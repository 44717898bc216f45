"""API endpoints of the accounts app."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class WhoAmIOutput(serializers.Serializer):
    email = serializers.EmailField()
    organisation = serializers.CharField()
    organisation_type = serializers.CharField()
    role = serializers.CharField()
    region = serializers.CharField(allow_null=True)


class WhoAmIApi(APIView):
    """Who the API sees: the caller's organisation, role and region scope (for a system, its token's)."""

    @extend_schema(responses=WhoAmIOutput, summary="Wie ben ik voor de API")
    def get(self, request):
        membership = request._request.membership
        data = {
            "email": request.user.email,
            "organisation": membership.organisation.name,
            "organisation_type": membership.organisation.type,
            "role": membership.role,
            "region": membership.region.code if membership.region_id else None,
        }
        return Response(WhoAmIOutput(data).data)
