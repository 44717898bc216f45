"""Writes of notifications: telling memberships (once per key), and a recipient marking what they have read."""

import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial

from django.db import transaction

from keten.accounts.actor import Actor
from keten.accounts.models import Membership
from keten.audit.services import record as audit
from keten.core.clock import now
from keten.core.errors import PermissionDenied
from keten.notifications.models import Notification, NotificationKind
from keten.notifications.tasks import send_notification_email

OBJECT_TYPE = Notification._meta.label_lower
MAX_TITLE_CHARS = Notification._meta.get_field("title").max_length


def _is_internal_path(link: str) -> bool:
    # "//host/..." is a path to a browser but leaves Keten; a notice only ever points inside it.
    return link.startswith("/") and not link.startswith("//") and "\\" not in link


_quiet: ContextVar[bool] = ContextVar("keten_notifications_quiet", default=False)


@contextmanager
def quiet():
    """Tell nobody while this block runs: for seeding invented demo work, which should not reach anyone's
    notices or mailbox."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


@transaction.atomic
def notify(*, memberships: Iterable[Membership | uuid.UUID], kind: str, title: str, link: str, key: str,
           purpose: str = "") -> list[Notification]:
    """Tell each of `memberships` (or their ids) about `key`, unless they were told before: the ones created now.

    One audit event covers the call (no actor: the system tells); each new notice gets its e-mail task once the
    transaction commits, so a rolled-back registration sends nothing. Two scans racing each other meet at the
    unique key: what the other inserted is skipped, not sent twice."""
    if _quiet.get():
        return []
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    if not _is_internal_path(link):
        raise ValueError(f"A notification links inside Keten, with a path; got {link!r}.")
    wanted = {getattr(membership, "pk", membership) for membership in memberships}
    told = set(Notification.objects.filter(key=key, recipient_id__in=wanted).values_list("recipient_id", flat=True))
    title = str(title)[:MAX_TITLE_CHARS]
    new = [Notification(recipient_id=pk, kind=kind, title=title, link=link, key=key)
           for pk in sorted(wanted - told, key=str)]
    if not new:
        return []
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    # The ids were drawn here, so the rows found under them are exactly the ones this call inserted.
    created = list(Notification.objects.filter(pk__in=[n.pk for n in new]).order_by("recipient_id"))
    if created:
        audit(actor=None, action="create", object_type=OBJECT_TYPE, object_id=key, purpose=purpose)
        _send_emails_on_commit(created)
    return created


def _send_emails_on_commit(notifications: list[Notification]) -> None:
    for notification in notifications:
        transaction.on_commit(partial(send_notification_email.enqueue, str(notification.pk)))


def _require_recipient(actor: Actor, notification: Notification) -> None:
    if notification.recipient_id != actor.membership.pk:
        raise PermissionDenied()


@transaction.atomic
def mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """The recipient has seen this notice; reading it again changes nothing."""
    _require_recipient(actor, notification)
    if notification.read_at is None:
        notification.read_at = now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at, updated_at=notification.read_at)
        audit(actor=actor, action="update", target=notification)
    return notification


@transaction.atomic
def mark_all_read(*, actor: Actor) -> int:
    """Every unread notice of the actor's membership is read now (never another's); returns how many."""
    moment = now()
    count = Notification.objects.filter(recipient=actor.membership, read_at__isnull=True).update(
        read_at=moment, updated_at=moment)
    if count:
        audit(actor=actor, action="update", object_type=OBJECT_TYPE, object_id=f"membership:{actor.membership.pk}")
    return count
