"""Synthetic presumed victims for the demo: pseudonymous subjects with consent and shares, all in
Noord-Holland, so that a demo user in Limburg sees none of them and is told why."""

from datetime import timedelta

from keten.accounts.actor import Actor
from keten.accounts.models import Organisation
from keten.accounts.roles import OrganisationType, Role
from keten.core.clock import today
from keten.identity.models import Subject
from keten.identity.services import consent_record, consent_withdraw, subject_register
from keten.policy.models import ConsentGiver, ConsentScope
from keten.policy.purposes import Purpose
from keten.policy.services import share_record
from keten.regions.selectors import municipality_by_code


def seed_demo_people(memberships: dict) -> list[Subject]:
    """Three subjects, kept by the demo care coordination and the demo police of Noord-Holland. Runs once:
    if the care coordination already keeps subjects, nothing is added."""
    coordinator = Actor.of(memberships[Role.CARE_COORDINATOR])
    police = Actor.of(memberships[Role.POLICE_INVESTIGATOR])
    if Subject.objects.filter(owner=coordinator.organisation).exists():
        return []
    shelter = Organisation.objects.get(type=OrganisationType.SHELTER, name__contains="Noord-Holland", is_demo=True)
    comensha = Organisation.objects.get(type=OrganisationType.COMENSHA, is_demo=True)
    start = today() - timedelta(days=30)

    alfa = subject_register(actor=coordinator, municipality=municipality_by_code("GM0363"), attributes=[
        ("name", "Testpersoon Alfa"), ("date_of_birth", "1995"), ("phone", "06 12345601")])
    consent = consent_record(actor=coordinator, subject=alfa, scope=ConsentScope.CARE_REFERRAL,
                             giver=ConsentGiver.PERSON, given_on=start)
    share_record(actor=coordinator, record=alfa, organisation=shelter, purpose=Purpose.CARE_COORDINATION,
                 basis="consent", consent=consent)

    bravo = subject_register(actor=police, municipality=municipality_by_code("GM0392"), attributes=[
        ("name", "Testpersoon Bravo"), ("date_of_birth", "2012"), ("phone", "06 12345602")])
    consent_record(actor=police, subject=bravo, scope=ConsentScope.COMENSHA_REGISTRATION,
                   giver=ConsentGiver.PARENT_GUARDIAN, given_on=start)
    share_record(actor=police, record=bravo, organisation=comensha, purpose=Purpose.REGISTRATION,
                 basis="besluit_politiegegevens_comensha")

    charlie = subject_register(actor=coordinator, municipality=municipality_by_code("GM0479"), attributes=[
        ("name", "Testpersoon Charlie"), ("date_of_birth", "1988-04")])
    withdrawn = consent_record(actor=coordinator, subject=charlie,
                               scope=ConsentScope.SHARE_WITH_ORGANISATION_TYPE,
                               organisation_type=OrganisationType.VEILIG_THUIS, giver=ConsentGiver.PERSON,
                               given_on=start)
    consent_withdraw(actor=coordinator, consent=withdrawn)
    return [alfa, bravo, charlie]
