"""Keeping the kennisbank: only a national functional administrator edits; every save is audited and kept in the
history; a stale form is refused and changes nothing; bad input gets a clear Dutch error; content past its review
date is flagged."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core.clock import today
from keten.core.errors import ConcurrentUpdate, PermissionDenied, ValidationFailed
from keten.knowledge.models import Definition, OrganisationProfile, RegionNote, Revision
from keten.knowledge.services import content_update, region_note_create
from keten.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def riec():
    return OrganisationProfile.objects.get(code="riec")


def test_an_edit_is_audited_and_kept_in_the_history(admin, riec):
    content_update(actor=admin, record=riec, expected_version=riec.version, summary_nl="Nieuwe samenvatting.")
    riec.refresh_from_db()
    assert riec.summary_nl == "Nieuwe samenvatting." and riec.updated_by == admin.user
    revisions = Revision.objects.filter(record_id=riec.pk).order_by("number")
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[1].content["summary_nl"] == "Nieuwe samenvatting." and revisions[1].written_by == admin.user
    assert revisions[0].content["summary_nl"] != "Nieuwe samenvatting."
    assert AuditEvent.objects.filter(object_type="knowledge.organisationprofile", object_id=str(riec.pk),
                                     action="update", purpose="administration").count() == 1


def test_a_stale_edit_is_refused_and_changes_nothing(admin, riec):
    opened = riec.version
    content_update(actor=admin, record=riec, expected_version=opened, summary_nl="Eerst.")
    stale = OrganisationProfile.objects.get(pk=riec.pk)
    with pytest.raises(ConcurrentUpdate):
        content_update(actor=admin, record=stale, expected_version=opened, summary_nl="Daarna, over het eerste heen.")
    assert OrganisationProfile.objects.get(pk=riec.pk).summary_nl == "Eerst."
    assert Revision.objects.filter(record_id=riec.pk).count() == 2


def test_only_a_national_functional_administrator_may_edit(demo, make_person, riec):
    user, _password, _secret = make_person(Role.FUNCTIONAL_ADMIN, region=demo[Role.CARE_COORDINATOR].region)
    regional = Actor(user=user, membership=user.memberships.get())
    coordinator = Actor.of(demo[Role.CARE_COORDINATOR])
    for actor in (regional, coordinator):
        with pytest.raises(PermissionDenied):
            content_update(actor=actor, record=riec, expected_version=riec.version, summary_nl="Niet toegestaan.")
    assert OrganisationProfile.objects.get(pk=riec.pk).summary_nl != "Niet toegestaan."


@pytest.mark.parametrize(("changes", "message"), [
    ({"summary_nl": "  "}, "Vul de Nederlandse tekst in"),
    ({"source": ""}, "Noem de bron"),
    ({"review_due": today() - timedelta(days=400)}, "De volgende controle ligt na"),
    ({"legal_bases": ["geen_grondslag"]}, "grondslagen uit de lijst"),
    ({"powers": ["toveren"]}, "soorten bevoegdheid"),
])
def test_bad_input_gets_a_dutch_error_and_changes_nothing(admin, riec, changes, message):
    before = OrganisationProfile.objects.get(pk=riec.pk).snapshot()
    with pytest.raises(ValidationFailed, match=message):
        content_update(actor=admin, record=riec, expected_version=riec.version, **changes)
    assert OrganisationProfile.objects.get(pk=riec.pk).snapshot() == before


def test_content_past_its_review_date_is_flagged_on_its_page(riec):
    OrganisationProfile.objects.filter(pk=riec.pk).update(reviewed_on=today() - timedelta(days=400),
                                                          review_due=today() - timedelta(days=1))
    page = Client().get(reverse("knowledge:profile", args=["riec"])).content.decode()
    assert "Controle verlopen" in page and riec.source in page
    assert "Controle verlopen" in Client().get(reverse("knowledge:profile-list")).content.decode()
    fresh = Client().get(reverse("knowledge:profile", args=["comensha"])).content.decode()
    assert "Controle verlopen" not in fresh and "Laatst gecontroleerd op" in fresh


def test_the_administrator_edits_through_the_page_and_a_stale_page_is_refused(client_for, riec):
    client = client_for(Role.FUNCTIONAL_ADMIN)
    url = reverse("knowledge:profile-edit", args=["riec"])
    form = client.get(url)
    assert form.status_code == 200 and "Eén punt per regel." in form.content.decode()
    data = {name: value for name, value in form.context["form"].initial.items()}
    data |= {"summary_nl": "Via de pagina.", "legal_bases": riec.legal_bases, "powers": riec.powers}
    data["reviewed_on"], data["review_due"] = today().isoformat(), (today() + timedelta(days=365)).isoformat()
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("knowledge:profile", args=["riec"])
    again = client.post(url, data | {"summary_nl": "Oude pagina."})  # the version the page held is stale now
    page = again.content.decode()
    assert again.status_code == 409 and "Iemand anders sloeg dit intussen op." in page
    assert OrganisationProfile.objects.get(pk=riec.pk).summary_nl == "Via de pagina."
    # What was typed stays in the form, beside what is stored now, against the version stored now.
    assert "Oude pagina." in page and "Wat nu is opgeslagen" in page and "Via de pagina." in page
    assert again.context["form"]["version"].value() == str(OrganisationProfile.objects.get(pk=riec.pk).version)
    history = client.get(reverse("knowledge:history", args=[riec.pk])).content.decode()
    assert "Versie 2" in history and "Via de pagina." in history


def test_a_region_note_is_created_with_its_facts_and_centrumgemeenten_by_name(client_for, admin):
    region = Region.objects.get(layer__kind="care_coordination", code="ZC06")
    RegionNote.objects.filter(region=region).delete()
    client = client_for(Role.FUNCTIONAL_ADMIN)
    url = reverse("knowledge:region-note-edit", args=["care_coordination", "ZC06"])
    page = client.get(url).content.decode()
    assert "Centrumgemeenten voor de opvang" in page and "Meldpunt" not in page
    data = {"version": 1, "ketenregisseur": "ZVH Haaglanden", "centrumgemeenten": "Den Haag, Atlantis",
            "source": "Afspraak met de regio", "reviewed_on": today().isoformat(),
            "review_due": (today() + timedelta(days=365)).isoformat()}
    assert "Onbekende gemeente: Atlantis." in client.post(url, data).content.decode()
    response = client.post(url, data | {"centrumgemeenten": "Den Haag"})
    assert response.status_code == 302
    note = RegionNote.objects.get(region=region)
    assert note.centrumgemeenten == ["GM0518"] and note.ketenregisseur == "ZVH Haaglanden"
    region_page = Client().get(reverse("knowledge:region", args=["ZC06"])).content.decode()
    assert "ZVH Haaglanden" in region_page and "Den Haag" in region_page
    with pytest.raises(ValidationFailed):
        region_note_create(actor=admin, region=region, source="x", reviewed_on=today(),
                           review_due=today() + timedelta(days=1))


def test_history_is_append_only(riec):
    revision = Revision.objects.filter(record_id=riec.pk).first()
    with pytest.raises(Exception, match="append-only"):
        revision.save()
    with pytest.raises(Exception, match="append-only"):
        revision.delete()


def test_the_review_list_puts_overdue_content_first(client_for):
    Definition.objects.filter(slug="omm").update(review_due=today() - timedelta(days=3))
    page = client_for(Role.FUNCTIONAL_ADMIN).get(reverse("knowledge:review-list")).content.decode()
    assert page.index("Opvang multiproblematiek") < page.index("Mensenhandel")
    assert "Controle verlopen" in page
