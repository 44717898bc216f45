"""Writes of the accounts app: a functional administrator manages the people and systems of their own
organisation, and nobody else's."""

import secrets
import uuid

from allauth.account.forms import ResetPasswordForm
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.models import ApiToken, Membership, Organisation, TokenScope, User
from keten.accounts.roles import Role
from keten.core.clock import now
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.core.events import record_write
from keten.regions.models import Region

#: Roles an API token may act in: a system never administers, nor supervises privacy.
TOKEN_ROLES = frozenset(Role) - {Role.FUNCTIONAL_ADMIN, Role.PRIVACY_OFFICER}


def _require_admin_of(actor: Actor, organisation: Organisation) -> None:
    if actor.role != Role.FUNCTIONAL_ADMIN or actor.organisation.pk != organisation.pk:
        raise PermissionDenied(_("Alleen een functioneel beheerder van deze organisatie mag dit doen."))


def _check_region(organisation: Organisation, region: Region | None) -> None:
    if region is not None and not organisation.regions.filter(pk=region.pk).exists():
        raise ValidationFailed(_("Deze regio hoort niet bij het werkgebied van de organisatie."))


@transaction.atomic
def user_invite(*, actor: Actor, email: str, full_name: str, role: str, region: Region | None) -> User:
    """Give a person a role at the actor's organisation; a new person gets an account without password
    (they choose one through the e-mailed link)."""
    organisation = actor.organisation
    _require_admin_of(actor, organisation)
    _check_region(organisation, region)
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name.strip())
        record_write(actor=actor, action="create", target=user, purpose="administration")
    elif user.is_system:
        raise ValidationFailed(_("Dit e-mailadres hoort bij een systeemkoppeling."))
    membership_add(actor=actor, user=user, role=role, region=region)
    return user


def password_link_send(*, request, user: User) -> None:
    """A new account has no password: the person sets one through allauth's reset link, sent by e-mail (allauth's
    form builds the link from the request). Nothing when the account has a password already."""
    if user.has_usable_password():
        return
    form = ResetPasswordForm(data={"email": user.email})
    if form.is_valid():
        form.save(request)


@transaction.atomic
def membership_add(*, actor: Actor, user: User, role: str, region: Region | None) -> Membership:
    organisation = actor.organisation
    _require_admin_of(actor, organisation)
    _check_region(organisation, region)
    if role not in Role.values:
        raise ValidationFailed(_("Onbekende rol."))
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, region=region, defaults={"is_active": True}
    )
    if not created and membership.is_active:
        raise ValidationFailed(_("Deze persoon heeft deze rol in deze regio al."))
    if not created:
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
    record_write(actor=actor, action="create" if created else "update", target=membership,
                 purpose="administration")
    return membership


@transaction.atomic
def membership_end(*, actor: Actor, membership: Membership) -> None:
    """End one role; it stops counting on the user's next request."""
    _require_admin_of(actor, membership.organisation)
    if membership.pk == actor.membership.pk:
        raise ValidationFailed(_("U kunt uw eigen beheerdersrol niet beëindigen."))
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    record_write(actor=actor, action="update", target=membership, purpose="administration")


@transaction.atomic
def user_deactivate(*, actor: Actor, user: User) -> None:
    """End every role the user has at the actor's organisation. Without roles left elsewhere the account
    itself is closed, which ends its sessions at once (the auth backend refuses inactive users)."""
    organisation = actor.organisation
    _require_admin_of(actor, organisation)
    if user.pk == actor.user.pk:
        raise ValidationFailed(_("U kunt uw eigen account niet deactiveren."))
    ended = Membership.objects.filter(user=user, organisation=organisation, is_active=True).update(
        is_active=False, updated_at=now()
    )
    if not ended:
        raise ValidationFailed(_("Deze persoon heeft geen actieve rol bij uw organisatie."))
    if not Membership.objects.filter(user=user, is_active=True).exists():
        user.is_active = False
        user.save(update_fields=["is_active"])
    # Whatever the person had open ends now, not at their next click: a screen left open shows what the roles
    # showed. (A role elsewhere is kept; they log in again to act in it.)
    end_sessions_of(user)
    record_write(actor=actor, action="update", target=user, purpose="administration")


def end_sessions_of(user: User) -> int:
    """Delete every stored session logged in as `user` (sessions live in the database); returns how many."""
    ended = [session.pk for session in Session.objects.filter(expire_date__gt=now()).iterator()
             if session.get_decoded().get(SESSION_KEY) == str(user.pk)]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def token_issue(*, actor: Actor, name: str, role: str, region: Region | None,
                scopes: list[str]) -> tuple[ApiToken, str]:
    """Create an API key for a system of the actor's organisation. The key is returned once, never stored."""
    organisation = actor.organisation
    _require_admin_of(actor, organisation)
    _check_region(organisation, region)
    if role not in TOKEN_ROLES:
        raise ValidationFailed(_("Een systeemkoppeling kan deze rol niet krijgen."))
    if not scopes or not set(scopes) <= set(TokenScope.values):
        raise ValidationFailed(_("Kies ten minste één geldige bevoegdheid."))
    key = secrets.token_urlsafe(32)
    system = User.objects.create_user(
        email=f"system-{uuid.uuid4().hex}@tokens.keten.invalid", password=None, full_name=name,
        is_system=True,
    )
    membership = Membership.objects.create(user=system, organisation=organisation, role=role, region=region)
    token = ApiToken.objects.create(
        organisation=organisation, membership=membership, name=name.strip(), prefix=key[:8],
        key_hash=ApiToken.hash_key(key), scopes=sorted(set(scopes)), created_by=actor.user,
    )
    record_write(actor=actor, action="create", target=token, purpose="administration")
    return token, key


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> None:
    """Revoke a key; the next call with it is refused."""
    _require_admin_of(actor, token.organisation)
    token.revoked_at = now()
    token.save(update_fields=["revoked_at", "updated_at"])
    Membership.objects.filter(pk=token.membership_id).update(is_active=False, updated_at=now())
    record_write(actor=actor, action="update", target=token, purpose="administration")


def token_mark_used(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now())
