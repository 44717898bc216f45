"""Background work of notifications: the e-mail that says something waits in Keten (`manage.py worker` runs it)."""

import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from keten.core.clock import now
from keten.notifications.models import Notification, NotificationKind

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def absolute_url(path: str) -> str:
    """`path` inside Keten as a full address, from KETEN_BASE_URL (where people reach Keten)."""
    return getattr(settings, "KETEN_BASE_URL", DEFAULT_BASE_URL).rstrip("/") + path


def _message(notification: Notification) -> tuple[str, str]:
    """Subject and body: what kind of notice, and where to find it. Nothing about the signal or any person: a
    mailbox is read on more devices, and by more eyes, than Keten is; the title stays behind the login."""
    subject = _("Keten: er staat iets voor u klaar")
    body = _("Er staat een nieuwe melding voor u klaar in Keten: {kind}.\n\n"
             "Bekijk hem na het inloggen via {url}\n\n"
             "Al uw meldingen: {list_url}\n\n"
             "Dit bericht is automatisch verstuurd. Er staan bewust geen gegevens over signalen of personen "
             "in.").format(
        kind=str(NotificationKind(notification.kind).label).lower(), url=absolute_url(notification.link),
        list_url=absolute_url(reverse("notifications:list")))
    return subject, body


@task()
def send_notification_email(notification_id: str) -> bool:
    """Mail the recipient of one notification, once; True when a mail went out. Someone without an address, or
    whose account or role has ended, has the notice in Keten only."""
    notification = (Notification.objects.select_related("recipient__user")
                    .filter(pk=uuid.UUID(notification_id)).first())
    if notification is None:
        return False
    user = notification.recipient.user
    if not (user.email and user.is_active and not user.is_system and notification.recipient.is_active):
        return False
    # Claimed with one conditional update: a task delivered twice sends one mail.
    if not Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=now()):
        return False
    try:
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = _message(notification)
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
    except Exception:
        # Not sent: free the claim, so a retry of the task can send it.
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        raise
    return True
