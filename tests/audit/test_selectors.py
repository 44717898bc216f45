"""The events about one record and the disclosure log of one person: newest first, names ready to show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keten.audit.selectors import disclosure_log, events_for_object
from keten.audit.services import record

pytestmark = pytest.mark.django_db


def test_disclosure_log_lists_the_events_about_that_subject_newest_first(actor):
    first = record(actor=actor, action="read", object_type="identity.subject", object_id="s-1", purpose="care")
    record(actor=actor, action="read", object_type="identity.subject", object_id="s-2")
    record(actor=actor, action="read", object_type="signals.signal", object_id="s-1")
    last = record(actor=actor, action="share", object_type="identity.subject", object_id="s-1")

    assert [event.pk for event in disclosure_log("s-1")] == [last.pk, first.pk]


def test_the_log_shows_who_and_for_which_organisation_in_one_query(actor):
    record(actor=actor, action="read", target=actor.membership)
    with CaptureQueriesContext(connection) as queries:
        (event,) = events_for_object("accounts.membership", actor.membership.pk)
        names = (event.actor.full_name, event.organisation.name, event.get_action_display())
    assert names == (actor.user.full_name, actor.membership.organisation.name, "Inzien")
    assert len(queries) == 1


def test_an_object_without_events_has_an_empty_log():
    assert list(events_for_object("identity.subject", "nobody")) == []
