"""Request-level rules of the accounts app: session lifetime, MFA for everyone, the active membership."""

from datetime import datetime

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from keten.accounts.selectors import active_membership_for
from keten.core.clock import now

LOGIN_AT_KEY = "keten_login_at"
ACTIVE_MEMBERSHIP_KEY = "keten_membership"


class SessionLifetimeMiddleware:
    """End a session 12 hours after login, however active it was (the idle limit is the cookie's age)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(LOGIN_AT_KEY)
            if started is None:
                request.session[LOGIN_AT_KEY] = now().isoformat()
            elif now() - datetime.fromisoformat(started) > settings.KETEN_SESSION_ABSOLUTE_LIMIT:
                logout(request)
                messages.info(request, _("Uw sessie is verlopen. Log opnieuw in."))
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)


# Pages a logged-in user without MFA may still reach: enrolment itself, logging out, language, health, and
# the public HSDS API (open to everyone anyway).
MFA_ENROLMENT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/health", "/api/hsds/")


class MfaRequiredMiddleware:
    """Every account needs a second factor: until it has one, the user can only enrol."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(MFA_ENROLMENT_PREFIXES):
            # Kept on the request, so that the API's session authentication need not ask again.
            request.keten_mfa_enabled = is_mfa_enabled(user)
        if getattr(request, "keten_mfa_enabled", True) is False:
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Stel eerst tweestapsverificatie in voordat u de API gebruikt.")}, status=403
                )
            messages.info(request, _("Stel eerst tweestapsverificatie in. Dat is verplicht voor iedereen."))
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class ActiveMembershipMiddleware:
    """Attach the membership the user acts in (chosen in the header) as request.membership."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # API token requests are authenticated later, by DRF, which then sets the token's membership.
        request.membership = (
            active_membership_for(request.user, request.session.get(ACTIVE_MEMBERSHIP_KEY))
            if request.user.is_authenticated
            else None
        )
        return self.get_response(request)
