"""CoMensha's registration: the legal basis follows who reports and what is asked (the Police Data Act for
investigative services, consent for a care organisation's request for shelter or help), bad codes are refused
with the reason, and the exports carry no direct identifier."""

import csv
import io
import json
from datetime import date

import pytest
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.identity.services import consent_record, subject_register
from keten.policy.models import ConsentGiver, ConsentScope
from keten.referrals.models import Registration
from keten.referrals.services import registration_create
from keten.regions.selectors import municipality_by_code
from tests.security.support import reauthenticated

pytestmark = pytest.mark.django_db


def _officer(demo) -> Actor:
    return Actor.of(demo[Role.REGISTRATION_OFFICER])


def _register(demo, **values) -> Registration:
    values = {"municipality": municipality_by_code("GM0363"), "dossier_type": "registratie",
              "exploitation_form": "overige_arbeidsuitbuiting", "gender": "man", "reporter_type": "politie"} | values
    return registration_create(actor=_officer(demo), **values)


def _person(demo, scope=None):
    officer = _officer(demo)
    person = subject_register(actor=officer, municipality=municipality_by_code("GM0363"),
                              attributes=[("name", "Testpersoon Lima"), ("date_of_birth", "1990")])
    if scope:
        consent_record(actor=officer, subject=person, scope=scope, giver=ConsentGiver.PERSON, given_on=date.today())
    return person


def test_the_police_reports_under_the_police_data_act(demo):
    made = _register(demo, dossier_type="registratie_opvang")
    assert (made.basis, made.consent) == ("besluit_politiegegevens_comensha", None)
    assert AuditEvent.objects.filter(object_id=str(made.pk), action="create").count() == 1


def test_a_care_request_for_shelter_needs_consent_to_registration(demo):
    with pytest.raises(ValidationFailed, match="toestemming van de persoon voor registratie"):
        _register(demo, reporter_type="zorgcoordinatie", dossier_type="registratie_opvang",
                  subject=_person(demo, scope=ConsentScope.CARE_REFERRAL))  # consent for another purpose
    made = _register(demo, reporter_type="zorgcoordinatie", dossier_type="registratie_opvang",
                     subject=_person(demo, scope=ConsentScope.COMENSHA_REGISTRATION))
    assert made.basis == "consent" and made.consent.scope == ConsentScope.COMENSHA_REGISTRATION
    assert _register(demo, reporter_type="zorgcoordinatie").basis == "avg_6_1_e"  # registration only


@pytest.mark.parametrize(("values", "reason"), [
    ({"sector": "horeca", "exploitation_form": "seksuele_uitbuiting"}, "sector past niet"),
    ({"nationality": "XX"}, "landcode van twee letters"),
    ({"age": 130}, "tussen 0 en 120"),
    ({"gender": "onbekend"}, "geslacht"),
    ({"registered_on": date(2999, 1, 1)}, "niet in de toekomst"),
])
def test_bad_codes_are_refused_with_the_reason_and_store_nothing(demo, values, reason):
    before = Registration.objects.count()
    with pytest.raises(ValidationFailed, match=reason):
        _register(demo, **values)
    assert Registration.objects.count() == before


def test_only_comensha_registers(demo, make_person):
    user, *_rest = make_person(Role.REGISTRATION_OFFICER, organisation=demo[Role.CARE_WORKER].organisation)
    with pytest.raises(PermissionDenied):
        registration_create(actor=Actor.of(user.memberships.get()), municipality=municipality_by_code("GM0363"),
                            dossier_type="registratie", exploitation_form="vorm_onbekend", gender="vrouw",
                            reporter_type="politie")


def test_the_exports_carry_codes_and_bands_and_no_direct_identifier(demo, client_for):
    person = _person(demo)
    _register(demo, subject=person, nationality="pl", age=19, sector="landbouw_bosbouw_visserij")
    _register(demo, gender="vrouw", age=15, nationality="NL")
    # Exporting personal data asks for the password again (tests/security/test_sessions.py); here it was given.
    client = reauthenticated(client_for(Role.REGISTRATION_OFFICER))
    year = date.today().year
    text = client.get(reverse("referrals:registration-export", args=["csv"]) + f"?jaar={year}").content.decode()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert {"age_band", "victim_group", "nationality"} <= set(rows[0]) and "age" not in rows[0]
    assert person.public_id not in text and "Testpersoon" not in text and "1990" not in text
    mine = next(row for row in rows if row["nationality"] == "PL")
    assert (mine["age_band"], mine["victim_group"]) == ("18_22", "niet_nl_meerderjarig")
    data = json.loads(client.get(reverse("referrals:registration-export", args=["json"]) + f"?jaar={year}").content)
    assert data["year"] == year and len(data["registrations"]) == len(rows)
    aggregate = client.get(reverse("referrals:registration-aggregate") + f"?jaar={year}").content.decode()
    assert "overige_arbeidsuitbuiting;nl_minderjarig;vrouw;1" in aggregate
    assert AuditEvent.objects.filter(action="export", object_type="referrals.registration").count() == 3


def test_registering_from_a_task_starts_from_its_signal(demo, client_for):
    from keten.intake.services import signal_register

    signal = signal_register(actor=Actor.of(demo[Role.POLICE_INVESTIGATOR]), observed_on=date(2026, 1, 5),
                             municipality=municipality_by_code("GM0363"), forms=["sexual"], urgency="normal",
                             basis="avg_10_wpg")
    page = client_for(Role.REGISTRATION_OFFICER).get(
        reverse("referrals:registration-create") + f"?signaal={signal.pk}").content.decode()
    assert 'value="Amsterdam"' in page and 'value="seksuele_uitbuiting" selected' in page
    assert 'value="politie" selected' in page


def test_a_registration_through_the_page_and_a_refusal_next_to_the_field(demo, client_for):
    client = client_for(Role.REGISTRATION_OFFICER)
    form = {"municipality": "Amsterdam", "registered_on": date.today().isoformat(), "dossier_type": "registratie",
            "exploitation_form": "criminele_uitbuiting", "gender": "man", "reporter_type": "kmar"}
    before = Registration.objects.count()
    refused = client.post(reverse("referrals:registration-create"), form | {"age": "200"})
    assert refused.status_code == 400 and 'id="id_age_error"' in refused.content.decode()
    assert Registration.objects.count() == before
    done = client.post(reverse("referrals:registration-create"), form, follow=True).content.decode()
    made = Registration.objects.latest("created_at")
    assert f"Registratie {made.number} is vastgelegd." in done and made.reporter_type == "kmar"
