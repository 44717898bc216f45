"""API endpoints of signals: list those policy lets the caller see, register one (at most once per
Idempotency-Key), read one as policy allows, and move one through its workflow. The services write and check,
the selectors read and audit; these translate, and turn the services' refusals into 4xx answers."""

import hashlib
import json
import re

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from keten.accounts.actor import Actor
from keten.accounts.api_auth import HasActiveMembership
from keten.core.errors import ConcurrentUpdate, DomainError, PermissionDenied
from keten.identity import selectors as identity
from keten.intake import selectors, services
from keten.intake.serializers import (
    FilterInput,
    SignalCreateInput,
    SignalDetailOutput,
    SignalOutput,
    SignalPage,
    TransitionInput,
)
from keten.policy.purposes import default_purpose

IDEMPOTENCY_HEADER = "Idempotency-Key"
#: Visible ASCII without spaces, as a client generates it (a UUID, a hash): nothing that could smuggle data.
IDEMPOTENCY_KEY_FORMAT = re.compile(r"[\x21-\x7e]{1,255}")
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER, str, location=OpenApiParameter.HEADER, required=False,
    description="Eigen sleutel van het verzoek (bijvoorbeeld een UUID). Hetzelfde verzoek opnieuw met dezelfde "
                "sleutel geeft het eerder geregistreerde signaal terug (200) in plaats van een tweede; een ander "
                "verzoek met dezelfde sleutel wordt geweigerd (422). Een sleutel geldt 24 uur, per account.")


class CanUseSignals(BasePermission):
    """The roles policy lets see signals at all; registering (a POST to a view marked `registering`) also needs a
    reporting role. What each may see or do with one signal, policy and the services decide."""

    message = gettext_lazy("Uw rol geeft geen toegang tot signalen.")

    def has_permission(self, request, view) -> bool:
        role = request._request.membership.role
        if request.method == "POST" and getattr(view, "registering", False):
            self.message = _("Als {role} kunt u geen signalen registreren.").format(
                role=request._request.membership.get_role_display())
            return role in services.REGISTERING_ROLES
        return role in selectors.SIGNAL_ROLES


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class SignalPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def _actor(request) -> tuple[Actor, str]:
    actor = Actor.of(request._request.membership)
    return actor, default_purpose(actor.role)


def _refusal(error: DomainError) -> exceptions.APIException:
    """A service's refusal as the answer a client can act on; InvalidSignal names its input."""
    if isinstance(error, services.InvalidSignal):
        return exceptions.ValidationError({error.field: [error.message]})
    if isinstance(error, services.IdempotencyMismatch):
        return Unprocessable(error.message)
    if isinstance(error, PermissionDenied):
        return exceptions.PermissionDenied(error.message)
    if isinstance(error, ConcurrentUpdate):
        return Conflict(error.message)
    return exceptions.ValidationError({"detail": error.message})


def _fingerprint(data) -> str:
    """SHA-256 of the body as canonical JSON, so key order and spacing do not make a retry look different."""
    plain = dict(data.lists()) if hasattr(data, "lists") else data
    canonical = json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _idempotency_key(request) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is not None and not IDEMPOTENCY_KEY_FORMAT.fullmatch(key):
        raise exceptions.ValidationError({IDEMPOTENCY_HEADER: [_(
            "Een Idempotency-Key bestaat uit 1 tot 255 zichtbare tekens zonder spaties.")]})
    return key


def _people(actor: Actor, purpose: str, rows: list[dict]) -> list[services.PersonInput]:
    people = []
    for row in rows:
        subject = None
        if row["subject"] is not None:
            subject = identity.subject_for(actor=actor, subject_id=row["subject"], purpose=purpose)
            if subject is None:  # the same answer whether it does not exist or is out of reach
                raise exceptions.ValidationError({"people": [_("Deze persoon is onbekend of voor u niet "
                                                               "zichtbaar.")]})
        people.append(services.PersonInput(
            role=row["role"], estimated_age=row["estimated_age"], is_minor=row["is_minor"], subject=subject,
            attributes=tuple((value["kind"], value["value"]) for value in row["attributes"])))
    return people


