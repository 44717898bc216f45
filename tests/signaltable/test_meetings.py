"""Meetings of the Signaaltafel: the agenda the system proposes, the chair's assessment, decisions and actions, who
sees which text, and the pages a chair and the other participants use."""

from datetime import timedelta

import pytest

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core.clock import now, today
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.intake.models import Signal
from keten.notifications.models import Notification
from keten.regions.models import Region
from keten.signaltable import meeting_services as services
from keten.signaltable.agenda import proposal
from keten.signaltable.meeting_selectors import item_view, meeting_view
from keten.signaltable.models import (
    ActionStatus,
    AgendaItem,
    AgendaReason,
    AgendaRequest,
    Dossier,
    DossierSignal,
    DossierStatus,
    Meeting,
    MeetingStatus,
    TableAction,
    TableDecision,
)

pytestmark = pytest.mark.django_db

R = AgendaReason
DAYS = timedelta(days=1)


@pytest.fixture
def table(demo):
    """The Noord-Holland table: its chair, and earlier meetings (a demo meeting, say) moved out of the way, so
    each test's "previous meeting" is its own."""
    chair = demo["table_chair"]
    Meeting.objects.filter(region=chair.region).update(scheduled_at=now() - 4000 * DAYS)
    free = Signal.objects.filter(municipality__in=chair.region.municipalities.all()).exclude(
        pk__in=DossierSignal.objects.filter(is_active=True).values("signal_id")).order_by("reference")
    return {"chair": chair, "region": chair.region, "signals": iter(list(free)), "demo": demo}


def _dossier(table, *, age=None, signals=1, status=DossierStatus.OPEN) -> Dossier:
    """A dossier of the chair's organisation over free demo signals of Noord-Holland; `age` backdates it and its
    signals."""
    chosen = [next(table["signals"]) for _ in range(signals)]
    dossier = Dossier.objects.create(municipality=chosen[0].municipality, owner=table["chair"].organisation,
                                     status=status)
    for signal in chosen:
        DossierSignal.objects.create(dossier=dossier, signal=signal)
    if age is not None:
        Dossier.objects.filter(pk=dossier.pk).update(created_at=now() - age)
        DossierSignal.objects.filter(dossier=dossier).update(added_at=now() - age)
        dossier.refresh_from_db()
    return dossier


def _meeting(table, *, when, roles=(Role.TABLE_MEMBER, Role.POLICE_INVESTIGATOR)) -> Meeting:
    meeting = Meeting.objects.create(region=table["region"], scheduled_at=when, chair=table["chair"])
    meeting.participants.set([table["chair"], *(table["demo"][role] for role in roles)])
    return meeting


def _chair(table) -> Actor:
    return Actor.of(table["chair"])


def _action(table, dossier, *, due_on) -> TableAction:
    return TableAction.objects.create(dossier=dossier, description="Demo-actie (fictief)", due_on=due_on,
                                      owner_organisation=table["demo"]["police_investigator"].organisation,
                                      created_by=table["chair"])


def _assessed(table, meeting, dossier) -> AgendaItem:
    item = services.agenda_add(actor=_chair(table), meeting=meeting, dossier=dossier)
    services.assessment_record(actor=_chair(table), item=item, indication="yes", forms=["labour"], severity="high",
                               minor_involved=False, notes="Demo-aantekening over gezondheid (fictief).")
    return item


def _reasons(found, dossier):
    return next((p.reasons for p in found if p.dossier.pk == dossier.pk), None)


# --- The agenda -----------------------------------------------------------------------------------------------------


