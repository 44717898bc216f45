"""Reads of notifications: a recipient's own, newest first and a page at a time, and how many are unread.

Notices hold operational words only (no personal data of anyone but the recipient), so reading them is not
audited."""

from dataclasses import dataclass

from django.core.paginator import Paginator

from keten.accounts.models import Membership
from keten.notifications.models import Notification

PAGE_SIZE = 25


@dataclass(frozen=True)
class NotificationPage:
    """One page of a recipient's notices, shaped as web/includes/pagination.html reads it."""

    items: list[Notification]
    number: int
    num_pages: int
    count: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def notifications_for(*, membership: Membership, page=1, page_size: int = PAGE_SIZE) -> NotificationPage:
    """The membership's notices, newest first; `page` as the query string gives it (out of range: the last)."""
    found = Paginator(Notification.objects.filter(recipient=membership), page_size).get_page(page)
    return NotificationPage(items=list(found.object_list), number=found.number,
                            num_pages=found.paginator.num_pages, count=found.paginator.count)


def notification_of(*, membership: Membership, notification_id) -> Notification | None:
    """One notice, if it is this membership's; None otherwise (the view answers 404 either way)."""
    return Notification.objects.filter(recipient=membership, pk=notification_id).first()


def unread_count(*, membership: Membership | None) -> int:
    if membership is None:
        return 0
    return Notification.objects.filter(recipient=membership, read_at__isnull=True).count()
