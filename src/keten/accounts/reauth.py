"""Asking for the password again before the gravest acts (exporting personal data, revealing an identity at the
table, a secret address): a login or re-authentication within ACCOUNT_REAUTHENTICATION_TIMEOUT counts as fresh."""

import time
from functools import wraps
from urllib.parse import urlencode

from allauth.account import app_settings
from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core.exceptions import ReauthenticationRequired
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpResponse


def is_fresh(request) -> bool:
    """Whether the user proved who they are (password or second factor, at login or again) recently enough."""
    if not request.user.is_authenticated:
        return False
    moments = [record["at"] for record in get_authentication_records(request, request.user)
               if record.get("method") in app_settings.REAUTHENTICATION_METHODS]
    return bool(moments) and time.time() - max(moments) < app_settings.REAUTHENTICATION_TIMEOUT


def fresh_login_required(view=None, *, only_post: bool = False):
    """Send a user whose proof is stale to allauth's re-authentication first; afterwards allauth resumes the
    request (a POST with what was posted). An htmx fragment asks the browser to go there as a whole page.
    only_post: a form may be shown to anyone; only sending it needs the fresh proof."""
    if view is None:
        return lambda function: fresh_login_required(function, only_post=only_post)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if (request.method == "POST" or not only_post) and not is_fresh(request):
            if request.headers.get("HX-Request") and request.user.is_authenticated:
                methods = get_adapter().get_reauthentication_methods(request.user)
                response = HttpResponse(status=204)
                response["HX-Redirect"] = f"{methods[0]['url']}?{urlencode({REDIRECT_FIELD_NAME: request.path})}"
                return response
            # allauth's AccountMiddleware turns this into the redirect, and keeps a POST to replay.
            raise ReauthenticationRequired()
        return view(request, *args, **kwargs)

    return wrapper
