"""Template context every page needs: the navigation for the active role, and its unread notifications."""

from functools import partial

from keten.notifications.selectors import unread_count
from keten.web.navigation import navigation_for


def navigation(request):
    membership = getattr(request, "membership", None)
    # A callable: the template counts only when it shows the badge (a logged-in page), not on every render.
    return {"nav_items": navigation_for(membership),
            "unread_notifications": partial(unread_count, membership=membership)}
