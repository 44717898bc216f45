"""Telling memberships: once per key (a repeated call tells nobody twice), one audit event per call, an e-mail per
new notice once the transaction commits (without anything of the notice in it), and marking one's own as read."""

import pytest
from django.core import mail
from django.db import transaction

from keten.accounts.actor import Actor
from keten.accounts.models import User
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core.errors import PermissionDenied
from keten.notifications.models import Notification
from keten.notifications.services import mark_all_read, mark_read, notify
from keten.notifications.tasks import send_notification_email

pytestmark = pytest.mark.django_db

TITLE = "Signaal M-TEST01 uit Amsterdam is met uw organisatie gedeeld"


def _notify(*memberships, key="signal:test:shared", **values):
    values = {"kind": "routing", "title": TITLE, "link": "/signalen/"} | values
    return notify(memberships=memberships, key=key, **values)


def test_each_membership_is_told_once_per_key(demo):
    coordinator, chair = demo[Role.CARE_COORDINATOR], demo[Role.TABLE_CHAIR]
    assert len(_notify(coordinator)) == 1
    again = _notify(coordinator, chair)
    assert [n.recipient_id for n in again] == [chair.pk]  # the coordinator was told already
    assert _notify(coordinator, chair) == []
    assert Notification.objects.filter(key="signal:test:shared").count() == 2
    assert len(_notify(coordinator, key="signal:test:overdue", kind="overdue")) == 1  # another matter


def test_one_audit_event_per_call_that_tells_anyone_without_an_actor(demo):
    before = AuditEvent.objects.count()
    _notify(demo[Role.CARE_COORDINATOR], demo[Role.TABLE_CHAIR], purpose="signal_assessment")
    event = AuditEvent.objects.order_by("-occurred_at", "-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.actor_id, event.action, event.object_type, event.object_id) == (
        None, "create", "notifications.notification", "signal:test:shared")
    _notify(demo[Role.CARE_COORDINATOR])
    assert AuditEvent.objects.count() == before + 1  # nothing new, nothing recorded


@pytest.mark.parametrize("link", ["https://elders.example/", "//elders.example/pad", "signalen/", "/\\elders"])
def test_a_notice_only_links_inside_keten(demo, link):
    with pytest.raises(ValueError):
        _notify(demo[Role.CARE_COORDINATOR], link=link)
    assert not Notification.objects.filter(key="signal:test:shared").exists()


def test_the_mail_goes_out_on_commit_once_and_holds_nothing_of_the_notice(demo, settings,
                                                                          django_capture_on_commit_callbacks):
    settings.KETEN_BASE_URL = "https://keten.example.nl/"
    coordinator = demo[Role.CARE_COORDINATOR]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        (notice,) = _notify(coordinator, link="/signalen/00000000-0000-0000-0000-000000000001/")
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.to == [coordinator.user.email]
    assert "M-TEST01" not in message.subject + message.body and "Amsterdam" not in message.subject + message.body
    assert "https://keten.example.nl/signalen/00000000-0000-0000-0000-000000000001/" in message.body
    assert "https://keten.example.nl/meldingen/" in message.body
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert send_notification_email.enqueue(str(notice.pk)).return_value is False  # delivered twice: one mail
    assert len(mail.outbox) == 1


def test_a_rolled_back_notice_sends_nothing(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        _notify(demo[Role.CARE_COORDINATOR])
        raise RuntimeError("the registration failed")
    assert mail.outbox == [] and not Notification.objects.filter(key="signal:test:shared").exists()


def test_someone_without_an_address_or_account_has_the_notice_in_keten_only(demo,
                                                                           django_capture_on_commit_callbacks):
    coordinator, chair = demo[Role.CARE_COORDINATOR], demo[Role.TABLE_CHAIR]
    User.objects.filter(pk=coordinator.user_id).update(email="")
    User.objects.filter(pk=chair.user_id).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notices = _notify(coordinator, chair)
    assert len(notices) == 2 and mail.outbox == []
    assert all(n.emailed_at is None for n in Notification.objects.filter(key="signal:test:shared"))


def test_the_recipient_marks_their_own_as_read_and_nobody_elses(demo):
    coordinator, chair = demo[Role.CARE_COORDINATOR], demo[Role.TABLE_CHAIR]
    (own,) = _notify(coordinator)
    (other,) = _notify(chair)
    with pytest.raises(PermissionDenied):
        mark_read(actor=Actor.of(coordinator), notification=other)
    mark_read(actor=Actor.of(coordinator), notification=own)
    own.refresh_from_db(), other.refresh_from_db()
    assert own.is_read and not other.is_read
    assert AuditEvent.objects.filter(action="update", object_id=str(own.pk), actor=coordinator.user).count() == 1
    mark_read(actor=Actor.of(coordinator), notification=own)  # again: nothing changes, nothing recorded
    assert AuditEvent.objects.filter(action="update", object_id=str(own.pk)).count() == 1


def test_all_read_reads_only_the_actors_own(demo):
    coordinator, chair = demo[Role.CARE_COORDINATOR], demo[Role.TABLE_CHAIR]
    _notify(coordinator)
    _notify(coordinator, key="signal:test:overdue", kind="overdue")
    _notify(chair)
    assert mark_all_read(actor=Actor.of(coordinator)) == 2
    assert not Notification.objects.filter(recipient=coordinator, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=chair, read_at__isnull=True).count() == 1
    assert mark_all_read(actor=Actor.of(coordinator)) == 0
