"""Seeding the synthetic demo world; safe to run again (it adds what is missing and keeps the rest)."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.db import transaction

from keten.accounts.models import Membership, Organisation, User
from keten.demo.credentials import DemoCredentials
from keten.demo.people import seed_demo_people
from keten.demo.signals import seed_demo_signals
from keten.demo.socialmap import seed_demo_social_map
from keten.demo.table import seed_demo_table
from keten.demo.trajectories import seed_demo_trajectories
from keten.demo.world import DEMO_PROVINCES, DEMO_USERS, NATIONAL_TYPES, ORGANISATION_NAMES, organisation_name
from keten.regions.models import LayerKind, Region
from keten.signaltable import hit_index


@transaction.atomic
def seed_demo(*, credentials: DemoCredentials) -> list[Membership]:
    """Create the demo organisations and one demo user per role; (re)set the demo users' password and
    TOTP secret to `credentials`, so the credentials printed by `make run` always work."""
    provinces = {
        key: Region.objects.get(layer__kind=LayerKind.PROVINCE, code=code) for key, code in DEMO_PROVINCES.items()
    }
    organisations = {}
    for organisation_type in ORGANISATION_NAMES:
        for region in [None] if organisation_type in NATIONAL_TYPES else list(provinces):
            organisations[organisation_type, region] = _organisation(organisation_type, region, provinces)
    memberships = []
    for demo_user in DEMO_USERS:
        user = _user(demo_user.email, demo_user.full_name, credentials)
        membership, _created = Membership.objects.get_or_create(
            user=user,
            organisation=organisations[demo_user.organisation_type, demo_user.region],
            role=demo_user.role,
            region=provinces[demo_user.region] if demo_user.region else None,
        )
        memberships.append(membership)
    seed_demo_people({m.role: m for m in memberships})
    seed_demo_social_map()
    seed_demo_signals({m.role: m for m in memberships})
    seed_demo_trajectories({m.role: m for m in memberships})
    hit_index.rebuild()  # the demo signals' entities are written with bulk_create, which sends no signals
    seed_demo_table({m.role: m for m in memberships})
    return memberships


def _organisation(organisation_type, region, provinces) -> Organisation:
    organisation, created = Organisation.objects.get_or_create(
        name=organisation_name(organisation_type, region),
        defaults={"type": organisation_type, "is_demo": True},
    )
    if created and region:
        organisation.regions.add(provinces[region])
    return organisation


def _user(email: str, full_name: str, credentials: DemoCredentials) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=credentials.password, full_name=full_name,
                                        is_demo=True)
    elif not (user.is_demo and user.check_password(credentials.password)):
        user.is_demo = True  # a demo account stays locked outside development, whatever happened to it
        user.set_password(credentials.password)
        user.save(update_fields=["is_demo", "password"])
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None and decrypt(totp.data["secret"]) != credentials.totp_secret:
        totp.delete()
        totp = None
    if totp is None:
        TOTP.activate(user, credentials.totp_secret)
    return user
