"""The Aanmeldwijzer, the public guide for front-desk staff: who to call first for which answers (table-driven),
the texts for the person in seven languages, and the pages an anonymous worker sees, which store nothing."""

import re
from datetime import time

import pytest
from django.test import Client
from django.urls import reverse

from keten.audit.models import AuditEvent
from keten.core.clock import now
from keten.intake.guide import (
    ANONYMOUS,
    EMERGENCY,
    LABOUR,
    LABOUR_INSPECTORATE,
    POLICE,
    SEXUAL,
    UNKNOWN,
    UNKNOWN_PLACE_NOTE,
    Answers,
    Minor,
    advise,
)
from keten.intake.guide_texts import PERSON_TEXTS, TEXTS_BY_LANG
from keten.regions.models import Municipality
from keten.socialmap.models import (
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAttribute,
    ServiceStatus,
    TaxonomyTerm,
)
from keten.socialmap.selectors import (
    CARE_COORDINATOR,
    COMENSHA,
    POLICE_AVIM,
    VEILIG_THUIS,
    ChainContact,
    PhoneNumber,
    RoleContacts,
    WhoToCall,
)
from keten.socialmap.taxonomy import CHAIN_ROLE

# --- The advice: pure, table-driven -----------------------------------------------------------------------------

TOWN = Municipality(code="GM9999", name="Proefstad")
COORDINATOR_PHONE, COMENSHA_PHONE, POLICE_PHONE = "030 111 22 33", "033 000 00 00", "0900 8844"


def _contact(name: str, phone: str = "", *, national: bool = False) -> ChainContact:
    return ChainContact(service_name=name, organization_name=name, phones=(PhoneNumber(phone),) if phone else (),
                        opening_hours=("ma–vr 09:00–17:00",), url="", is_national=national)


def _who(*, coordinator=True, comensha=True, veilig_thuis=True, police=True, coordinator_phone=COORDINATOR_PHONE):
    contacts = {
        CARE_COORDINATOR: (_contact("Zorgcoördinatie Proefstad", coordinator_phone),) if coordinator else (),
        VEILIG_THUIS: (_contact("Veilig Thuis Proefregio", "0800 2000"),) if veilig_thuis else (),
        POLICE_AVIM: (_contact("Politie AVIM Proefeenheid", POLICE_PHONE),) if police else (),
        COMENSHA: (_contact("CoMensha", COMENSHA_PHONE, national=True),) if comensha else (),
    }
    return WhoToCall(municipality=TOWN, roles=tuple(RoleContacts(role=role, label=role, description="",
                                                                 contacts=found)
                                                    for role, found in contacts.items()))


ADULT = Answers(noticed=frozenset({SEXUAL}), minor=Minor.NO, danger=False)

ORDER_CASES = [
    # (case, answers, who to call for the place, the kinds of contact in order)
    ("adult, no danger", ADULT, _who(),
     [CARE_COORDINATOR, POLICE, COMENSHA, ANONYMOUS]),
    ("danger: 112 first", Answers(noticed=frozenset({SEXUAL}), danger=True), _who(),
     [EMERGENCY, CARE_COORDINATOR, POLICE, COMENSHA, ANONYMOUS]),
    ("a minor: Veilig Thuis first, then the police", Answers(noticed=frozenset({UNKNOWN}), minor=Minor.YES), _who(),
     [VEILIG_THUIS, POLICE, CARE_COORDINATOR, COMENSHA, ANONYMOUS]),
    ("a minor in danger: 112 before Veilig Thuis", Answers(minor=Minor.YES, danger=True), _who(),
     [EMERGENCY, VEILIG_THUIS, POLICE, CARE_COORDINATOR, COMENSHA, ANONYMOUS]),
    ("age unsure: Veilig Thuis after the care coordinator", Answers(minor=Minor.UNSURE), _who(),
     [CARE_COORDINATOR, VEILIG_THUIS, POLICE, COMENSHA, ANONYMOUS]),
    ("labour: the labour inspectorate", Answers(noticed=frozenset({LABOUR})), _who(),
     [CARE_COORDINATOR, POLICE, LABOUR_INSPECTORATE, COMENSHA, ANONYMOUS]),
    ("no care coordinator: CoMensha in its place", ADULT, _who(coordinator=False),
     [COMENSHA, POLICE, ANONYMOUS]),
    ("no care coordinator, a minor", Answers(minor=Minor.YES), _who(coordinator=False),
     [VEILIG_THUIS, POLICE, COMENSHA, ANONYMOUS]),
    ("unknown place: the national lines", ADULT, None,
     [POLICE, ANONYMOUS]),
    ("unknown place, danger", Answers(danger=True), None,
     [EMERGENCY, POLICE, ANONYMOUS]),
    ("unknown place, a minor, labour", Answers(noticed=frozenset({LABOUR}), minor=Minor.YES), None,
     [VEILIG_THUIS, POLICE, LABOUR_INSPECTORATE, ANONYMOUS]),
]


