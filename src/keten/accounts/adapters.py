"""allauth adapters: nobody signs up on their own, and the one TOTP authenticator cannot be removed."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from keten.accounts.backends import KetenAuthenticationBackend


class KetenAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by a functional administrator of the user's organisation.
        return False

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None and not KetenAuthenticationBackend().user_can_authenticate(user):
            # allauth goes on with a user whose password matched but who may not log in (closed, a system,
            # a demo account in production) to show an "inactive" page; that would reveal the account.
            # To the visitor it is a wrong password, like any other.
            self.authentication_failed(request, **credentials)
            return None
        return user

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # Enrolling the first second factor is forced on every new login; asking for the password again
        # right after it was given adds nothing, as such a session can do nothing but enrol.
        user = getattr(context.request, "user", None)
        if (
            app == "allauth.mfa"
            and user is not None
            and user.is_authenticated
            and not Authenticator.objects.filter(user=user).exists()
        ):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)


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
