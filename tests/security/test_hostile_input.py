"""Hostile input is refused or made harmless, with a Dutch explanation where a person sees it: oversized bodies,
deeply nested or broken JSON, text that is not UTF-8, spreadsheet formulas in exports, markup in free text, paths
and line breaks in file names, and files whose name lies about what they are."""

import csv
import io
import json
from datetime import date

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Value
from django.db.models.functions import Concat
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from keten.accounts.actor import Actor
from keten.accounts.models import User
from keten.accounts.roles import Role
from keten.core.downloads import FORMULA_START, csv_download, formula_safe
from keten.core.errors import ValidationFailed
from keten.core.parsers import MAX_JSON_DEPTH, json_depth_exceeds
from keten.intake.attachments import check_upload
from keten.intake.models import Signal, SignalAttachment
from keten.intake.services import signal_register
from keten.notifications.models import Notification, NotificationKind
from keten.notifications.services import notify
from keten.referrals import services as referral_services
from keten.referrals.models import Registration
from keten.regions.models import Region
from keten.regions.selectors import municipality_by_code
from keten.socialmap import spreadsheet
from keten.socialmap.models import Service
from tests.security.support import reauthenticated

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SIGNAL_FORM = {"municipality": "Amsterdam", "observed_on": "2026-01-05", "forms": ["labour"], "urgency": "normal",
               "basis": "wmo"}


def _signal(demo, **values):
    return signal_register(actor=Actor.of(demo[Role.CARE_COORDINATOR]), observed_on=date(2026, 1, 5),
                           municipality=municipality_by_code("GM0363"), forms=["labour"], urgency="normal",
                           basis="wmo", **values)


# --- Oversized bodies ---------------------------------------------------------------------------------------------


