"""Sending the minutes of a closed meeting: each participant gets their own copy, its digest is kept, they are
notified, and every sending is audited per recipient."""

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.audit.services import record as audit
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.notifications.models import NotificationKind
from keten.notifications.services import notify
from keten.signaltable.minutes import RECORD_LANGUAGE, digest, minutes_copy, minutes_title, recipients
from keten.signaltable.models import Meeting, MeetingStatus, MinutesDispatch
from keten.signaltable.selectors import PURPOSE, is_chair

#: Notification keys hold at most 64 characters: the meeting's id (36) and the start of the copy's digest.
KEY_DIGEST_CHARS = 19


def notification_key(meeting: Meeting, copy_digest: str) -> str:
    """One notice per recipient per version of their copy. Notices are unique per recipient and key, so the
    recipient is already part of it; the digest makes a changed copy (an action done since) a new notice, while
    sending the same copy again does not notify twice."""
    return f"minutes:{meeting.pk}:{copy_digest[:KEY_DIGEST_CHARS]}"


@transaction.atomic
def minutes_send(*, actor: Actor, meeting: Meeting) -> list[MinutesDispatch]:
    """Send every participant (the chair included) their own copy. Sending again sends again: new dispatches
    and audit events, each with the digest of the copy as it is now; a notice only when the copy changed."""
    if not is_chair(actor, meeting):
        raise PermissionDenied(_("Alleen de voorzitter van dit overleg verstuurt het verslag."))
    if meeting.status != MeetingStatus.CLOSED:
        raise ValidationFailed(_("Het verslag wordt verstuurd als het overleg is afgerond. Rond het overleg eerst "
                                 "af."))
    link = reverse("signaltable:minutes", kwargs={"meeting_id": meeting.pk})
    with translation.override(RECORD_LANGUAGE):
        title = minutes_title(region=meeting.region.name, scheduled_at=meeting.scheduled_at)
    sent = []
    for recipient in recipients(meeting):
        # The copy of record is the Dutch one: its digest must not depend on the sender's language.
        with translation.override(RECORD_LANGUAGE):
            copy = minutes_copy(meeting, recipient)
            fingerprint = digest(copy)
        dispatch = MinutesDispatch.objects.create(meeting=meeting, recipient=recipient, sent_by=actor.membership,
                                                  digest=fingerprint)
        notify(memberships=[recipient], kind=NotificationKind.TABLE, title=title, link=link,
               key=notification_key(meeting, fingerprint), purpose=PURPOSE)
        audit(actor=actor, action="share", target=meeting, purpose=PURPOSE, basis=copy.basis, decision=copy.mode)
        sent.append(dispatch)
    return sent
