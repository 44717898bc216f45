"""The authorisation matrix for signals (intake): for every role and every relation the role can have to a
signal, what it sees comes from the declarative table below, not from the rules themselves. Each case checks
that the signal is listed and found exactly when it may be seen, that its description (special category) and its
phone number (identity category) are shown in full, masked or not at all as the table says, and that the read
wrote exactly one audit event. The signal pages and API will add their routes to tests/routes.py and
test_matrix.py; this table is what they must agree with."""

import pytest

from keten.accounts.actor import Actor
from keten.accounts.models import Membership, Organisation, User
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core.clock import now, today
from keten.demo.world import DEMO_USERS
from keten.identity.models import Entity
from keten.intake.deadlines import triage_due_at
from keten.intake.models import Signal, SignalEntity
from keten.intake.selectors import signal_for, signal_view, signals_visible
from keten.policy.models import Share
from keten.policy.purposes import default_purpose
from keten.regions.models import LayerKind, Municipality, Region

pytestmark = pytest.mark.django_db

RELATIONS = ("own_organisation", "other_org_same_region", "other_region", "shared")

# Per relation: (description, phone number) as the role sees them for its own purpose: "allow" in full,
# "pseudo" masked (the phone's last two digits; the description withheld), "hidden" withheld, "404" no signal.
#                           own                    same region            other region  shared
MATRIX = {
    Role.CARE_COORDINATOR:     (("allow", "allow"), ("hidden", "pseudo"), "404", ("allow", "allow")),
    Role.TABLE_CHAIR:          (("allow", "pseudo"), ("hidden", "pseudo"), "404", ("hidden", "pseudo")),
    Role.TABLE_MEMBER:         (("allow", "pseudo"), ("hidden", "pseudo"), "404", ("hidden", "pseudo")),
    Role.POLICE_INVESTIGATOR:  (("allow", "allow"), ("allow", "allow"), "404", ("allow", "allow")),
    Role.CARE_WORKER:          (("allow", "allow"), "404", "404", ("hidden", "allow")),
    Role.VEILIG_THUIS_WORKER:  (("allow", "allow"), ("hidden", "pseudo"), "404", ("allow", "allow")),
    Role.MUNICIPALITY_OFFICER: ("404", "404", "404", "404"),
    Role.REGISTRATION_OFFICER: (("allow", "allow"), "404", "404", ("allow", "allow")),
    Role.NATIONAL_ANALYST:     ("404", "404", "404", "404"),
    Role.PRIVACY_OFFICER:      (("hidden", "pseudo"), "404", "404", "404"),
    Role.FUNCTIONAL_ADMIN:     ("404", "404", "404", "404"),
}
CASES = [(role, relation, MATRIX[role][i]) for role in MATRIX for i, relation in enumerate(RELATIONS)]
NATURAL_ORG_TYPE = {u.role: u.organisation_type for u in DEMO_USERS}
NATIONAL = (Role.REGISTRATION_OFFICER, Role.NATIONAL_ANALYST, Role.FUNCTIONAL_ADMIN)
DESCRIPTION = "Beschrijving voor de matrix"


def _province(code):
    return Region.objects.get(layer__kind=LayerKind.PROVINCE, code=code)


def _member(name, org_type, role, region):
    organisation = Organisation.objects.create(name=f"{name} (fictief)", type=org_type)
    user = User.objects.create_user(email=f"{name.replace(' ', '-')}@example.invalid".lower(), password=None)
    return Membership.objects.create(user=user, organisation=organisation, role=role, region=region)


@pytest.fixture
def case(regions_loaded):
    """A signal in Amsterdam with a description and a phone number, and the actor for one (role, relation)."""

    def build(role, relation):
        noord_holland, limburg = _province("PV27"), _province("PV31")
        keeper = _member("Melder", "care_provider", Role.CARE_WORKER, noord_holland)
        in_region = relation in ("own_organisation", "other_org_same_region")
        membership = _member(f"Organisatie van de {role}", NATURAL_ORG_TYPE[role], role,
                             None if role in NATIONAL else noord_holland if in_region else limburg)
        reporter = membership if relation == "own_organisation" else keeper
        signal = Signal.objects.create(
            reporter_membership=reporter, reporter_organisation=reporter.organisation, observed_on=today(),
            municipality=Municipality.objects.get(code="GM0363"), description=DESCRIPTION, basis="avg_6_1_e",
            triage_due_at=triage_due_at(now(), "normal"))
        phone = Entity.objects.create(kind="phone", value="+31610000999", display="+31 6 10000999",
                                      owner=reporter.organisation, created_by=reporter.user)
        SignalEntity.objects.create(signal=signal, entity=phone)
        if relation == "shared":
            Share.objects.create(content_type_id=_signal_type(), object_id=signal.pk,
                                 organisation=membership.organisation, purpose=default_purpose(role),
                                 basis="avg_6_1_e", shared_by=keeper.user, shared_by_organisation=keeper.organisation)
        return Actor.of(membership), signal

    return build


def _signal_type():
    from django.contrib.contenttypes.models import ContentType
    return ContentType.objects.get_for_model(Signal).pk


@pytest.mark.parametrize(("role", "relation", "expected"), CASES)
def test_what_each_role_sees_of_a_signal(case, role, relation, expected):
    actor, signal = case(role, relation)
    purpose = default_purpose(role)
    listed = signals_visible(actor=actor, purpose=purpose).filter(pk=signal.pk).exists()
    found = signal_for(actor=actor, signal_id=signal.pk, purpose=purpose)
    if expected == "404":
        assert not listed and found is None
        assert not AuditEvent.objects.filter(object_id=str(signal.pk)).exists()
        return
    assert listed and found == signal
    description, phone = expected
    seen = signal_view(actor=actor, signal=found, purpose=purpose)
    assert seen.description == (DESCRIPTION if description == "allow" else None)
    assert seen.entities[0].shown == {"allow": "+31 6 10000999", "pseudo": "••••••99", "hidden": None}[phone]
    reads = AuditEvent.objects.filter(object_type="intake.signal", object_id=str(signal.pk))
    assert list(reads.values_list("action", "decision")) == [
        ("read", "allow" if "allow" in expected else "pseudonymise")]