def test_an_oversized_form_post_is_refused_with_413_in_dutch_and_nothing_is_stored(client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    before = Signal.objects.count()
    body = "&".join(f"{key}={value}" for key, value in SIGNAL_FORM.items() if key != "forms")
    response = client_for(Role.CARE_COORDINATOR).post(
        reverse("intake:signal-create"), data=f"{body}&forms=labour&description={'x' * 200_000}",
        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "te groot: hoogstens 0.1 MB. Er is niets opgeslagen." in response.content.decode()
    assert Signal.objects.count() == before


def test_an_oversized_api_body_is_refused_with_413_as_json(client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    response = client_for(Role.CARE_COORDINATOR).post(
        "/api/v1/signals/", data=json.dumps({"description": "x" * 200_000}), content_type="application/json")
    assert response.status_code == 413 and "te groot" in response.json()["detail"]


def test_an_oversized_text_field_beside_an_upload_gets_a_dutch_400_and_stores_nothing(client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    before = (Signal.objects.count(), SignalAttachment.objects.count())
    response = client_for(Role.CARE_COORDINATOR).post(reverse("intake:signal-create"), SIGNAL_FORM | {
        "description": "x" * 200_000, "attachments": [SimpleUploadedFile("a.pdf", PDF)]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Verzoek geweigerd" in page and "Er is niets opgeslagen" in page and "Bad Request" not in page
    assert (Signal.objects.count(), SignalAttachment.objects.count()) == before


# --- JSON: nesting and encoding -------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,  # deeper than Python's decoder can recurse
    json.dumps({"description": "x", "extra": json.loads("[" * 40 + "]" * 40)}).encode(),  # decodable, still too deep
], ids=["beyond-the-stack", "beyond-the-limit"])
def test_deeply_nested_json_is_refused_with_400_not_a_server_error(client_for, body):
    response = client_for(Role.CARE_COORDINATOR).post("/api/v1/signals/", data=body, content_type="application/json")
    assert response.status_code == 400 and "te diep genest" in response.json()["detail"]


def test_the_depth_guard_counts_levels_of_lists_and_objects():
    assert not json_depth_exceeds({"a": [{"b": 1}]}, 3)
    assert json_depth_exceeds({"a": [{"b": []}]}, 3)
    deep = current = []
    for _level in range(MAX_JSON_DEPTH * 10):
        current.append([])
        current = current[0]
    assert json_depth_exceeds(deep, MAX_JSON_DEPTH)


def test_json_that_is_not_utf8_is_refused_with_400(client_for):
    response = client_for(Role.CARE_COORDINATOR).post(
        "/api/v1/signals/", data=b'{"description": "\xff\xfe kapot"}', content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"] == "De inhoud is geen geldige JSON in UTF-8."


def test_a_form_post_that_is_not_utf8_is_refused_with_400_and_stores_nothing(client_for):
    before = Signal.objects.count()
    response = client_for(Role.CARE_COORDINATOR).post(
        reverse("intake:signal-create"),
        data=b"municipality=Amsterdam&observed_on=2026-01-05&forms=labour&urgency=normal&basis=wmo"
             b"&description=%ff%fe%fd",
        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "geen geldige UTF-8" in response.content.decode()
    assert Signal.objects.count() == before


BOUNDARY = "keten-test-grens"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def _multipart(fields: dict[str, bytes | list[bytes]], files: dict[str, tuple[str, bytes]] | None = None,
               names: dict[str, bytes] | None = None) -> bytes:
    """A multipart body as a browser sends it, built by hand: the test client would encode every text as UTF-8.
    `names` are fields named the RFC 2231 way (name*=utf-8''...), whose name may be percent-encoded bytes."""
    parts = [(f'Content-Disposition: form-data; name="{name}"'.encode(), value)
             for name, values in fields.items() for value in (values if isinstance(values, list) else [values])]
    parts += [(f"Content-Disposition: form-data; name*=utf-8''{name}".encode(), value)
              for name, value in (names or {}).items()]
    parts += [(f'Content-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
               f"Content-Type: application/octet-stream".encode(), content)
              for name, (file_name, content) in (files or {}).items()]
    body = b"".join(b"--%s\r\n%s\r\n\r\n%s\r\n" % (BOUNDARY.encode(), head, value) for head, value in parts)
    return body + b"--%s--\r\n" % BOUNDARY.encode()


#: The signal form's fields as bytes; a PDF with bytes that are not UTF-8 in it, which a file may hold.
SIGNAL_FIELDS = {key: [v.encode() for v in value] if isinstance(value, list) else value.encode()
                 for key, value in SIGNAL_FORM.items()}
BINARY_PDF = PDF.replace(b"endobj", b"endobj\n%\xff\xfe\xfd binary\n")


@pytest.mark.parametrize(("fields", "names"), [
    (SIGNAL_FIELDS | {"description": b"Gezien bij de ingang \xff\xfe kapot"}, {}),
    (SIGNAL_FIELDS | {"description": b"Gezien bij de ingang"}, {"toelichting%FF": b"x"}),
], ids=["value", "field-name"])
def test_a_multipart_upload_with_a_text_field_not_in_utf8_is_refused_with_400_and_stores_nothing(client_for, fields,
                                                                                                names):
    before = (Signal.objects.count(), SignalAttachment.objects.count())
    response = client_for(Role.CARE_COORDINATOR).post(
        reverse("intake:signal-create"), data=_multipart(fields, {"attachments": ("a.pdf", BINARY_PDF)}, names),
        content_type=MULTIPART)
    page = response.content.decode()
    assert response.status_code == 400 and "Verzoek geweigerd" in page
    assert "geen geldige UTF-8 zijn. Er is niets opgeslagen." in page
    assert (Signal.objects.count(), SignalAttachment.objects.count()) == before


def test_an_attachment_upload_with_a_text_field_not_in_utf8_is_refused(demo, client_for):
    signal = _signal(demo)
    response = client_for(Role.CARE_COORDINATOR).post(
        reverse("intake:attachment-add", args=[signal.pk]),
        data=_multipart({"toelichting": b"\xc3\x28"}, {"file": ("a.pdf", BINARY_PDF)}), content_type=MULTIPART)
    assert response.status_code == 400 and "geen geldige UTF-8" in response.content.decode()
    assert not signal.attachments.exists()


def test_a_multipart_api_request_not_in_utf8_is_refused_as_json(client_for):
    response = client_for(Role.CARE_COORDINATOR).post(
        "/api/v1/signals/", data=_multipart({"description": b"\xff"}), content_type=MULTIPART)
    assert response.status_code == 400 and "geen geldige UTF-8" in response.json()["detail"]


def test_a_multipart_upload_in_utf8_with_accents_and_a_binary_file_is_stored_as_sent(client_for):
    description = "Gezien bij café «De Zwaan», 5 mensen — één zonder jas."
    response = client_for(Role.CARE_COORDINATOR).post(
        reverse("intake:signal-create"),
        data=_multipart(SIGNAL_FIELDS | {"description": description.encode()},
                        {"attachments": ("verklaring-café.pdf", BINARY_PDF)}),
        content_type=MULTIPART)
    assert response.status_code == 302, response.content.decode()[:2000]
    signal = Signal.objects.get(description=description)
    attachment = signal.attachments.get()
    assert attachment.original_name == "verklaring-café.pdf"
    with attachment.file.open("rb") as stored:
        assert stored.read() == BINARY_PDF


def test_a_form_post_in_valid_utf8_with_accents_passes_the_check(client_for):
    response = Client().post(reverse("account_login"), data="login=ren%C3%A9%40example.invalid&password=x",
                             content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200


# --- Formulas in exports --------------------------------------------------------------------------------------------

HOSTILE_CELLS = [f"{start}HYPERLINK(\"http://evil.invalid\")" for start in FORMULA_START]


@pytest.mark.parametrize("text", HOSTILE_CELLS)
def test_the_csv_download_never_starts_a_cell_with_a_formula_character(text):
    """Every CSV export goes through csv_download: the registration export and aggregate, the monitor's tables."""
    content = csv_download("x.csv", [["kop"], [text]]).content.decode("utf-8").lstrip("\ufeff")
    cell = list(csv.reader(io.StringIO(content, newline=""), delimiter=";"))[1][0]
    assert cell == f"'{text}" and not cell.startswith(FORMULA_START)


def test_ordinary_text_and_numbers_are_exported_unchanged():
    assert formula_safe("Amsterdam") == "Amsterdam" and formula_safe("12") == "12"


def test_the_comensha_registration_export_neutralises_a_formula_in_a_typed_field(demo, client_for):
    registration = referral_services.registration_create(
        actor=Actor.of(demo[Role.REGISTRATION_OFFICER]), municipality=municipality_by_code("GM0363"),
        dossier_type="registratie", exploitation_form="overige_arbeidsuitbuiting", gender="man",
        reporter_type="politie")
    # Written past the form's choices on purpose: the export must hold even for a value that slipped in.
    Registration.objects.filter(pk=registration.pk).update(sector='=HYPERLINK("http://evil.invalid")')
    client = reauthenticated(client_for(Role.REGISTRATION_OFFICER))
    text = client.get(reverse("referrals:registration-export", args=["csv"])
                      + f"?jaar={registration.registered_on.year}").content.decode()
    assert "'=HYPERLINK" in text and ';=HYPERLINK' not in text


def test_the_monitor_xlsx_stores_typed_text_as_text_never_as_a_formula(client_for):
    Region.objects.filter(layer__kind="care_coordination").update(name=Concat(Value("=HYPERLINK("), "code"))
    response = client_for(Role.NATIONAL_ANALYST).get("/monitor/export/per-vorm.xlsx?indeling=care_coordination")
    assert response.status_code == 200
    cells = [cell for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for cell in row
             if isinstance(cell.value, str)]
    assert any(cell.value.startswith("'=HYPERLINK(") for cell in cells)
    assert all(cell.data_type != "f" and not cell.value.startswith(FORMULA_START) for cell in cells)


def test_the_social_map_template_keeps_a_formula_like_name_as_text(demo, admin):
    service = Service.objects.order_by("name").first()
    hostile = '=HYPERLINK("http://evil.invalid","klik")'
    Service.objects.filter(pk=service.pk).update(name=hostile)
    sheet = load_workbook(io.BytesIO(spreadsheet.template(admin)))[spreadsheet.SHEET]
    found = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == hostile]
    # Kept exactly (the template comes back in), but as a text cell, which no spreadsheet runs.
    assert found and all(cell.data_type == "s" for cell in found)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows(min_row=2) for cell in row)


# --- Markup in free text --------------------------------------------------------------------------------------------


def _signal_detail(demo, client_for):
    signal = _signal(demo, description=f"Gezien bij de ingang. {SCRIPT}")
    return client_for(Role.CARE_COORDINATOR).get(reverse("intake:signal-detail", args=[signal.pk]))


def _referral_detail(demo, client_for):
    referral = referral_services.referral_create(
        actor=Actor.of(demo[Role.CARE_WORKER]), municipality=municipality_by_code("GM0363"), forms=["labour"],
        urgency="normal", contact=f"06 10000 999 {SCRIPT}", situation=f"Slaapt in de werkplaats. {SCRIPT}")
    return client_for(Role.CARE_WORKER).get(reverse("referrals:detail", args=[referral.pk]))


def _notification_list(demo, client_for):
    notify(memberships=[demo[Role.CARE_COORDINATOR]], kind=NotificationKind.TABLE, title=f"Nieuw {SCRIPT}",
           link="/", key="security-xss-test", purpose="care_coordination")
    return client_for(Role.CARE_COORDINATOR).get(reverse("notifications:list"))


def _user_list(demo, client_for):
    from keten.accounts.models import Membership

    user = User.objects.create_user(email="xss@example.invalid", password=None, full_name=f"Demo {SCRIPT}")
    Membership.objects.create(user=user, organisation=demo[Role.FUNCTIONAL_ADMIN].organisation,
                              role=Role.CARE_WORKER)
    return client_for(Role.FUNCTIONAL_ADMIN).get(reverse("accounts:user-list"))


@pytest.mark.parametrize("show", [_signal_detail, _referral_detail, _notification_list, _user_list],
                         ids=["signal-description", "referral-situation", "notification-title", "user-name"])
def test_script_typed_into_free_text_is_shown_as_text_on_every_page(demo, client_for, show):
    response = show(demo, client_for)
    page = response.content.decode()
    assert response.status_code == 200
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_notification_email_is_plain_text_and_carries_no_typed_text(demo, settings,
                                                                     django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify(memberships=[demo[Role.CARE_COORDINATOR]], kind=NotificationKind.TABLE, title=f"Nieuw {SCRIPT}",
               link="/", key="security-xss-mail", purpose="care_coordination")
    assert Notification.objects.filter(key="security-xss-mail").exists()
    sent = [message for message in mail.outbox if demo[Role.CARE_COORDINATOR].user.email in message.to]
    assert len(sent) == 1
    assert all(not getattr(message, "alternatives", None) and "<script" not in message.body for message in sent)


# --- File names and types -------------------------------------------------------------------------------------------


def test_a_hostile_file_name_is_stored_under_a_generated_name_and_sent_without_path_or_line_breaks(demo, client_for):
    name = '../../etc/x"\r\nSet-Cookie: a=1\n..\\passwd.pdf'
    signal = _signal(demo, attachments=[SimpleUploadedFile(name, PDF)])
    attachment = signal.attachments.get()
    assert ".." not in attachment.file.name and "passwd" not in attachment.file.name
    response = client_for(Role.CARE_COORDINATOR).get(
        reverse("intake:attachment-download", args=[signal.pk, attachment.pk]))
    disposition = response["Content-Disposition"]
    assert response.status_code == 200 and disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition and "../" not in disposition
    assert "Set-Cookie" not in response.cookies and "/" not in attachment.original_name


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("foto.png", PDF, "past niet bij wat erin zit: het is een PDF"),
    ("pagina.html", PDF, "past niet bij wat erin zit"),
    ("brief.pdf", b"<html><script>alert(1)</script></html>", "geen PDF, PNG- of JPEG-bestand"),
    ("brief.pdf", b"%PDF-1.4\n<script>alert(1)</script>", "geen PDF, PNG- of JPEG-bestand"),  # no end: not a PDF
])
def test_a_file_whose_name_or_content_lies_about_its_type_is_refused(name, content, reason):
    with pytest.raises(ValidationFailed, match=reason):
        check_upload(SimpleUploadedFile(name, content, content_type="application/pdf"))


@pytest.mark.parametrize("name", ["scan.PDF", "verklaring J. Jansen", "rapport-v2", "brief.2026.pdf"])
def test_names_that_do_not_claim_another_type_pass(name):
    assert check_upload(SimpleUploadedFile(name, PDF)).content_type == "application/pdf"


def test_a_lying_upload_on_the_form_is_refused_with_the_reason_and_stores_nothing(client_for):
    before = (Signal.objects.count(), SignalAttachment.objects.count())
    response = client_for(Role.CARE_COORDINATOR).post(reverse("intake:signal-create"), SIGNAL_FORM | {
        "description": "Wat ik zag.", "attachments": [SimpleUploadedFile("foto.png", PDF)]})
    page = response.content.decode()  # the form comes back, with what was typed and the file's error
    assert 'id="id_attachments_error"' in page and "foto.png past niet bij wat erin zit" in page
    assert (Signal.objects.count(), SignalAttachment.objects.count()) == before
