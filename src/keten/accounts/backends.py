"""Authentication backend: allauth's e-mail login, closed to system accounts and (outside development)
to the demo accounts."""

from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings


class KetenAuthenticationBackend(AuthenticationBackend):
    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        if getattr(user, "is_system", False):
            return False  # API systems use tokens, never a password session
        # Demo accounts have known credentials: they exist only to try Keten out on a laptop.
        return not (getattr(user, "is_demo", False) and not settings.KETEN_DEV)