@pytest.mark.parametrize(("case", "answers", "who", "kinds"), ORDER_CASES, ids=[case[0] for case in ORDER_CASES])
def test_who_to_call_first(case, answers, who, kinds):
    advice = advise(answers, who)
    assert [contact.kind for contact in advice.contacts] == kinds
    assert advice.call_112_first == answers.danger


def _numbers(advice, kind) -> list[str]:
    return [phone.number for contact in advice.contacts if contact.kind == kind for phone in contact.phones]


def test_danger_puts_112_first_with_its_number():
    emergency = advise(Answers(danger=True), _who()).contacts[0]
    assert emergency.kind == EMERGENCY
    assert [phone.tel for phone in emergency.phones] == ["112"]
    assert "112" in str(emergency.why)


def test_the_labour_inspectorate_has_its_report_line():
    assert _numbers(advise(Answers(noticed=frozenset({LABOUR})), _who()), LABOUR_INSPECTORATE) == ["0800-5151"]


def test_numbers_come_from_the_social_map_first():
    advice = advise(Answers(minor=Minor.YES), _who())
    assert _numbers(advice, CARE_COORDINATOR) == [COORDINATOR_PHONE]
    assert _numbers(advice, COMENSHA) == [COMENSHA_PHONE]
    assert _numbers(advice, VEILIG_THUIS) == ["0800 2000"]
    coordinator = next(c for c in advice.contacts if c.kind == CARE_COORDINATOR)
    assert coordinator.organization == "Zorgcoördinatie Proefstad"
    assert coordinator.opening_hours == ("ma–vr 09:00–17:00",)


def test_where_the_map_has_no_police_or_veilig_thuis_the_national_lines_stand_in():
    advice = advise(Answers(minor=Minor.YES), _who(police=False, veilig_thuis=False))
    assert _numbers(advice, POLICE) == ["0900-8844"]
    assert _numbers(advice, VEILIG_THUIS) == ["0800-2000"]


def test_a_care_coordinator_without_a_number_gets_none_invented():
    advice = advise(ADULT, _who(coordinator_phone=""))
    assert _numbers(advice, CARE_COORDINATOR) == []


def test_a_municipality_without_care_coordinator_is_pointed_to_comensha():
    advice = advise(ADULT, _who(coordinator=False))
    assert advice.contacts[0].kind == COMENSHA
    assert _numbers(advice, COMENSHA) == [COMENSHA_PHONE]
    assert "geen zorgcoördinator" in str(advice.contacts[0].why)
    assert any("CoMensha coördineert waar de regio geen zorgcoördinator heeft" in str(note) for note in advice.notes)


def test_an_unknown_place_says_so_in_dutch_and_still_gives_the_national_numbers():
    advice = advise(Answers(danger=True, minor=Minor.YES, noticed=frozenset({LABOUR})), None)
    assert advice.notes == (UNKNOWN_PLACE_NOTE,)
    assert "We weten niet in welke gemeente dit is" in str(advice.notes[0])
    numbers = [phone.number for contact in advice.contacts for phone in contact.phones]
    assert numbers == ["112", "0800-2000", "0900-8844", "0800-5151", "0800-7000"]
    assert advice.municipality == ""


def test_the_person_is_given_numbers_for_help_not_the_inspectorate_or_the_anonymous_line():
    advice = advise(Answers(noticed=frozenset({LABOUR}), danger=True, minor=Minor.YES), _who())
    assert [contact.kind for contact in advice.for_the_person] == [VEILIG_THUIS, POLICE, CARE_COORDINATOR, COMENSHA]


# --- The texts for the person -------------------------------------------------------------------------------------

LANGUAGES = ["nl", "en", "pl", "ro", "bg", "uk", "es"]


