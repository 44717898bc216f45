"""The minutes of a Signaaltafel meeting: each participant's copy holds only what their organisation may see (the
page, the PDF and the digest alike), the chair's copy alone has the annex of revealed identities, and sending is
the chair's, for a closed meeting, audited per recipient."""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from keten.accounts.actor import Actor
from keten.audit.models import AuditEvent
from keten.core.clock import now, today
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.core.privacy import DataCategory
from keten.identity.models import AttributeKind, Entity, EntityKind, IdentityAttribute, Subject
from keten.intake.models import PersonRole, Signal, SignalPerson
from keten.notifications.models import Notification
from keten.policy.purposes import Purpose
from keten.signaltable.minutes import as_text, digest, minutes_copy
from keten.signaltable.minutes_pdf import minutes_pdf
from keten.signaltable.minutes_services import minutes_send
from keten.signaltable.models import (
    ActionStatus,
    AgendaItem,
    Assessment,
    DecisionKind,
    Dossier,
    DossierSignal,
    IdentityReveal,
    Indication,
    Meeting,
    MeetingStatus,
    MinutesDispatch,
    Severity,
    TableAction,
    TableDecision,
)

pytestmark = pytest.mark.django_db

POLICE_RATIONALE = "Fictief: de politie start een onderzoek naar de uitzendconstructie."
POLICE_ACTION = "Fictief: proces-verbaal opmaken en de werkgever verhoren."
CARE_RATIONALE = "Fictief: opvang en begeleiding nodig. <script>alert('x')</script>"
CARE_ACTION = "Fictief: intakegesprek met de zorgcoördinator plannen."
NOTES = "Fictief: mogelijk gezondheidsklachten door lange werkdagen."
REVEAL_REASON = "Fictief: nodig om het onderzoek aan te vragen."
REVEALED_NAME = "Demo Onthulde Persoon"
REVEALED_PHONE = "0600000427"
PARTICIPANTS = ("table_member", "police_investigator", "care_coordinator")


def _free_signal(municipalities) -> Signal:
    taken = DossierSignal.objects.filter(is_active=True).values("signal_id")
    return Signal.objects.filter(municipality__in=municipalities).exclude(pk__in=taken).order_by("reference").first()


@pytest.fixture
def table(demo):
    """A closed meeting of the Noord-Holland table: one dossier with an assessment, an investigation and a care
    trajectory with an action each (the police one overdue), two identities revealed; and a Limburg dossier that
    only the chair's organisation keeps."""
    chair = demo["table_chair"]
    region = chair.region
    signal = _free_signal(region.municipalities.all())
    dossier = Dossier.objects.create(municipality=signal.municipality, owner=chair.organisation)
    DossierSignal.objects.create(dossier=dossier, signal=signal)
    elsewhere = _free_signal(demo["veilig_thuis_worker"].region.municipalities.all())
    other = Dossier.objects.create(municipality=elsewhere.municipality, owner=chair.organisation)
    DossierSignal.objects.create(dossier=other, signal=elsewhere)
    meeting = Meeting.objects.create(region=region, scheduled_at=now() - timedelta(hours=2), place="Demo-zaal",
                                     chair=chair, status=MeetingStatus.CLOSED, closed_at=now())
    meeting.participants.set([demo[role] for role in PARTICIPANTS])
    item = AgendaItem.objects.create(meeting=meeting, dossier=dossier, position=1, reasons=["new_dossier"])
    AgendaItem.objects.create(meeting=meeting, dossier=other, position=2, reasons=["added"])
    Assessment.objects.create(item=item, indication=Indication.YES, forms=["labour"], severity=Severity.HIGH,
                              minor_involved=False, notes=NOTES, assessed_by=chair)
    police = demo["police_investigator"]
    investigation = TableDecision.objects.create(
        item=item, dossier=dossier, kind=DecisionKind.INVESTIGATE_POLICE, rationale=POLICE_RATIONALE,
        category=DataCategory.CRIMINAL, decided_by=chair)
    care = TableDecision.objects.create(item=item, dossier=dossier, kind=DecisionKind.CARE_TRAJECTORY,
                                        rationale=CARE_RATIONALE, decided_by=chair)
    TableAction.objects.create(dossier=dossier, item=item, decision=investigation, description=POLICE_ACTION,
                               category=DataCategory.CRIMINAL, owner_organisation=police.organisation,
                               due_on=today() - timedelta(days=3), created_by=chair)
    TableAction.objects.create(dossier=dossier, item=item, decision=care, description=CARE_ACTION,
                               owner_organisation=demo["care_coordinator"].organisation,
                               due_on=today() + timedelta(days=14), created_by=chair)
    subject = Subject.objects.create(owner=police.organisation, municipality=signal.municipality,
                                     created_by=police.user)
    IdentityAttribute.objects.create(subject=subject, kind=AttributeKind.NAME, value=REVEALED_NAME.lower(),
                                     display=REVEALED_NAME, added_by=police.user)
    SignalPerson.objects.create(signal=signal, role=PersonRole.PRESUMED_VICTIM, subject=subject)
    phone = Entity.objects.create(kind=EntityKind.PHONE, value=REVEALED_PHONE, display=REVEALED_PHONE,
                                  owner=police.organisation, municipality=signal.municipality, created_by=police.user)
    for target in ({"subject": subject}, {"entity": phone}):
        IdentityReveal.objects.create(dossier=dossier, purpose=Purpose.INVESTIGATION, reason=REVEAL_REASON,
                                      meeting=meeting, membership=police, **target)
    return {"meeting": meeting, "dossier": dossier, "other": other, "subject": subject}


