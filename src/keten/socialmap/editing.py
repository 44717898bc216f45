"""Reads for editing the social map: the services an administrator may keep, stale ones first."""

from django.db.models import F, Q, QuerySet

from keten.accounts.actor import Actor
from keten.socialmap.models import Service


def editable_services(actor: Actor, *, query: str = "") -> QuerySet[Service]:
    services = Service.objects.select_related("organization")
    if not actor.is_national:
        services = services.filter(organization__maintainer=actor.organisation)
    if query:
        services = services.filter(Q(name__icontains=query) | Q(organization__name__icontains=query))
    # Never checked first, then the longest unchecked: what most needs attention is on top.
    return services.order_by(F("last_verified_at").asc(nulls_first=True), "name")


def editable_service(actor: Actor, service_id) -> Service | None:
    return editable_services(actor).filter(pk=service_id).first()
