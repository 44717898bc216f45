"""Pages of notifications: the recipient's list, and marking one or all as read (POST, own notices only)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from keten.accounts.actor import Actor
from keten.accounts.permissions import login_required
from keten.core.paging import page_numbers
from keten.notifications import selectors, services


@require_GET
@login_required
def notification_list(request):
    page = selectors.notifications_for(membership=request.membership, page=request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "results": page, "page_numbers": page_numbers(page.number, page.num_pages),
        "unread": selectors.unread_count(membership=request.membership),
    })


@require_POST
@login_required
def notification_mark_read(request, notification_id):
    notification = selectors.notification_of(membership=request.membership, notification_id=notification_id)
    if notification is None:
        raise Http404
    services.mark_read(actor=Actor.of(request.membership), notification=notification)
    messages.success(request, _("De melding is gemarkeerd als gelezen."))
    page = request.POST.get("page", "")
    # Back to the page the button was on, so the reader keeps their place in a long list.
    return redirect(reverse("notifications:list") + (f"?page={page}" if page.isdigit() and page != "1" else ""))


@require_POST
@login_required
def notification_mark_all_read(request):
    count = services.mark_all_read(actor=Actor.of(request.membership))
    if count:
        messages.success(request, ngettext("{count} melding gemarkeerd als gelezen.",
                                           "{count} meldingen gemarkeerd als gelezen.", count).format(count=count))
    else:
        messages.info(request, _("U had geen ongelezen meldingen."))
    return redirect("notifications:list")
