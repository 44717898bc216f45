"""Pages of the minutes: one's own copy of a meeting's minutes (the chair may preview any participant's), the same
copy as a PDF, and the chair sending everyone their copy."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from keten.accounts.actor import Actor
from keten.accounts.permissions import deny, role_required
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.signaltable import minutes, minutes_services, selectors
from keten.signaltable.minutes_pdf import minutes_pdf

table_pages = role_required(*selectors.TABLE_ROLES)
chair_pages = role_required(*selectors.CHAIR_ROLES)


def _meeting_or_404(actor: Actor, meeting_id):
    meeting = selectors.meeting_for(actor=actor, meeting_id=meeting_id)
    if meeting is None:
        raise Http404
    return meeting


def _recipient(request, actor: Actor, meeting):
    """Whose copy is asked for: one's own, or (for the chair) a participant's named by ?voor=."""
    wanted = request.GET.get("voor")
    if not wanted or wanted == str(actor.membership.pk):
        return actor.membership
    if not selectors.is_chair(actor, meeting):
        raise PermissionDenied(_("Alleen de voorzitter kan het exemplaar van een andere deelnemer bekijken."))
    try:
        wanted = uuid.UUID(wanted)
    except ValueError:
        raise Http404 from None
    found = next((m for m in minutes.recipients(meeting) if m.pk == wanted), None)
    if found is None:
        raise Http404
    return found


@require_GET
@table_pages
def minutes_page(request, meeting_id):
    actor = Actor.of(request.membership)
    meeting = _meeting_or_404(actor, meeting_id)
    try:
        recipient = _recipient(request, actor, meeting)
    except PermissionDenied as error:
        return deny(request, error.message)
    copy = minutes.minutes_read(actor=actor, meeting=meeting, recipient=recipient)
    chair = selectors.is_chair(actor, meeting)
    return render(request, "signaltable/minutes.html", {
        "meeting": meeting, "copy": copy, "is_chair": chair, "own": recipient.pk == actor.membership.pk,
        "recipients": minutes.recipients(meeting) if chair else (),
        "dispatches": minutes.dispatches(meeting) if chair else (),
        "shielded_notes": minutes.shielded_notes(), "shielded_police": minutes.shielded_police(),
    })


@require_GET
@table_pages
def minutes_pdf_download(request, meeting_id):
    actor = Actor.of(request.membership)
    meeting = _meeting_or_404(actor, meeting_id)
    try:
        recipient = _recipient(request, actor, meeting)
    except PermissionDenied as error:
        return deny(request, error.message)
    copy = minutes.minutes_read(actor=actor, meeting=meeting, recipient=recipient, action="export")
    response = HttpResponse(minutes_pdf(copy), content_type="application/pdf")
    # The file name says which meeting, never who: minimal data in what leaves Keten.
    day = date_format(localtime(meeting.scheduled_at), "Y-m-d")
    response["Content-Disposition"] = f'attachment; filename="verslag-signaaltafel-{day}.pdf"'
    return response


@require_POST
@chair_pages
def minutes_send(request, meeting_id):
    actor = Actor.of(request.membership)
    meeting = _meeting_or_404(actor, meeting_id)
    try:
        sent = minutes_services.minutes_send(actor=actor, meeting=meeting)
    except PermissionDenied as error:
        return deny(request, error.message)
    except ValidationFailed as error:
        messages.error(request, error.message)
        return redirect("signaltable:minutes", meeting_id=meeting.pk)
    messages.success(request, ngettext("Het verslag is verstuurd naar {count} deelnemer.",
                                       "Het verslag is verstuurd naar {count} deelnemers.",
                                       len(sent)).format(count=len(sent)))
    return redirect("signaltable:minutes", meeting_id=meeting.pk)
