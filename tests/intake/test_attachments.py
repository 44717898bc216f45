"""Attachments of a signal: only real PDFs, PNGs and JPEGs up to the limit (judged by their content), stored
privately under a random name, sent only as a download to whoever may read the signal's description, every
upload and every download audited, and a refused file stores nothing."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core.errors import ValidationFailed
from keten.intake.attachments import check_upload
from keten.intake.models import Signal, SignalAttachment
from keten.intake.services import signal_register
from keten.regions.selectors import municipality_by_code

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FORM = {"municipality": "Amsterdam", "observed_on": "2026-01-05", "forms": ["labour"], "urgency": "normal",
        "basis": "wmo"}


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _signal(demo, **values):
    return signal_register(actor=Actor.of(demo[Role.CARE_COORDINATOR]), observed_on=date(2026, 1, 5),
                           municipality=municipality_by_code("GM0363"), forms=["labour"], urgency="normal",
                           basis="wmo", **values)


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("advertentie.pdf", PDF, "application/pdf"),
    ("foto.png", _png(), "image/png"),
    ("foto-zonder-extensie", _png(), "image/png"),  # the content decides, not the name
])
def test_real_pdfs_and_images_pass_with_the_type_their_content_shows(name, content, kind):
    checked = check_upload(_upload(name, content, content_type="text/html"))
    assert (checked.name, checked.content_type, checked.size) == (name, kind, len(content))


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("script.pdf", b"<script>alert(1)</script>", "geen PDF, PNG- of JPEG-bestand"),
    ("kapot.png", _png()[:30], "geen PDF, PNG- of JPEG-bestand"),
    ("half.pdf", b"%PDF-1.4\n1 0 obj", "geen PDF, PNG- of JPEG-bestand"),
    ("leeg.pdf", b"", "is leeg"),
])
def test_anything_else_is_refused_with_the_reason(name, content, reason):
    with pytest.raises(ValidationFailed, match=reason):
        check_upload(_upload(name, content))


def test_a_file_over_the_limit_is_refused(settings):
    settings.KETEN_ATTACHMENT_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationFailed, match="te groot: hoogstens 1 MB"):
        check_upload(_upload("groot.pdf", PDF + b" " * (1024 * 1024)))


def test_a_path_in_the_name_is_dropped():
    assert check_upload(_upload("../../etc/advertentie.pdf", PDF)).name == "advertentie.pdf"


def test_the_intake_form_stores_the_files_privately_and_audits_each(client_for):
    existing = set(Signal.objects.values_list("pk", flat=True))
    response = client_for(Role.CARE_COORDINATOR).post(reverse("intake:signal-create"), FORM | {
        "attachments": [_upload("advertentie.pdf", PDF), _upload("foto.png", _png())]}, follow=True)
    signal = Signal.objects.exclude(pk__in=existing).get()
    page = response.content.decode()
    assert "advertentie.pdf" in page and "foto.png" in page
    stored = list(signal.attachments.order_by("original_name"))
    assert [(a.original_name, a.content_type) for a in stored] == [("advertentie.pdf", "application/pdf"),
                                                                  ("foto.png", "image/png")]
    assert all("advertentie" not in a.file.name and "foto" not in a.file.name for a in stored)
    assert AuditEvent.objects.filter(object_type="intake.signalattachment", action="create",
                                     object_id__in=[str(a.pk) for a in stored]).count() == 2


def test_a_refused_file_on_the_intake_form_stores_nothing_and_says_why(client_for):
    before = (Signal.objects.count(), SignalAttachment.objects.count())
    response = client_for(Role.CARE_COORDINATOR).post(reverse("intake:signal-create"), FORM | {
        "description": "Wat ik zag.", "attachments": [_upload("advertentie.pdf", PDF),
                                                      _upload("virus.pdf", b"MZ\x90\x00")]})
    page = response.content.decode()
    assert 'id="id_attachments_error"' in page and "virus.pdf is geen PDF, PNG- of JPEG-bestand" in page
    assert "Wat ik zag." in page
    assert (Signal.objects.count(), SignalAttachment.objects.count()) == before


def test_the_reporter_downloads_it_as_an_uncached_attachment_and_the_read_is_audited(demo, client_for):
    signal = _signal(demo, attachments=[_upload("advertentie.pdf", PDF)])
    attachment = signal.attachments.get()
    response = client_for(Role.CARE_COORDINATOR).get(
        reverse("intake:attachment-download", args=[signal.pk, attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.objects.filter(object_type="intake.signalattachment", object_id=str(attachment.pk),
                                     action="read").count() == 1


def test_the_table_sees_that_there_is_a_file_but_cannot_open_it(demo, client_for):
    signal = _signal(demo, attachments=[_upload("paspoort-van-iemand.pdf", PDF)])
    attachment = signal.attachments.get()
    chair = client_for(Role.TABLE_CHAIR)
    page = chair.get(reverse("intake:signal-detail", args=[signal.pk])).content.decode()
    assert "1 bijlage, afgeschermd zoals de omschrijving." in page and "paspoort-van-iemand" not in page
    assert "Bijlage toevoegen" not in page
    response = chair.get(reverse("intake:attachment-download", args=[signal.pk, attachment.pk]))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(object_type="intake.signalattachment", object_id=str(attachment.pk),
                                     action="denied").count() == 1
    before = SignalAttachment.objects.count()
    refused = chair.post(reverse("intake:attachment-add", args=[signal.pk]), {"file": _upload("x.pdf", PDF)})
    assert refused.status_code == 403 and SignalAttachment.objects.count() == before


def test_the_reporter_adds_a_file_later_on_the_signal_page(demo, client_for):
    signal = _signal(demo)
    client = client_for(Role.CARE_COORDINATOR)
    response = client.post(reverse("intake:attachment-add", args=[signal.pk]),
                           {"file": _upload("foto.png", _png())}, follow=True)
    assert "Bijlage foto.png is toegevoegd." in response.content.decode()
    refused = client.post(reverse("intake:attachment-add", args=[signal.pk]), {"file": _upload("nep.png", b"GIF89a")})
    assert refused.status_code == 400 and "nep.png is geen PDF" in refused.content.decode()
    assert signal.attachments.count() == 1


def test_an_attachment_of_another_signal_is_not_found(demo, client_for):
    first, second = _signal(demo, attachments=[_upload("a.pdf", PDF)]), _signal(demo)
    response = client_for(Role.CARE_COORDINATOR).get(
        reverse("intake:attachment-download", args=[second.pk, first.attachments.get().pk]))
    assert response.status_code == 404