def _consent(consent_id, people: list[services.PersonInput]):
    if consent_id is None:
        return None
    for person in people:
        if person.subject is not None:
            consent = identity.consent_of(person.subject, consent_id)
            if consent is not None:
                return consent
    raise exceptions.ValidationError({"consent": [_("Deze toestemming hoort niet bij een vermoedelijk slachtoffer "
                                                    "in dit signaal.")]})


class SignalListApi(APIView):
    permission_classes = [HasActiveMembership, CanUseSignals]
    registering = True

    @extend_schema(parameters=[FilterInput], responses=SignalPage, summary="Signalen die u mag zien",
                   operation_id="signals_list",
                   description="Nieuwste eerst, 25 per pagina (`page`, `page_size` tot 100).")
    def get(self, request):
        filters = FilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        actor, purpose = _actor(request)
        # visible_to first (in the selector), then the caller's filter: a filter can only narrow.
        signals = selectors.signals_visible(actor=actor, purpose=purpose).filter(
            **filters.validated_data).prefetch_related("forms")
        paginator = SignalPagination()
        page = paginator.paginate_queryset(signals, request, view=self)
        return paginator.get_paginated_response(SignalOutput(page, many=True).data)

    @extend_schema(
        parameters=[IDEMPOTENCY_PARAMETER], request=SignalCreateInput,
        responses={201: SignalOutput, 200: OpenApiResponse(SignalOutput, description="Herhaald verzoek: het "
                                                                                      "eerder geregistreerde "
                                                                                      "signaal."),
                   400: OpenApiResponse(description="Ongeldige invoer, per veld; er is niets opgeslagen."),
                   422: OpenApiResponse(description="Idempotency-Key al gebruikt voor een ander verzoek.")},
        summary="Een signaal registreren", operation_id="signals_create")
    def post(self, request):
        key = _idempotency_key(request)
        data = SignalCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        actor, purpose = _actor(request)
        values = dict(data.validated_data)
        values["people"] = _people(actor, purpose, values["people"])
        values["consent"] = _consent(values["consent"], values["people"])
        values["entities"] = [(value["kind"], value["value"]) for value in values["entities"]]
        try:
            if key is None:
                signal, created = services.signal_register(actor=actor, **values), True
            else:
                signal, created = services.signal_register_idempotent(
                    actor=actor, key=key, fingerprint=_fingerprint(request.data), **values)
        except DomainError as error:
            raise _refusal(error) from error
        return Response(SignalOutput(signal).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


def _signal_or_404(request, signal_id):
    actor, purpose = _actor(request)
    signal = selectors.signal_for(actor=actor, signal_id=signal_id, purpose=purpose)
    if signal is None:
        raise Http404
    return actor, purpose, signal


class SignalDetailApi(APIView):
    permission_classes = [HasActiveMembership, CanUseSignals]

    @extend_schema(responses=SignalDetailOutput, summary="Eén signaal, zoals u het mag zien",
                   operation_id="signals_retrieve")
    def get(self, request, signal_id):
        actor, purpose, signal = _signal_or_404(request, signal_id)
        try:
            view = selectors.signal_view(actor=actor, signal=signal, purpose=purpose)
        except DomainError as error:
            raise _refusal(error) from error
        return Response(SignalDetailOutput(view).data)


class SignalTransitionApi(APIView):
    permission_classes = [HasActiveMembership, CanUseSignals]

    @extend_schema(
        request=TransitionInput,
        responses={200: SignalOutput,
                   400: OpenApiResponse(description="Deze stap is vanaf de huidige status niet mogelijk, of mist "
                                                    "wat hij nodig heeft (de reden staat erbij)."),
                   403: OpenApiResponse(description="Deze stap is niet aan u."),
                   409: OpenApiResponse(description="Iemand anders heeft het signaal intussen gewijzigd.")},
        summary="Een signaal een stap verder zetten", operation_id="signals_transition")
    def post(self, request, signal_id):
        actor, _purpose, signal = _signal_or_404(request, signal_id)
        data = TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            services.signal_transition(actor=actor, signal=signal, to_status=values["to_status"],
                                       expected_version=values["version"], close_reason=values["close_reason"],
                                       referred_to=values["referred_to"], note=values["note"])
        except DomainError as error:
            raise _refusal(error) from error
        return Response(SignalOutput(signal).data)
