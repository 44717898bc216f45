"""How the API knows who calls: a browser session with MFA, or an organisation's scoped token."""

from datetime import timedelta

from allauth.mfa.utils import is_mfa_enabled
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission

from keten.accounts.models import TokenScope
from keten.accounts.selectors import token_for_key
from keten.accounts.services import token_mark_used
from keten.core.clock import now


class OrganisationTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`: a system acting for one organisation, within the token's scopes."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = token_for_key(key)
        invalid = exceptions.AuthenticationFailed(_("Ongeldige of ingetrokken sleutel."))
        if token is None or token.revoked_at is not None:
            raise invalid
        if token.expires_at is not None and token.expires_at <= now():
            raise invalid
        membership = token.membership
        if not (membership.is_active and membership.user.is_active):
            raise invalid
        if token.last_used_at is None or now() - token.last_used_at > timedelta(minutes=5):
            token_mark_used(token=token)  # at most every five minutes: a busy system must not write per call
        return (membership.user, token)

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            request._request.membership = result[1].membership
        return result


class MfaSessionAuthentication(SessionAuthentication):
    """A browser session counts only once the user has a second factor (the middleware enforces the same)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        enabled = getattr(request._request, "keten_mfa_enabled", None)
        if not (enabled if enabled is not None else is_mfa_enabled(result[0])):
            raise exceptions.PermissionDenied(_("Stel eerst tweestapsverificatie in."))
        return result


class HasActiveMembership(BasePermission):
    """Logged in, acting in an active membership; a token also needs the scope for the method."""

    message = _("U heeft geen actieve rol in Keten voor deze handeling.")

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if getattr(request._request, "membership", None) is None:
            return False
        token = request.auth if hasattr(request.auth, "scopes") else None
        if token is None:
            return True
        needed = TokenScope.READ if request.method in SAFE_METHODS else TokenScope.WRITE
        return needed in token.scopes

