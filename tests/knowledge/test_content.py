"""The kennisbank's content as data: a profile for every organisation type and every partner the issue names, one
list of definitions from three places (own records, the intake catalogue, the privacy core), and a loader that
keeps what administrators wrote."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from keten.accounts.roles import OrganisationType
from keten.intake.catalogue import exploitation_forms
from keten.knowledge import seed, selectors
from keten.knowledge.models import Definition, OrganisationProfile, Power, Revision, RoleProfile
from keten.policy.bases import LEGAL_BASES

pytestmark = pytest.mark.django_db

#: The partners issue 11 lists, by profile code.
ISSUE_PROFILES = {"politie-avim", "kmar", "arbeidsinspectie", "emm", "openbaar-ministerie", "ind", "comensha",
                  "zorgcoordinator", "ketenregisseur", "veilig-thuis", "gemeente", "centrumgemeente",
                  "zorg-en-veiligheidshuis", "riec", "opvangorganisatie", "zorgaanbieder", "expertisecentrum",
                  "ervaringsdeskundigen"}

#: The terms issue 11 asks to define (besides the four forms and the legal bases, read from elsewhere).
ISSUE_TERMS = {"mensenhandel", "vermoedelijk-slachtoffer", "hard-signaal", "zacht-signaal", "indicator", "bedenktijd",
               "zelfredzaamheid", "signaaltafel", "aanmelding", "traject", "toestemming"}


def test_every_organisation_type_has_a_profile(regions_loaded):
    described = set(OrganisationProfile.objects.exclude(organisation_type="").values_list("organisation_type",
                                                                                          flat=True))
    assert set(OrganisationType.values) - described == set()


def test_every_partner_the_issue_names_has_a_complete_profile_page(regions_loaded):
    profiles = {p.code: p for p in OrganisationProfile.objects.all()}
    assert ISSUE_PROFILES - set(profiles) == set()
    client = Client()
    for code in ISSUE_PROFILES:
        profile = profiles[code]
        assert all([profile.tasks_nl, profile.powers_nl, profile.ask_nl, profile.sharing_nl, profile.source])
        assert set(profile.legal_bases) <= set(LEGAL_BASES) and set(profile.powers) <= set(Power.values)
        page = client.get(reverse("knowledge:profile", args=[code])).content.decode()
        for heading in ("Taken in de keten", "Bevoegdheden", "Wat u kunt vragen", "op welke grondslag"):
            assert heading in page
        for basis in profile.legal_bases:
            assert str(LEGAL_BASES[basis].citation) in page


def test_the_definitions_page_holds_the_issues_terms_the_four_forms_and_every_legal_basis(regions_loaded):
    assert ISSUE_TERMS - set(Definition.objects.values_list("slug", flat=True)) == set()
    page = Client().get(reverse("knowledge:term-list")).content.decode()
    for definition in Definition.objects.all():
        assert definition.summary_nl in page
    for form in exploitation_forms().values():  # read from the intake catalogue, not copied
        assert form.definition_nl in page
    for basis in LEGAL_BASES.values():  # read from the privacy core, not copied
        assert str(basis.explanation) in page


def test_a_legal_basis_page_reads_the_privacy_core_and_names_who_shares_on_it(regions_loaded):
    page = Client().get(reverse("knowledge:term", args=["grondslag-wgs"])).content.decode()
    assert str(LEGAL_BASES["wgs"].explanation) in page
    assert "Zorg- en Veiligheidshuis" in page and "RIEC" in page


def test_the_indicator_page_shows_the_catalogue_the_signal_form_uses(regions_loaded):
    page = Client().get(reverse("knowledge:term", args=["indicator"])).content.decode()
    for group in selectors.indicator_groups():
        for version in group.versions[:3]:
            assert version.indicator.code in page


def test_english_is_shown_where_written_and_dutch_where_not(regions_loaded):
    definition = Definition.objects.get(slug="bedenktijd")
    definition.summary_en = ""
    definition.save()
    client = Client(headers={"accept-language": "en"})
    client.cookies["django_language"] = "en"
    page = client.get(reverse("knowledge:term", args=["mensenhandel"])).content.decode()
    assert "Human trafficking" in page
    page = client.get(reverse("knowledge:term", args=["bedenktijd"])).content.decode()
    assert definition.summary_nl in page


def test_loading_again_creates_nothing_and_keeps_an_administrators_edit(regions_loaded):
    definition = Definition.objects.get(slug="bedenktijd")
    definition.summary_nl = "Aangepast door de beheerder."
    definition.save()
    revisions = Revision.objects.count()
    call_command("load_knowledge", demo=True, verbosity=0)
    assert Definition.objects.get(slug="bedenktijd").summary_nl == "Aangepast door de beheerder."
    assert Revision.objects.count() == revisions


def test_a_deleted_record_comes_back_from_the_data_with_its_first_revision(regions_loaded):
    RoleProfile.objects.all().delete()
    summary = seed.load_knowledge()
    assert summary.created == {"role profiles": 1}
    role = RoleProfile.objects.get(code="zorgcoordinator")
    assert Revision.objects.get(record_id=role.pk).written_by is None


def test_broken_content_is_refused_when_read(monkeypatch, tmp_path):
    (tmp_path / "profiles.toml").write_text(
        'reviewed_on = 2026-11-28\nreview_months = 12\n[[profile]]\ncode = "x"\norganisation_type = ""\n'
        'name_nl = "X"\nsummary_nl = "X"\ntasks_nl = "X"\npowers_nl = "X"\nask_nl = "X"\nsharing_nl = "X"\n'
        'powers_kinds = []\nlegal_bases = ["no_such_basis"]\nsource = "X"\n', encoding="utf-8")
    monkeypatch.setattr(seed, "DATA", tmp_path)
    with pytest.raises(seed.ContentError, match="no_such_basis"):
        seed.read_profiles()


def test_review_months_add_up_to_the_right_day():
    from datetime import date

    assert seed.add_months(date(2026, 11, 28), 12) == date(2027, 11, 28)
    assert seed.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
