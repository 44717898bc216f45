"""Two people saving the same version of one record: exactly one wins, the other is told so clearly, nothing is
lost, and the one who lost keeps what they typed. The races run in real threads with database connections of their
own, so on PostgreSQL only (the --postgres leg); `make soak` runs 1,000 of them (bench/soak_races.py)."""

import re

import pytest
from bench.soak_races import contenders_for_demo_action, run_races
from django.db import connection
from django.test import Client

from keten.audit.models import AuditEvent
from keten.signaltable.models import ActionStatus, TableAction

RACES = 20
CONFLICT = "Iemand anders sloeg dit intussen op."


# Skipped before the database is set up: a transactional test flushes the demo world even when it skips.
@pytest.mark.skipif("not config.getoption('--postgres')", reason="concurrent writers need PostgreSQL (--postgres)")
@pytest.mark.django_db(transaction=True)
def test_of_twenty_simultaneous_saves_of_one_version_exactly_one_wins_each_time_and_no_update_is_lost(demo):
    assert connection.vendor == "postgresql"
    action, contenders = contenders_for_demo_action()
    report = run_races(action_id=action.pk, contenders=contenders, races=RACES)
    assert report.problems == []
    assert (report.races, report.single_winners, report.lost_updates) == (RACES, RACES, 0)
    assert report.overlapping > 0  # the two saves really were under way at the same time
    assert TableAction.objects.get(pk=action.pk).version == action.version + RACES


def _client(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.mark.django_db
def test_who_saves_second_sees_the_conflict_and_the_form_still_holds_what_they_typed(demo):
    action, (chair, owner) = contenders_for_demo_action()
    url = f"/signaaltafel/acties/{action.pk}/"
    chair_client, owner_client = (_client(action.item.meeting.chair), _client(action.owner_membership))
    for client in (chair_client, owner_client):  # both open the page and see the same version
        page = client.get(url).content.decode()
        assert re.search(rf'name="version" value="{action.version}"', page)
    done = chair_client.post(url, {"version": action.version, "status": ActionStatus.DONE,
                                   "outcome": "Gesprek gevoerd met de werkgever (fictief)."})
    assert done.status_code == 302
    typed = "Afspraak met de inspectie staat op 12 maart (fictief)."
    late = owner_client.post(url, {"version": action.version, "status": ActionStatus.OPEN, "outcome": typed})
    assert late.status_code == 409
    html = late.content.decode()
    assert CONFLICT in html and 'role="alert"' in html
    assert typed in re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S).group(1)
    assert " checked" in re.search(r'<input[^>]*value="open"[^>]*>', html).group(0)
    stored = TableAction.objects.get(pk=action.pk)
    assert (stored.status, stored.outcome) == (ActionStatus.DONE, "Gesprek gevoerd met de werkgever (fictief).")
    assert AuditEvent.objects.filter(object_id=str(action.pk), action="update").count() == 1
    # The page shows what is stored now and carries its version: saving again, knowingly, goes through.
    assert "Gesprek gevoerd met de werkgever (fictief)." in html
    assert re.search(rf'name="version" value="{stored.version}"', html)
    again = owner_client.post(url, {"version": stored.version, "status": ActionStatus.OPEN, "outcome": typed})
    assert again.status_code == 302
    assert TableAction.objects.get(pk=action.pk).outcome == typed
