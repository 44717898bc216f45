"""Reads of the accounts app."""

from django.db.models import QuerySet

from keten.accounts.models import ApiToken, Membership, Organisation, User


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
    return users_of_organisation(organisation).filter(pk=user_id).first()


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
