"""The demo world: every organisation type in two regions, one synthetic user per role, safe to seed twice."""

import pytest
from django.core.management import call_command

from keten.accounts.models import Membership, Organisation, User
from keten.accounts.roles import OrganisationType, Role
from keten.demo.services import seed_demo

pytestmark = pytest.mark.django_db


def test_every_organisation_type_and_every_role_is_there(demo):
    assert {o.type for o in Organisation.objects.all()} == set(OrganisationType.values)
    assert set(demo) == set(Role.values)
    regions = {r.name for o in Organisation.objects.all() for r in o.regions.all()}
    assert regions == {"Noord-Holland", "Limburg"}


def test_demo_data_looks_synthetic(regions_loaded, demo_credentials):
    seed_demo(credentials=demo_credentials)
    for organisation in Organisation.objects.all():
        assert "Demo" in organisation.name and "(fictief)" in organisation.name
        assert organisation.is_demo
    for user in User.objects.all():
        assert user.email.endswith("@demo.keten.invalid") and user.is_demo


def test_seeding_twice_changes_nothing(demo, demo_credentials):
    counts = (Organisation.objects.count(), User.objects.count(), Membership.objects.count())
    seed_demo(credentials=demo_credentials)
    assert (Organisation.objects.count(), User.objects.count(), Membership.objects.count()) == counts


def test_every_demo_user_has_mfa_with_the_installation_secret(demo, demo_credentials):
    from allauth.mfa.utils import is_mfa_enabled

    for membership in demo.values():
        assert is_mfa_enabled(membership.user)
        assert membership.user.check_password(demo_credentials.password)


def test_command_keeps_the_credentials_of_the_installation(regions_loaded, settings, tmp_path):
    settings.KETEN_DEMO_CREDENTIALS = tmp_path / "demo-credentials.json"
    call_command("seed_demo", verbosity=0)
    first = settings.KETEN_DEMO_CREDENTIALS.read_text()
    call_command("seed_demo", verbosity=0)
    assert settings.KETEN_DEMO_CREDENTIALS.read_text() == first
    assert settings.KETEN_DEMO_CREDENTIALS.stat().st_mode & 0o077 == 0


def test_the_demo_audit_log_verifies_and_a_tampered_copy_does_not(demo):
    from django.core.management.base import CommandError

    from keten.audit.models import AuditEvent
    from tests.audit.conftest import tampering

    assert AuditEvent.objects.filter(object_type="identity.subject").exists()
    call_command("audit_verify", verbosity=0)
    victim = AuditEvent.objects.filter(object_type="identity.subject").order_by("partition", "seq").first()
    with tampering() as cursor:
        cursor.execute("UPDATE audit_auditevent SET purpose = 'investigation' WHERE id = %s", [victim.pk.hex])
    with pytest.raises((CommandError, SystemExit)):
        call_command("audit_verify", verbosity=0)
