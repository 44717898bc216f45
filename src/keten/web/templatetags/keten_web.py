"""Layout data for the templates: the user's memberships for the role switcher and the home dashboard."""

from django import template

from keten.accounts.selectors import memberships_of
from keten.web.dashboards import Dashboard, dashboard_for

register = template.Library()


@register.simple_tag
def memberships_for(user) -> list:
    """The active memberships the user may switch between (none for anonymous users)."""
    if user is None or not user.is_authenticated:
        return []
    return list(memberships_of(user))


@register.simple_tag(name="dashboard_for")
def dashboard_for_tag(membership) -> Dashboard | None:
    return dashboard_for(membership)


@register.filter
def nav_current(url: str, path: str) -> str:
    """The aria-current value of a menu item: "page" on the page itself, "true" on the pages below it."""
    if path == url:
        return "page"
    if url != "/" and path.startswith(url):
        return "true"
    return ""
