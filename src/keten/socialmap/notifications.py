"""Asking organisations to check their stale social-map entries (not verified for six months)."""

from collections import defaultdict

from django.core.mail import send_mail
from django.db.models import Q
from django.utils.translation import gettext as _

from keten.accounts.models import Membership
from keten.accounts.roles import Role
from keten.core.clock import now
from keten.socialmap.models import STALE_AFTER, Service


def stale_services_by_maintainer() -> dict:
    stale = (Service.objects.filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=now() - STALE_AFTER))
             .exclude(organization__maintainer=None).select_related("organization__maintainer").order_by("name"))
    grouped = defaultdict(list)
    for service in stale:
        grouped[service.organization.maintainer].append(service)
    return grouped


def notify_stale_services(*, base_url: str) -> int:
    """E-mail the functional administrators of each organisation with stale entries; returns the mails sent."""
    sent = 0
    for organisation, services in stale_services_by_maintainer().items():
        admins = Membership.objects.filter(organisation=organisation, role=Role.FUNCTIONAL_ADMIN, is_active=True,
                                           user__is_active=True).values_list("user__email", flat=True)
        if not admins:
            continue
        names = "\n".join(f"- {service.name}" for service in services)
        send_mail(
            subject=_("Keten: {count} vermeldingen op de sociale kaart controleren").format(count=len(services)),
            message=_("Deze diensten van {organisation} zijn langer dan zes maanden niet gecontroleerd:\n\n{names}"
                      "\n\nControleer ze via {url}").format(organisation=organisation.name, names=names,
                                                             url=f"{base_url}/sociale-kaart/beheer/"),
            from_email=None, recipient_list=sorted(set(admins)),
        )
        sent += 1
    return sent
