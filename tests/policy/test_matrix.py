"""The authorisation matrix: for every route that returns a person, every role and every relation the role can
have to that person, the expected outcome comes from the declarative table below — not from the rules
themselves. Each case checks the status, that the answer shows no more than the role may see, that lists stay
within what is visible, and that every successful read of personal data wrote exactly one audit event.

Later capabilities add their routes and relations here."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from keten.accounts.models import Membership, Organisation, User
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core.clock import now, today
from keten.demo.world import DEMO_USERS
from keten.identity.models import AttributeKind, IdentityAttribute, Subject
from keten.policy.models import Consent, ConsentGiver, ConsentScope, Share
from keten.policy.purposes import default_purpose
from keten.regions.models import LayerKind, Municipality, Region

pytestmark = pytest.mark.django_db

RELATIONS = ("own_organisation", "other_org_same_region", "other_region", "shared", "share_expired", "consented",
             "consent_withdrawn")

# What a role sees of a person, per relation: "allow" (identity in full), "pseudo" (masked), "404" (not at all).
#                          own       same region  other region  shared   share expired  consented  withdrawn
MATRIX = {
    Role.CARE_COORDINATOR:     ("allow", "pseudo", "404", "allow", "404", "allow", "404"),
    Role.TABLE_CHAIR:          ("pseudo", "pseudo", "404", "pseudo", "404", "404", "404"),
    Role.TABLE_MEMBER:         ("pseudo", "pseudo", "404", "pseudo", "404", "404", "404"),
    Role.POLICE_INVESTIGATOR:  ("allow", "allow", "404", "allow", "404", "404", "404"),
    Role.CARE_WORKER:          ("allow", "404", "404", "allow", "404", "allow", "404"),
    Role.VEILIG_THUIS_WORKER:  ("allow", "pseudo", "404", "allow", "404", "404", "404"),
    Role.MUNICIPALITY_OFFICER: ("404", "404", "404", "404", "404", "404", "404"),
    Role.REGISTRATION_OFFICER: ("allow", "404", "404", "allow", "404", "allow", "404"),
    Role.NATIONAL_ANALYST:     ("404", "404", "404", "404", "404", "404", "404"),
    Role.PRIVACY_OFFICER:      ("pseudo", "404", "404", "404", "404", "404", "404"),
    Role.FUNCTIONAL_ADMIN:     ("404", "404", "404", "404", "404", "404", "404"),
}
CASES = [(role, relation, MATRIX[role][i]) for role in MATRIX for i, relation in enumerate(RELATIONS)]
NATURAL_ORG_TYPE = {u.role: u.organisation_type for u in DEMO_USERS}
FULL_NAME = "Testpersoon Matrix"


def _province(code):
    return Region.objects.get(layer__kind=LayerKind.PROVINCE, code=code)


@pytest.fixture
def case(regions_loaded):
    """Builds the person and the actor for one (role, relation) and returns a logged-in client."""

    def build(role, relation):
        noord_holland, limburg = _province("PV27"), _province("PV31")
        keeper = Organisation.objects.create(name="Bewarende organisatie (fictief)", type="care_provider")
        actor_region = limburg if relation not in ("own_organisation", "other_org_same_region") else noord_holland
        national = role in (Role.REGISTRATION_OFFICER, Role.NATIONAL_ANALYST, Role.FUNCTIONAL_ADMIN)
        organisation = Organisation.objects.create(name=f"Organisatie van de {role} (fictief)",
                                                   type=NATURAL_ORG_TYPE[role])
        user = User.objects.create_user(email=f"{role}@example.invalid", password=None)
        membership = Membership.objects.create(user=user, organisation=organisation, role=role,
                                               region=None if national else actor_region)
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
        TOTP.activate(user, generate_totp_secret())
        owner = organisation if relation == "own_organisation" else keeper
        subject = Subject.objects.create(owner=owner, municipality=Municipality.objects.get(code="GM0363"),
                                         created_by=user)
        IdentityAttribute.objects.create(subject=subject, kind=AttributeKind.NAME, value=FULL_NAME.lower(),
                                         display=FULL_NAME, added_by=user)
        IdentityAttribute.objects.create(subject=subject, kind=AttributeKind.PHONE, value="+31612345699",
                                         display="+31 6 12345699", added_by=user)
        if relation in ("shared", "share_expired"):
            Share.objects.create(
                content_type_id=_subject_type(), object_id=subject.pk, organisation=organisation,
                purpose=default_purpose(role), basis="consent", shared_by=user, shared_by_organisation=keeper,
                expires_at=now() + timedelta(days=1 if relation == "shared" else -1))
        if relation in ("consented", "consent_withdrawn"):
            Consent.objects.create(
                subject=subject, scope=ConsentScope.SHARE_WITH_ORGANISATION, organisation=organisation,
                giver=ConsentGiver.PERSON, given_on=today(), recorded_by=user, recorded_by_organisation=keeper,
                withdrawn_at=now() if relation == "consent_withdrawn" else None)
        client = Client()
        client.force_login(user)
        return client, subject, membership

    return build


def _subject_type():
    from django.contrib.contenttypes.models import ContentType
    return ContentType.objects.get_for_model(Subject).pk


def _reads_of(subject):
    return AuditEvent.objects.filter(object_type="identity.subject", object_id=str(subject.pk),
                                     action__in=["read", "denied"])


@pytest.mark.parametrize(("role", "relation", "expected"), CASES)
def test_subject_identity_api(case, role, relation, expected):
    client, subject, _membership = case(role, relation)
    response = client.get(reverse("api-subject-identity", args=[subject.pk]))
    if expected == "404":
        assert response.status_code == 404
        assert _reads_of(subject).count() == 0
        return
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"subject", "mode", "basis", "reason", "advice", "attributes"}
    assert body["mode"] == {"allow": "allow", "pseudo": "pseudonymise"}[expected]
    shown = " ".join(a["value"] for a in body["attributes"])
    if expected == "allow":
        assert FULL_NAME in shown and "+31 6 12345699" in shown
    else:
        assert FULL_NAME not in response.content.decode() and "12345699" not in response.content.decode()
        assert {a["kind"] for a in body["attributes"]} <= {"phone"} and shown.endswith("99")
    assert _reads_of(subject).count() == 1


@pytest.mark.parametrize(("role", "relation", "expected"), CASES)
def test_subject_list_api_stays_within_what_is_visible(case, role, relation, expected):
    client, subject, _membership = case(role, relation)
    response = client.get(reverse("api-subject-list"))
    assert response.status_code == 200
    listed = {item["id"] for item in response.json()}
    assert (str(subject.pk) in listed) == (expected != "404")
    assert FULL_NAME not in response.content.decode()
    searches = AuditEvent.objects.filter(action="search", object_type="identity.subject", actor=_membership.user)
    assert searches.count() == 1


@pytest.mark.parametrize(("role", "relation", "expected"), CASES)
def test_subject_page(case, role, relation, expected):
    client, subject, _membership = case(role, relation)
    response = client.get(reverse("identity:subject-detail", args=[subject.pk]))
    if expected == "404":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert (FULL_NAME in page) == (expected == "allow")
    if expected == "pseudo":
        assert "afgeschermd" in page
    assert _reads_of(subject).count() == 1
