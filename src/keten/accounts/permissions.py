"""View guards: deny by default, allow the roles a page names."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils.translation import gettext as _

from keten.accounts.roles import Role


def deny(request, reason: str):
    """The refusal page: says why, and never what is behind it."""
    return render(request, "web/denied.html", {"reason": reason}, status=403)


def role_required(*roles: Role, national: bool = False):
    """Allow only users whose active membership has one of `roles` (and national scope if `national`)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = request.membership
            if membership is None:
                return deny(request, _("U heeft geen actieve rol in Keten. Vraag uw functioneel beheerder."))
            if membership.role not in roles:
                return deny(request, _("Deze pagina is niet beschikbaar voor uw rol ({role}).").format(
                    role=membership.get_role_display()))
            if national and not membership.is_national:
                return deny(request, _("Deze pagina is alleen voor landelijke beheerders."))
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = frozenset(roles)
        return wrapper

    return decorator


def login_required(view):
    """Any logged-in user with an active membership."""
    return role_required(*Role)(view)