def test_all_seven_languages_are_there_each_with_its_own_name():
    assert [text["lang"] for text in PERSON_TEXTS] == LANGUAGES
    names = {text["lang"]: text["name"] for text in PERSON_TEXTS}
    assert names == {"nl": "Nederlands", "en": "English", "pl": "Polski", "ro": "Română", "bg": "Български",
                     "uk": "Українська", "es": "Español"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_text_is_complete_short_and_names_112(lang):
    text = TEXTS_BY_LANG[lang]
    for key in ("title", "danger", "numbers"):
        assert text[key].strip(), key
    assert len(text["paragraphs"]) == 3 and all(paragraph.strip() for paragraph in text["paragraphs"])
    assert "112" in text["danger"]
    assert sum(len(part) for part in (text["title"], *text["paragraphs"], text["danger"])) < 400
    if lang != "nl":  # a text in another language is not the Dutch one copied
        assert text["title"] != TEXTS_BY_LANG["nl"]["title"]


# --- The pages -------------------------------------------------------------------------------------------------------


def _chain_service(name, role, *areas, phone=""):
    organization = Organization.objects.create(name=name, description="Keten")
    service = Service.objects.create(organization=organization, name=name, last_verified_at=now())
    for municipality in areas:
        ServiceArea.objects.create(service=service, municipality=municipality)
    ServiceAttribute.objects.create(service=service,
                                    taxonomy_term=TaxonomyTerm.objects.get(taxonomy__name=CHAIN_ROLE, code=role))
    if phone:
        Phone.objects.create(service=service, number=phone)
    Schedule.objects.create(service=service, byday="MO,TU,WE,TH,FR", opens_at=time(9), closes_at=time(17))
    return service


def _without_care_coordinator(municipality):
    ServiceArea.objects.filter(municipality=municipality, service__attributes__taxonomy_term__code=CARE_COORDINATOR,
                               service__attributes__taxonomy_term__taxonomy__name=CHAIN_ROLE).delete()
    Service.objects.filter(attributes__taxonomy_term__code=CARE_COORDINATOR, service_areas__isnull=True).update(
        status=ServiceStatus.INACTIVE)


@pytest.fixture
def utrecht(regions_loaded):
    """Utrecht with a care coordinator of its own, whatever else the demo map holds there."""
    municipality = Municipality.objects.get(code="GM0344")
    _chain_service("TK Zorgcoördinatie Utrecht", CARE_COORDINATOR, municipality, phone="030 999 88 77")
    return municipality


def _advice_page(client=None, **answers):
    query = {"noticed": [SEXUAL], "place": "Utrecht", "minor": "no", "danger": "no", **answers}
    return (client or Client()).get(reverse("intake:guide-advice"), query)


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_questions_are_public_and_ask_nothing_about_a_person():
    response = Client().get(reverse("intake:guide"))
    assert response.status_code == 200
    page = _text(response)
    for question in ("Wat viel u op?", "Waar was het?", "Lijkt de persoon jonger dan 18 jaar?",
                     "Is er nu direct gevaar?"):
        assert question in page
    assert 'href="tel:112"' in page
    form = page.split('action="/aanmeldwijzer/advies/"')[1].split("</form>")[0]
    assert set(re.findall(r'name="([^"]+)"', form)) == {"noticed", "place", "minor", "danger"}
    assert 'method="get"' in page.split('action="/aanmeldwijzer/advies/"')[0][-200:]


def test_the_advice_lists_the_care_coordinator_of_the_place_with_its_number(utrecht):
    response = _advice_page()
    assert response.status_code == 200
    page = _text(response)
    assert "Voor de gemeente Utrecht" in page
    assert "TK Zorgcoördinatie Utrecht" in page and 'href="tel:0309998877"' in page
    assert "Wat zegt u?" in page and "Of de persoon nu in gevaar is." in page
    assert page.index("Zorgcoördinator mensenhandel") < page.index("Politie") < page.index("Meld Misdaad Anoniem")


def test_danger_shows_112_first_on_the_page(utrecht):
    page = _text(_advice_page(danger="yes"))
    assert page.index("Alarmnummer 112") < page.index("Zorgcoördinator mensenhandel")
    assert "keten-guide-contact--emergency" in page


def test_a_minor_sends_the_worker_to_veilig_thuis_first(utrecht):
    page = _text(_advice_page(minor="yes"))
    assert page.index("De persoon lijkt jonger dan 18 jaar. Veilig Thuis") < page.index("Zorgcoördinator mensenhandel")


def test_labour_exploitation_adds_the_labour_inspectorate(utrecht):
    assert "0800-5151" not in _text(_advice_page())
    page = _text(_advice_page(noticed=[LABOUR]))
    assert "Nederlandse Arbeidsinspectie" in page and 'href="tel:08005151"' in page


def test_a_place_without_care_coordinator_is_pointed_to_comensha(regions_loaded):
    vlieland = Municipality.objects.get(code="GM0096")
    _without_care_coordinator(vlieland)
    page = _text(_advice_page(place="Vlieland"))
    assert "CoMensha coördineert waar de regio geen zorgcoördinator heeft" in page


def test_an_unknown_place_is_explained_and_the_national_numbers_shown(regions_loaded):
    response = _advice_page(place="Atlantis", danger="yes")
    assert response.status_code == 200
    page = _text(response)
    assert "We vinden geen gemeente of postcode ‘Atlantis’." in page
    assert "<title>Fout:" in page
    assert "Heeft u haast? Deze nummers kunt u nu al bellen" in page
    assert "We weten niet in welke gemeente dit is." in page
    for number in ("112", "09008844", "08007000"):
        assert f'href="tel:{number}"' in page
    assert page.index("Alarmnummer 112") < page.index("0900-8844")


@pytest.mark.parametrize(("answers", "message"), [
    ({"noticed": []}, "Kies wat u opviel, of ‘Weet ik niet’."),
    ({"noticed": ["smuggling"]}, "Selecteer een geldige keuze."),
    ({"minor": "maybe"}, "Selecteer een geldige keuze."),
    ({"danger": ""}, "Kies of er nu direct gevaar is."),
    ({"place": ""}, "Vul de gemeente of de postcode in."),
    ({"place": "x" * 5000}, "Vul alleen de gemeente of de postcode in: dat is hoogstens 100 tekens."),
])
def test_bad_answers_get_a_dutch_error_next_to_the_question(answers, message, regions_loaded):
    response = _advice_page(**answers)
    assert response.status_code == 200
    assert message in _text(response)
    assert "Wie belt u nu?" not in _text(response)


def test_the_guide_stores_nothing(utrecht):
    before = AuditEvent.objects.count()
    _advice_page(danger="yes", minor="yes")
    Client().get(reverse("intake:guide-text", kwargs={"lang": "pl"}))
    assert AuditEvent.objects.count() == before


def test_links_carry_the_municipality_not_the_postcode_that_was_typed(utrecht):
    page = _text(_advice_page(place="3511 AB"))
    assert "Voor de gemeente Utrecht" in page
    links = re.findall(r'href="(/aanmeldwijzer/[^"]*)"', page)
    assert len(links) >= 8  # seven languages and "Antwoorden wijzigen"
    assert all("place=Utrecht" in link and "3511" not in link for link in links if "?" in link)


def test_the_questions_come_back_filled_in_to_change_an_answer(utrecht):
    page = _text(Client().get(reverse("intake:guide"), {"noticed": [LABOUR], "place": "Utrecht", "minor": "yes",
                                                         "danger": "no"}))
    assert re.search(r'value="labour"[^>]*checked', page)
    assert 'value="Utrecht"' in page
    assert re.search(r'name="minor" value="yes"[^>]*checked', page)
    assert re.search(r'name="danger" value="no"[^>]*checked', page)


def test_the_advice_without_answers_starts_at_the_questions():
    response = Client().get(reverse("intake:guide-advice"))
    assert response.status_code == 302 and response["Location"] == reverse("intake:guide")


def test_the_text_for_the_person_carries_its_language_and_the_numbers_of_the_advice(utrecht):
    query = "noticed=sexual&place=Utrecht&minor=no&danger=no"
    page = _text(Client().get(reverse("intake:guide-text", kwargs={"lang": "pl"}) + "?" + query))
    assert '<article class="keten-person-text" lang="pl"' in page
    assert TEXTS_BY_LANG["pl"]["danger"] in page
    assert 'href="tel:0309998877"' in page  # the care coordinator of the place
    assert 'href="tel:112"' in page
    assert "Terug naar het advies" in page


def test_the_text_without_answers_shows_the_national_numbers(regions_loaded):
    page = _text(Client().get(reverse("intake:guide-text", kwargs={"lang": "uk"})))
    assert '<article class="keten-person-text" lang="uk"' in page
    assert 'href="tel:09008844"' in page


def test_an_unknown_language_is_not_found():
    assert Client().get(reverse("intake:guide-text", kwargs={"lang": "xx"})).status_code == 404


def test_the_home_page_and_the_social_map_lead_to_the_guide(utrecht):
    assert reverse("intake:guide") in Client().get(reverse("web:home")).content.decode()
    search = Client().get(reverse("socialmap:search"), {"place": "Utrecht"}).content.decode()
    assert reverse("intake:guide") + "?place=Utrecht" in search