def test_the_proposal_says_why_each_dossier_is_on_the_agenda_and_puts_overdue_actions_first(table, demo):
    previous = _meeting(table, when=now() - 14 * DAYS)
    meeting = _meeting(table, when=now() + 7 * DAYS)
    month = 30 * DAYS
    new = _dossier(table)
    more_signals = _dossier(table, age=month)
    DossierSignal.objects.create(dossier=more_signals, signal=next(table["signals"]))
    open_action = _dossier(table, age=month)
    _action(table, open_action, due_on=today() + 30 * DAYS)
    overdue = _dossier(table, age=month)
    _action(table, overdue, due_on=today() - 3 * DAYS)
    review = _dossier(table, age=month)
    earlier = AgendaItem.objects.create(meeting=previous, dossier=review, position=1)
    TableDecision.objects.create(item=earlier, dossier=review, kind="monitor", rationale="Volgen (fictief).",
                                 review_on=today() + 3 * DAYS, decided_by=table["chair"])
    requested = _dossier(table, age=month)
    AgendaRequest.objects.create(dossier=requested, requested_by=demo["table_member"], reason="Nieuwe info.")
    quiet = _dossier(table, age=month)
    closed = _dossier(table, status=DossierStatus.CLOSED)

    found = proposal(meeting)

    assert _reasons(found, new) == [R.NEW_DOSSIER]
    assert _reasons(found, more_signals) == [R.NEW_SIGNALS]
    assert _reasons(found, open_action) == [R.OPEN_ACTIONS]
    assert _reasons(found, overdue) == [R.OVERDUE_ACTIONS]
    assert _reasons(found, review) == [R.REVIEW]
    assert _reasons(found, requested) == [R.REQUESTED]
    assert _reasons(found, quiet) is None and _reasons(found, closed) is None
    mine = [p.dossier.pk for p in found if p.dossier.pk in {d.pk for d in (
        new, more_signals, open_action, overdue, review, requested)}]
    assert mine == [overdue.pk, requested.pk, review.pk, more_signals.pk, new.pk, open_action.pk]


def test_without_an_earlier_meeting_every_open_dossier_of_the_region_is_proposed_as_new(table):
    old = _dossier(table, age=300 * DAYS)
    first = min([*Meeting.objects.filter(region=table["region"]).values_list("scheduled_at", flat=True),
                 now()]) - DAYS
    meeting = _meeting(table, when=first)
    assert _reasons(proposal(meeting), old) == [R.NEW_DOSSIER]


def test_proposing_fills_the_agenda_once_and_answers_the_members_requests(table, demo):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    asked = _dossier(table)
    request = AgendaRequest.objects.create(dossier=asked, requested_by=demo["table_member"], reason="Graag.")
    added = services.agenda_propose(actor=_chair(table), meeting=meeting)
    assert asked.pk in {item.dossier_id for item in added}
    assert services.agenda_propose(actor=_chair(table), meeting=meeting) == []
    request.refresh_from_db()
    assert request.meeting == meeting
    assert AuditEvent.objects.filter(object_id=str(meeting.pk), action="update", purpose="table_meeting").exists()
    assert _reasons(proposal(_meeting(table, when=now() + 21 * DAYS)), asked) != [R.REQUESTED]


