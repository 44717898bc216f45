"""Template context every page needs: the navigation for the active role."""

from keten.web.navigation import navigation_for


def navigation(request):
    membership = getattr(request, "membership", None)
    return {"nav_items": navigation_for(membership)}
