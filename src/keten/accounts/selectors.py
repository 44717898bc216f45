"""Reads of the accounts app. A functional administrator's reads of people are audited through core.events (the
audit log sits above accounts)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from keten.accounts.actor import Actor
from keten.accounts.models import ApiToken, Membership, Organisation, User
from keten.core.events import record_read

#: keten.policy's Purpose.ADMINISTRATION, spelled out: policy sits above accounts too.
ADMINISTRATION = "administration"


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation", "region", "region__layer")
        .order_by("organisation__name", "role")
    )


def active_membership_for(user: User, membership_id: str | None) -> Membership | None:
    """The membership chosen in this session, if still valid; else the user's first active one."""
    memberships = memberships_of(user)
    if membership_id:
        chosen = memberships.filter(pk=membership_id).first()
        if chosen is not None:
            return chosen
    return memberships.first()


def users_of_organisation(organisation: Organisation) -> QuerySet[User]:
    """The people (not API systems) with a membership at the organisation, active or not."""
    return (
        User.objects.filter(memberships__organisation=organisation, is_system=False)
        .distinct()
        .prefetch_related("memberships__region")
        .order_by("email")
    )


def user_of_organisation(organisation: Organisation, user_id) -> User | None:
    """Finds the person for an action on them; not audited, so a page that shows them uses user_read."""
    return users_of_organisation(organisation).filter(pk=user_id).first()


def user_search(*, actor: Actor) -> QuerySet[User]:
    """The people of the actor's organisation for the administrator's list: their names and e-mail addresses are
    personal data, so asking for the list is audited as one search."""
    users = users_of_organisation(actor.organisation)
    record_read(actor=actor, action="search", object_type=User._meta.label_lower, purpose=ADMINISTRATION)
    return users


@dataclass(frozen=True)
class UserView:
    user: User
    memberships: tuple[Membership, ...]


def user_read(*, actor: Actor, user: User) -> UserView:
    """One person of the actor's organisation (found with user_of_organisation) with their roles there, for the
    page that shows them: read once, audited once. Called only when the page is shown, so a change made through
    the page's form leaves its write and no read."""
    memberships = tuple(memberships_at(actor.organisation, user))
    record_read(actor=actor, action="read", target=user, purpose=ADMINISTRATION)
    return UserView(user=user, memberships=memberships)


def memberships_at(organisation: Organisation, user: User) -> QuerySet[Membership]:
    """The user's roles at the organisation, ended ones included."""
    return Membership.objects.filter(user=user, organisation=organisation).select_related("region")


def person_membership_at(organisation: Organisation, membership_id) -> Membership | None:
    """One role of a person (not an API system) at the organisation."""
    return Membership.objects.filter(organisation=organisation, pk=membership_id, user__is_system=False).first()


def tokens_of_organisation(organisation: Organisation) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(organisation=organisation).select_related("membership", "created_by")


def token_for_key(key: str) -> ApiToken | None:
    return (
        ApiToken.objects.filter(key_hash=ApiToken.hash_key(key))
        .select_related("membership__user", "membership__organisation", "membership__region")
        .first()
    )


def organisations_with_roles(roles) -> QuerySet[Organisation]:
    """The organisations where someone is active in one of `roles`, by name (e.g. where a referral or a trajectory
    can be handed over to)."""
    return (Organisation.objects.filter(memberships__role__in=roles, memberships__is_active=True)
            .distinct().order_by("name"))