def _text(demo, table, role) -> str:
    return "\n".join(as_text(minutes_copy(table["meeting"], demo[role])))


def test_only_the_police_participants_copy_shows_an_investigations_rationale(demo, table):
    police, member, care = (_text(demo, table, role)
                            for role in ("police_investigator", "table_member", "care_coordinator"))
    assert POLICE_RATIONALE in police and POLICE_ACTION in police
    for text in (member, care):
        assert POLICE_RATIONALE not in text and POLICE_ACTION not in text
        assert "Onderbouwing afgeschermd (politie-informatie)" in text
        assert "Onderzoek door de politie (AVIM)" in text  # the decision itself is known to the table
        assert CARE_RATIONALE in text and CARE_ACTION in text


def test_assessment_notes_appear_only_in_the_chairs_copy(demo, table):
    assert NOTES in _text(demo, table, "table_chair")
    for role in PARTICIPANTS:
        text = _text(demo, table, role)
        assert NOTES not in text and "Aantekeningen afgeschermd" in text
        assert "aanwijzingen voor mensenhandel: Ja; ernst: Hoog" in text


def test_the_reveal_annex_is_only_in_the_chairs_copy_and_never_holds_the_revealed_value(demo, table):
    chair = _text(demo, table, "table_chair")
    reference = table["dossier"].reference
    assert "Bijlage: onthulde identiteiten" in chair
    # The person by the alias the table used for them in that dossier, the entity by its kind.
    assert re.search(rf"onthulde Persoon [A-Z]+ in dossier {reference}", chair)
    assert f"onthulde Telefoonnummer in dossier {reference}" in chair
    assert REVEAL_REASON in chair and "doel: Opsporing" in chair and "Rechercheur (AVIM)" in chair
    for value in (REVEALED_NAME, REVEALED_NAME.lower(), REVEALED_PHONE, table["subject"].public_id):
        assert value not in chair
    for role in PARTICIPANTS:
        text = _text(demo, table, role)
        assert "Bijlage" not in text and REVEAL_REASON not in text


def test_a_dossier_a_participant_may_not_read_is_only_a_shielded_item(demo, table):
    police = minutes_copy(table["meeting"], demo["police_investigator"])
    shielded = next(item for item in police.items if item.position == 2)
    assert shielded.shielded and not shielded.reference and not shielded.decisions
    assert table["other"].reference not in "\n".join(as_text(police))
    assert "2. Agendapunt afgeschermd" in "\n".join(as_text(police))
    assert table["other"].reference in _text(demo, table, "table_chair")


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_holds_what_the_copy_holds_and_draws_markup_as_text(demo, table):
    chair = minutes_pdf(minutes_copy(table["meeting"], demo["table_chair"]))
    member = minutes_pdf(minutes_copy(table["meeting"], demo["table_member"]))
    assert chair.startswith(b"%PDF") and member.startswith(b"%PDF")
    chair_text, member_text = (" ".join(_pdf_text(content).split()) for content in (chair, member))
    assert f"Verslag Signaaltafel {demo['table_chair'].region.name}" in chair_text
    assert POLICE_RATIONALE in chair_text and NOTES in chair_text and "Bijlage: onthulde identiteiten" in chair_text
    assert "<script>alert('x')</script>" in member_text
    assert POLICE_RATIONALE not in member_text and NOTES not in member_text and "Bijlage" not in member_text
    assert REVEALED_PHONE not in chair_text and REVEALED_NAME not in chair_text


