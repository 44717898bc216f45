"""The layer pages: only a national functional administrator sees them, and only configurable layers edit."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from keten.accounts.models import Membership, Organisation, User
from keten.regions.models import LayerKind, Region

pytestmark = pytest.mark.django_db

CARE = LayerKind.CARE_COORDINATION


def _client_as(role: str, *, region=None, org_type="national_programme") -> Client:
    user = User.objects.create_user(email=f"{role}-{region.code if region else 'nl'}@example.invalid",
                                    password="een lang wachtwoord 42")
    organisation = Organisation.objects.create(name=f"Organisatie {user.email}", type=org_type)
    Membership.objects.create(user=user, organisation=organisation, role=role, region=region)
    TOTP.activate(user, generate_totp_secret())
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def national_admin(regions_loaded):
    return _client_as("functional_admin")


def _edit_url(code, kind=CARE):
    return reverse("regions:region-edit", kwargs={"kind": kind, "code": code})


def _post_members(client, region, codes, name=None):
    return client.post(_edit_url(region.code, region.layer.kind), {
        "name": name or region.name, "version": region.version, "municipalities": sorted(codes),
    })


def test_national_admin_sees_every_layer_with_its_regions(national_admin):
    response = national_admin.get(reverse("regions:layer-list"))
    assert response.status_code == 200
    assert "Jeugdzorgregio" in response.content.decode()
    detail = national_admin.get(reverse("regions:layer-detail", kwargs={"kind": "police_unit"}))
    assert detail.status_code == 200
    assert "Zeeland - West-Brabant" in detail.content.decode()
    assert "Bron: CBS / Kadaster (PDOK)" in detail.content.decode()


def test_edit_form_groups_municipalities_by_province_in_fieldsets(national_admin):
    response = national_admin.get(_edit_url("ZC05"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<fieldset") == 13  # all municipalities, then one per province
    assert 'value="GM0363" id="municipality-GM0363" checked' in html
    assert "nu bij Zorgcoördinatie Noord-Holland" in html
    # The CSP forbids inline code: scripts only from files, no style attributes.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and "style=" not in html


def test_national_admin_moves_a_municipality_between_care_coordination_regions(national_admin):
    amsterdam = Region.objects.get(layer__kind=CARE, code="ZC05")
    noord_holland = Region.objects.get(layer__kind=CARE, code="ZC04")
    codes = set(amsterdam.municipalities.values_list("code", flat=True)) | {"GM0392"}

    response = _post_members(national_admin, amsterdam, codes)

    assert response.status_code == 302
    assert response["Location"] == reverse("regions:layer-detail", kwargs={"kind": CARE})
    assert amsterdam.municipalities.filter(code="GM0392").exists()
    assert not noord_holland.municipalities.filter(code="GM0392").exists()
    page = national_admin.get(response["Location"]).content.decode()
    assert "Haarlem is verplaatst van ‘Zorgcoördinatie Noord-Holland’" in page


def test_unticking_shows_a_dutch_error_and_changes_nothing(national_admin):
    amsterdam = Region.objects.get(layer__kind=CARE, code="ZC05")
    codes = set(amsterdam.municipalities.values_list("code", flat=True)) - {"GM0362"}

    response = _post_members(national_admin, amsterdam, codes)

    assert response.status_code == 200
    assert "Uitvinken kan daarom niet (Amstelveen)" in response.content.decode()
    assert amsterdam.municipalities.filter(code="GM0362").exists()


def test_national_admin_adds_a_region(national_admin):
    url = reverse("regions:region-create", kwargs={"kind": CARE})
    assert national_admin.get(url).status_code == 200
    response = national_admin.post(url, {"name": "Zorgcoördinatie Amstelland", "municipalities": ["GM0362"]})
    assert response.status_code == 302
    region = Region.objects.get(layer__kind=CARE, name="Zorgcoördinatie Amstelland")
    assert list(region.municipalities.values_list("code", flat=True)) == ["GM0362"]


@pytest.mark.parametrize("url", [
    reverse("regions:region-edit", kwargs={"kind": "province", "code": "PV31"}),
    reverse("regions:region-create", kwargs={"kind": "police_unit"}),
    reverse("regions:region-edit", kwargs={"kind": CARE, "code": "ZC99"}),
    reverse("regions:layer-detail", kwargs={"kind": "no_such_layer"}),
])
def test_cbs_layers_and_unknown_regions_have_no_edit_page(national_admin, url):
    assert national_admin.get(url).status_code == 404
    assert national_admin.post(url, {"name": "x", "version": 1}).status_code == 404


def test_regional_functional_admin_is_refused(regions_loaded):
    region = Region.objects.get(layer__kind=CARE, code="ZC05")
    client = _client_as("functional_admin", region=region, org_type="municipality")
    assert client.get(reverse("regions:layer-list")).status_code == 403
    assert client.get(_edit_url("ZC05")).status_code == 403
    assert _post_members(client, region, ["GM0363"]).status_code == 403
    assert region.municipalities.count() == 6


def test_care_coordinator_is_refused(regions_loaded):
    client = _client_as("care_coordinator", org_type="municipality")
    assert client.get(reverse("regions:layer-detail", kwargs={"kind": CARE})).status_code == 403
    assert client.get(_edit_url("ZC05")).status_code == 403


@pytest.mark.parametrize("name, kwargs", [
    ("regions:layer-list", {}),
    ("regions:layer-detail", {"kind": CARE}),
    ("regions:region-create", {"kind": CARE}),
    ("regions:region-edit", {"kind": CARE, "code": "ZC05"}),
])
def test_anonymous_visitor_is_sent_to_login(regions_loaded, name, kwargs):
    response = Client().get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
