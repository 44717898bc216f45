"""allauth adapters: nobody signs up on their own, and the one TOTP authenticator cannot be removed."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator


class KetenAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by a functional administrator of the user's organisation.
        return False


class KetenMfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # MFA is required for everyone: removing the TOTP authenticator would lock the user out of Keten.
        return authenticator.type != Authenticator.Type.TOTP


def axes_username(request, credentials) -> str:
    """The attempted login name, as axes counts failures against it (lower-cased, so case can't evade)."""
    value = (credentials or {}).get("email") or (credentials or {}).get("username")
    if not value and request is not None:
        value = request.POST.get("login", "")
    return (value or "").strip().lower()