def test_the_minutes_page_is_the_viewers_own_copy_and_one_audited_read(demo, table, client_for):
    meeting = table["meeting"]
    before = AuditEvent.objects.filter(object_id=str(meeting.pk), action="read").count()
    response = client_for("care_coordinator").get(reverse("signaltable:minutes", args=[meeting.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert CARE_ACTION in page and POLICE_RATIONALE not in page and NOTES not in page
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert "Verslag versturen" not in page
    events = AuditEvent.objects.filter(object_id=str(meeting.pk), action="read")
    assert events.count() == before + 1
    event = events.order_by("-occurred_at").first()
    assert event.actor_id == demo["care_coordinator"].user_id and event.purpose == "table_meeting"


def test_the_pdf_download_is_an_attachment_audited_as_an_export(demo, table, client_for):
    meeting = table["meeting"]
    response = client_for("police_investigator").get(reverse("signaltable:minutes-pdf", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert POLICE_RATIONALE in " ".join(_pdf_text(response.content).split())
    assert AuditEvent.objects.filter(object_id=str(meeting.pk), action="export",
                                     actor_id=demo["police_investigator"].user_id).count() == 1


def test_the_chair_previews_a_participants_copy_and_others_may_not(demo, table, client_for):
    meeting = table["meeting"]
    url = reverse("signaltable:minutes", args=[meeting.pk])
    preview = client_for("table_chair").get(url, {"voor": demo["table_member"].pk})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Voorbeeld" in page and NOTES not in page and POLICE_RATIONALE not in page
    assert "Bijlage: onthulde identiteiten" not in page
    refused = client_for("table_member").get(url, {"voor": demo["police_investigator"].pk})
    assert refused.status_code == 403 and POLICE_RATIONALE not in refused.content.decode()
    outsider = client_for("table_chair").get(url, {"voor": demo["veilig_thuis_worker"].pk})
    assert outsider.status_code == 404


def test_someone_not_at_the_table_gets_404(demo, table, client_for):
    meeting = table["meeting"]
    client = client_for("veilig_thuis_worker")  # a table role, but not invited to this meeting
    for name in ("signaltable:minutes", "signaltable:minutes-pdf"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 404
    assert not AuditEvent.objects.filter(object_id=str(meeting.pk), actor_id=demo["veilig_thuis_worker"].user_id,
                                         action__in=["read", "export"]).exists()


def test_sending_gives_everyone_their_own_digest_a_notice_and_an_audit_event(demo, table, client_for):
    meeting = table["meeting"]
    response = client_for("table_chair").post(reverse("signaltable:minutes-send", args=[meeting.pk]), follow=True)
    page = response.content.decode()
    assert "Het verslag is verstuurd naar 4 deelnemers." in page
    assert "Bijlage: onthulde identiteiten" in page and NOTES in page  # the chair's own copy
    dispatches = {d.recipient_id: d for d in MinutesDispatch.objects.filter(meeting=meeting)}
    everyone = [demo[role] for role in ("table_chair", *PARTICIPANTS)]
    assert set(dispatches) == {m.pk for m in everyone}
    for membership in everyone:
        assert dispatches[membership.pk].digest == digest(minutes_copy(meeting, membership))
        assert dispatches[membership.pk].sent_by == demo["table_chair"]
        notice = Notification.objects.get(recipient=membership, key__startswith=f"minutes:{meeting.pk}:")
        assert notice.link == reverse("signaltable:minutes", args=[meeting.pk])
        assert table["dossier"].reference not in notice.title
        assert dispatches[membership.pk].digest in page  # the chair sees what was sent, with its fingerprint
    assert len({d.digest for d in dispatches.values()}) == len(everyone)  # every copy differs
    shares = AuditEvent.objects.filter(object_id=str(meeting.pk), action="share")
    assert shares.count() == len(everyone)
    assert {e.purpose for e in shares} == {"table_meeting"}
    assert {e.actor_id for e in shares} == {demo["table_chair"].user_id}


def test_sending_again_sends_again_but_an_unchanged_copy_is_notified_once(demo, table):
    chair = Actor.of(demo["table_chair"])
    meeting = table["meeting"]
    first = minutes_send(actor=chair, meeting=meeting)
    second = minutes_send(actor=chair, meeting=meeting)
    assert len(second) == len(first) == 4
    assert MinutesDispatch.objects.filter(meeting=meeting).count() == 8
    assert Notification.objects.filter(key__startswith=f"minutes:{meeting.pk}:").count() == 4
    # The police action done since: the copies change, so the new copies are notified.
    TableAction.objects.filter(description=POLICE_ACTION).update(status=ActionStatus.DONE)
    minutes_send(actor=chair, meeting=meeting)
    police = demo["police_investigator"]
    assert Notification.objects.filter(key__startswith=f"minutes:{meeting.pk}:", recipient=police).count() == 2


def test_only_the_meetings_chair_sends(demo, table, client_for):
    meeting = table["meeting"]
    with pytest.raises(PermissionDenied):
        minutes_send(actor=Actor.of(demo["police_investigator"]), meeting=meeting)
    response = client_for("table_member").post(reverse("signaltable:minutes-send", args=[meeting.pk]))
    assert response.status_code == 403
    assert not MinutesDispatch.objects.filter(meeting=meeting).exists()


def test_a_meeting_that_is_not_closed_is_not_sent(demo, table, client_for):
    meeting = table["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.IN_PROGRESS, closed_at=None)
    meeting.refresh_from_db()
    with pytest.raises(ValidationFailed):
        minutes_send(actor=Actor.of(demo["table_chair"]), meeting=meeting)
    response = client_for("table_chair").post(reverse("signaltable:minutes-send", args=[meeting.pk]), follow=True)
    assert "zodra het overleg is afgerond" in response.content.decode()
    assert "Concept" in response.content.decode()
    assert not MinutesDispatch.objects.filter(meeting=meeting).exists()
    assert not AuditEvent.objects.filter(object_id=str(meeting.pk), action="share").exists()