def test_the_chair_reorders_the_agenda_and_removes_an_item_only_while_it_is_not_assessed(table):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    first, second = (services.agenda_add(actor=_chair(table), meeting=meeting, dossier=_dossier(table))
                     for _ in range(2))
    services.agenda_move(actor=_chair(table), item=second, direction="up")
    assert list(meeting.items.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    with pytest.raises(ValidationFailed, match="bovenaan"):
        services.agenda_move(actor=_chair(table), item=second, direction="up")
    services.assessment_record(actor=_chair(table), item=first, indication="unclear", forms=[], severity="low",
                               minor_involved=None)
    with pytest.raises(ValidationFailed, match="gewogen"):
        services.agenda_remove(actor=_chair(table), item=first)
    services.agenda_remove(actor=_chair(table), item=second)
    assert list(meeting.items.values_list("pk", flat=True)) == [first.pk]


# --- Scheduling -----------------------------------------------------------------------------------------------------


def test_scheduling_invites_the_regions_table_and_the_chair_always_sits_at_it(table, demo):
    meeting = services.meeting_schedule(actor=_chair(table), scheduled_at=now() + 7 * DAYS, place="Zaal 1",
                                        participants=[demo["table_member"]])
    assert set(meeting.participants.all()) == {demo["table_member"], table["chair"]}
    assert meeting.region == table["region"]
    assert Notification.objects.filter(recipient=demo["table_member"], kind="table").exists()
    with pytest.raises(ValidationFailed, match="deze regio"):
        services.meeting_schedule(actor=_chair(table), scheduled_at=now(), place="",
                                  participants=[demo["veilig_thuis_worker"]])  # Limburg's
    with pytest.raises(PermissionDenied):
        services.meeting_schedule(actor=Actor.of(demo["table_member"]), scheduled_at=now(), place="",
                                  participants=[])


def test_only_the_chair_of_the_meeting_sets_the_agenda_and_records(table, demo, make_person):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    item = _assessed(table, meeting, _dossier(table))
    user, _password, _secret = make_person(Role.TABLE_CHAIR, region=table["region"])
    other_chair = Actor.of(user.memberships.get())
    for actor in (Actor.of(demo["table_member"]), other_chair):
        with pytest.raises(PermissionDenied):
            services.agenda_propose(actor=actor, meeting=meeting)
        with pytest.raises(PermissionDenied):
            services.assessment_record(actor=actor, item=item, indication="no", forms=[], severity="low",
                                       minor_involved=None)
        with pytest.raises(PermissionDenied):
            services.decision_record(actor=actor, item=item, kind="no_action", rationale="x")
        with pytest.raises(PermissionDenied):
            services.action_create(actor=actor, item=item, description="x", owner_organisation=actor.organisation,
                                   owner_membership=None, due_on=today())
    assert not item.decisions.exists() and not item.actions.exists()


# --- Assessment and decisions ---------------------------------------------------------------------------------------


def test_a_decision_needs_an_assessment_first_and_a_rationale(table):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    item = services.agenda_add(actor=_chair(table), meeting=meeting, dossier=_dossier(table))
    with pytest.raises(ValidationFailed, match="weging"):
        services.decision_record(actor=_chair(table), item=item, kind="no_action", rationale="Geen aanwijzingen.")
    services.assessment_record(actor=_chair(table), item=item, indication="no", forms=[], severity="low",
                               minor_involved=None)
    with pytest.raises(ValidationFailed, match="onderbouwing"):
        services.decision_record(actor=_chair(table), item=item, kind="no_action", rationale="   ")
    assert not TableDecision.objects.filter(item=item).exists()
    decision = services.decision_record(actor=_chair(table), item=item, kind="no_action",
                                        rationale="Geen aanwijzingen (fictief).")
    assert AuditEvent.objects.filter(object_id=str(decision.pk), action="create").count() == 1


def test_an_assessment_is_updated_with_the_version_that_was_read(table):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    item = _assessed(table, meeting, _dossier(table))
    with pytest.raises(ValidationFailed, match="ernst"):
        services.assessment_record(actor=_chair(table), item=item, indication="yes", forms=[], severity="extreme",
                                   minor_involved=None, expected_version=1)
    assessment = services.assessment_record(actor=_chair(table), item=item, indication="unclear", forms=["sexual"],
                                            severity="medium", minor_involved=True, notes=None, expected_version=1)
    assert (assessment.indication, assessment.version) == ("unclear", 2)
    assert assessment.notes.startswith("Demo-aantekening")  # None kept the notes
    with pytest.raises(Exception, match="intussen gewijzigd"):
        services.assessment_record(actor=_chair(table), item=item, indication="no", forms=[], severity="low",
                                   minor_involved=None, expected_version=1)


def test_monitoring_needs_a_review_date_in_the_future(table):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    item = _assessed(table, meeting, _dossier(table))
    for day in (None, today()):
        with pytest.raises(ValidationFailed, match="in de toekomst"):
            services.decision_record(actor=_chair(table), item=item, kind="monitor", rationale="Volgen.",
                                     review_on=day)
    decision = services.decision_record(actor=_chair(table), item=item, kind="monitor", rationale="Volgen.",
                                        review_on=today() + DAYS)
    assert decision.review_on == today() + DAYS


def test_a_hand_over_goes_only_to_another_region_of_the_same_layer(table):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    item = _assessed(table, meeting, _dossier(table))
    elsewhere = Region.objects.exclude(layer=table["region"].layer).first()
    for region in (None, table["region"], elsewhere):
        with pytest.raises(ValidationFailed, match="andere regio"):
            services.decision_record(actor=_chair(table), item=item, kind="hand_over", rationale="Hoort in Limburg.",
                                     hand_over_to=region)


def test_a_care_decision_creates_a_draft_referral_to_the_care_coordinator(table):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    dossier = _dossier(table, signals=2)
    item = _assessed(table, meeting, dossier)
    decision = services.decision_record(actor=_chair(table), item=item, kind="care_trajectory",
                                        rationale="Zorg via de zorgcoördinator (fictief).")
    referral = decision.referral
    assert referral is not None and referral.status == "draft"
    assert referral.situation.startswith("Besluit Signaaltafel ")
    assert referral.situation.endswith("Zorg via de zorgcoördinator (fictief).")
    assert referral.forms == ["labour"] and referral.municipality == dossier.municipality


def test_an_investigations_rationale_is_police_information_the_municipality_does_not_read(table, demo):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    item = _assessed(table, meeting, _dossier(table))
    decision = services.decision_record(actor=_chair(table), item=item, kind="investigate_police",
                                        rationale="Onderzoek AVIM naar de werkgever (fictief).")
    assert decision.category == "criminal"
    police = Actor.of(demo["police_investigator"])
    seen = item_view(actor=police, item=item)
    assert seen.decisions[0].rationale.shown and seen.decisions[0].rationale.text.startswith("Onderzoek AVIM")
    assert not seen.notes.shown and seen.notes.why  # the notes are special-category data
    assert AuditEvent.objects.filter(actor=police.user, action="read", object_id=str(item.pk)).count() == 1
    member = item_view(actor=Actor.of(demo["table_member"]), item=item)
    assert not member.decisions[0].rationale.shown and member.decisions[0].rationale.text == ""
    assert member.decisions[0].rationale.why  # says why, not what
    chair = item_view(actor=_chair(table), item=item)
    assert chair.notes.shown and chair.decisions[0].rationale.shown


def test_closing_needs_every_item_assessed_and_decided(table):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    item = _assessed(table, meeting, _dossier(table))
    waiting = services.agenda_add(actor=_chair(table), meeting=meeting, dossier=_dossier(table))
    services.meeting_start(actor=_chair(table), meeting=meeting)
    with pytest.raises(ValidationFailed) as refused:
        services.meeting_close(actor=_chair(table), meeting=meeting)
    assert item.dossier.reference in refused.value.message and waiting.dossier.reference in refused.value.message
    services.decision_record(actor=_chair(table), item=item, kind="no_action", rationale="Geen (fictief).")
    services.agenda_remove(actor=_chair(table), item=waiting)
    services.meeting_close(actor=_chair(table), meeting=meeting)
    assert meeting.status == MeetingStatus.CLOSED and meeting.closed_at is not None
    with pytest.raises(ValidationFailed, match="afgerond"):
        services.agenda_add(actor=_chair(table), meeting=meeting, dossier=_dossier(table))


# --- Actions --------------------------------------------------------------------------------------------------------


def test_the_action_owner_updates_the_action_and_others_are_refused(table, demo):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    item = _assessed(table, meeting, _dossier(table))
    police = demo["police_investigator"]
    with pytest.raises(ValidationFailed, match="werkt niet bij"):
        services.action_create(actor=_chair(table), item=item, description="Gesprek (fictief).",
                               owner_organisation=police.organisation, owner_membership=demo["table_member"],
                               due_on=today())
    with pytest.raises(ValidationFailed, match="vandaag of later"):
        services.action_create(actor=_chair(table), item=item, description="Gesprek (fictief).",
                               owner_organisation=police.organisation, owner_membership=police,
                               due_on=today() - DAYS)
    action = services.action_create(actor=_chair(table), item=item, description="Gesprek (fictief).",
                                    owner_organisation=police.organisation, owner_membership=police,
                                    due_on=today() + 14 * DAYS)
    assert Notification.objects.filter(recipient=police, key=f"table-action-{action.pk}").exists()
    with pytest.raises(PermissionDenied):
        services.action_update(actor=Actor.of(demo["care_coordinator"]), action=action, status="done",
                               outcome="x", expected_version=action.version)
    with pytest.raises(ValidationFailed, match="uitkomst"):
        services.action_update(actor=Actor.of(police), action=action, status="done", outcome=" ",
                               expected_version=action.version)
    services.action_update(actor=Actor.of(police), action=action, status="done", outcome="Gesproken (fictief).",
                           expected_version=action.version)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.completed_at is not None
    assert AuditEvent.objects.filter(object_id=str(action.pk), action="update").count() == 1


def test_an_overdue_action_is_flagged_on_the_next_agenda(table, client_for):
    first = _meeting(table, when=now() - 21 * DAYS)
    dossier = _dossier(table, age=60 * DAYS)
    item = AgendaItem.objects.create(meeting=first, dossier=dossier, position=1)
    action = _action(table, dossier, due_on=today() - 2 * DAYS)
    TableAction.objects.filter(pk=action.pk).update(item=item)
    following = _meeting(table, when=now() + 7 * DAYS)
    assert _reasons(proposal(following), dossier) == [R.OVERDUE_ACTIONS]
    services.agenda_propose(actor=_chair(table), meeting=following)
    row = next(row for row in meeting_view(actor=_chair(table), meeting=following).items
               if row.dossier.pk == dossier.pk)
    assert row.overdue and row.reasons == [str(R.OVERDUE_ACTIONS.label)]
    page = client_for("table_member").get(f"/signaaltafel/overleggen/{following.pk}/")
    assert "acties over de termijn" in page.content.decode()


# --- Pages ----------------------------------------------------------------------------------------------------------


def test_the_chair_runs_a_meeting_through_the_pages(table, demo, client_for):
    dossier = _dossier(table)
    client = client_for("table_chair")
    assert client.get("/signaaltafel/overleggen/nieuw/").status_code == 200
    when = (now() + 7 * DAYS).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/signaaltafel/overleggen/nieuw/", {
        "scheduled_at": when, "place": "Zaal 2", "participants": [demo["police_investigator"].pk]})
    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])
    agenda = f"/signaaltafel/overleggen/{meeting.pk}/agenda/"
    assert client.post(agenda, {"action": "propose"}).status_code == 302
    item = meeting.items.get(dossier=dossier)
    page = client.get(f"/signaaltafel/overleggen/{meeting.pk}/").content.decode()
    assert dossier.reference in page and "Overleg afronden" in page
    assert client.post(agenda, {"action": "start"}).status_code == 302
    url = f"/signaaltafel/overleggen/{meeting.pk}/punt/{item.pk}/"
    assert client.post(url, {"action": "assess", "indication": "yes", "forms": ["sexual"], "severity": "high",
                             "minor": "no", "notes": "Demo (fictief)."}).status_code == 302
    refused = client.post(url, {"action": "decide", "kind": "no_action", "rationale": ""})
    assert refused.status_code == 400 and "onderbouwing" in refused.content.decode()
    assert client.post(url, {"action": "decide", "kind": "administrative",
                             "rationale": "Bestuurlijke aanpak (fictief)."}).status_code == 302
    police = demo["police_investigator"]
    assert client.post(url, {"action": "act", "description": "Controle (fictief).",
                             "owner_organisation": police.organisation.pk, "owner_membership": police.pk,
                             "due_on": (today() + 14 * DAYS).isoformat()}).status_code == 302
    page = client.get(url).content.decode()
    assert "Bestuurlijke aanpak (fictief)." in page and "Controle (fictief)." in page
    for other in meeting.items.exclude(pk=item.pk):
        client.post(agenda, {"action": "remove", "item": other.pk})
    assert client.post(agenda, {"action": "close"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED


def test_a_table_member_sees_the_meeting_without_the_chairs_controls(table, demo, client_for):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    item = _assessed(table, meeting, _dossier(table))
    client = client_for("table_member")
    page = client.get(f"/signaaltafel/overleggen/{meeting.pk}/")
    assert page.status_code == 200 and item.dossier.reference in page.content.decode()
    assert "Overleg afronden" not in page.content.decode()
    url = f"/signaaltafel/overleggen/{meeting.pk}/punt/{item.pk}/"
    page = client.get(url).content.decode()
    assert "Weging opslaan" not in page and "afgeschermd" in page  # the notes
    assert client.post(f"/signaaltafel/overleggen/{meeting.pk}/agenda/", {"action": "close"}).status_code == 403
    assert client.post(url, {"action": "decide", "kind": "no_action", "rationale": "x"}).status_code == 403
    assert "Nieuw overleg" not in client.get("/signaaltafel/overleggen/").content.decode()


def test_someone_not_invited_gets_404_and_a_care_worker_403(table, client_for):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    item = services.agenda_add(actor=_chair(table), meeting=meeting, dossier=_dossier(table))
    coordinator = client_for("care_coordinator")  # at the table, but not invited to this meeting
    assert coordinator.get(f"/signaaltafel/overleggen/{meeting.pk}/").status_code == 404
    assert coordinator.get(f"/signaaltafel/overleggen/{meeting.pk}/punt/{item.pk}/").status_code == 404
    assert client_for("care_worker").get("/signaaltafel/overleggen/").status_code == 403


def test_a_member_asks_for_a_dossier_at_the_next_meeting(table, demo, client_for):
    dossier = _dossier(table)
    client = client_for("table_member")
    url = f"/signaaltafel/dossiers/{dossier.pk}/agenderen/"
    assert 'name="reason"' in client.get(f"/signaaltafel/dossiers/{dossier.pk}/").content.decode()
    assert client.post(url, {"reason": ""}).status_code == 302
    assert not AgendaRequest.objects.filter(dossier=dossier).exists()
    assert client.post(url, {"reason": "Nieuwe melding van de gemeente (fictief)."}).status_code == 302
    assert AgendaRequest.objects.filter(dossier=dossier, requested_by=demo["table_member"]).exists()
    assert Notification.objects.filter(recipient=table["chair"], key__startswith="table-request-").exists()
    assert _reasons(proposal(_meeting(table, when=now() + 7 * DAYS)), dossier) == [R.NEW_DOSSIER, R.REQUESTED]


def test_the_action_page_is_for_the_owner_and_the_chair(table, demo, client_for):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    item = _assessed(table, meeting, _dossier(table))
    police = demo["police_investigator"]
    action = services.action_create(actor=_chair(table), item=item, description="Gesprek (fictief).",
                                    owner_organisation=police.organisation, owner_membership=None,
                                    due_on=today() + 7 * DAYS)
    url = f"/signaaltafel/acties/{action.pk}/"
    assert client_for("care_coordinator").get(url).status_code == 404
    owner = client_for("police_investigator")
    assert "Gesprek (fictief)." in owner.get(url).content.decode()
    refused = owner.post(url, {"version": action.version, "status": "done", "outcome": ""})
    assert refused.status_code == 400 and "uitkomst" in refused.content.decode()
    assert owner.post(url, {"version": action.version, "status": "done", "outcome": "Klaar."}).status_code == 302
    assert client_for("table_chair").get(url).status_code == 200


def test_a_hand_over_moves_the_dossier_to_the_other_regions_table(table):
    meeting = _meeting(table, when=now() + 7 * DAYS)
    dossier = _dossier(table)
    item = _assessed(table, meeting, dossier)
    limburg = Region.objects.get(layer=table["region"].layer, code="PV31")
    decision = services.decision_record(actor=_chair(table), item=item, kind="hand_over",
                                        rationale="De signalen spelen in Limburg (fictief).", hand_over_to=limburg)
    dossier.refresh_from_db()
    assert decision.hand_over_to == limburg
    assert limburg.municipalities.filter(pk=dossier.municipality_id).exists()


def test_the_chair_invites_more_participants_and_they_are_told_once(table, demo, client_for):
    meeting = services.meeting_schedule(actor=_chair(table), scheduled_at=now() + 7 * DAYS, place="",
                                        participants=[demo["table_member"]])
    coordinator = demo["care_coordinator"]
    assert client_for("care_coordinator").get(f"/signaaltafel/overleggen/{meeting.pk}/").status_code == 404
    services.meeting_update_participants(actor=_chair(table), meeting=meeting,
                                         participants=[demo["table_member"], coordinator])
    assert client_for("care_coordinator").get(f"/signaaltafel/overleggen/{meeting.pk}/").status_code == 200
    assert Notification.objects.filter(key=f"table-meeting-{meeting.pk}").count() == 2  # member once, coordinator
    with pytest.raises(PermissionDenied):
        services.meeting_update_participants(actor=Actor.of(demo["table_member"]), meeting=meeting, participants=[])


def test_the_chair_changes_the_participants_on_a_page_and_only_the_chair(table, demo, client_for):
    meeting = services.meeting_schedule(actor=_chair(table), scheduled_at=now() + 7 * DAYS, place="",
                                        participants=[demo["table_member"]])
    url = f"/signaaltafel/overleggen/{meeting.pk}/deelnemers/"
    chair = client_for("table_chair")
    page = chair.get(url)
    assert page.status_code == 200 and "Deelnemers opslaan" in page.content.decode()
    coordinator = demo["care_coordinator"]
    response = chair.post(url, {"participants": [str(demo["table_member"].pk), str(coordinator.pk)]})
    assert response.status_code == 302
    assert set(meeting.participants.values_list("pk", flat=True)) == {
        table["chair"].pk, demo["table_member"].pk, coordinator.pk}
    assert AuditEvent.objects.filter(object_id=str(meeting.pk), action="update").exists()
    assert client_for("table_member").get(url).status_code == 403
    outsider = chair.post(url, {"participants": [str(demo["care_worker"].pk)]})
    assert outsider.status_code == 400 and coordinator in meeting.participants.all()
