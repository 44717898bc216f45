"""Triage deadlines: acute within the hour, high within one working day, normal within five; weekends and Dutch
public holidays do not count; the overdue list of a region stays within what the reader may see."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.models import AuditEvent
from keten.core.clock import now
from keten.intake.deadlines import (
    add_working_days,
    deadline_of,
    easter_sunday,
    is_working_day,
    public_holidays,
    triage_due_at,
)
from keten.intake.models import Signal
from keten.intake.services import signal_register
from keten.policy.purposes import Purpose
from keten.regions.models import LayerKind, Region

AMS = ZoneInfo("Europe/Amsterdam")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=AMS)


@pytest.mark.parametrize(("year", "easter"), [
    (2000, date(2000, 4, 23)), (2019, date(2019, 4, 21)), (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)),
    (2026, date(2026, 4, 5)), (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25)), (2285, date(2285, 3, 22)),
])
def test_easter_falls_where_the_calendar_has_it(year, easter):
    assert easter_sunday(year) == easter


def test_the_public_holidays_of_2026():
    weekdays = {day: name for day, name in public_holidays(2026).items() if day.weekday() < 5}
    assert weekdays == {
        date(2026, 1, 1): "Nieuwjaarsdag", date(2026, 4, 3): "Goede Vrijdag", date(2026, 4, 6): "Tweede Paasdag",
        date(2026, 4, 27): "Koningsdag", date(2026, 5, 5): "Bevrijdingsdag", date(2026, 5, 14): "Hemelvaartsdag",
        date(2026, 5, 25): "Tweede Pinksterdag", date(2026, 12, 25): "Eerste Kerstdag",
    }


@pytest.mark.parametrize(("year", "kings_day"), [
    (2025, date(2025, 4, 26)),  # the 27th is a Sunday: celebrated on Saturday the 26th
    (2026, date(2026, 4, 27)),
    (2013, date(2013, 4, 30)),  # Koninginnedag
])
def test_kings_day_moves_away_from_sunday(year, kings_day):
    assert public_holidays(year)[kings_day] == "Koningsdag"


@pytest.mark.parametrize(("start", "days", "due"), [
    ("2026-01-07 10:00", 1, "2026-01-08 10:00"),  # Wednesday → Thursday
    ("2026-01-09 15:00", 1, "2026-01-12 15:00"),  # Friday → over the weekend to Monday
    ("2026-01-10 10:00", 1, "2026-01-13 00:00"),  # Saturday: counting starts Monday, due at the end of it
    ("2026-01-11 23:30", 5, "2026-01-19 00:00"),  # Sunday + 5 → the end of Friday
    ("2026-01-07 10:00", 5, "2026-01-14 10:00"),  # a working week
    ("2026-04-02 14:00", 1, "2026-04-07 14:00"),  # Thursday before Easter: Good Friday and Easter Monday skipped
    ("2026-04-24 09:00", 1, "2026-04-28 09:00"),  # Friday before Koningsdag (Monday 27 April)
    ("2026-05-04 09:00", 1, "2026-05-06 09:00"),  # Bevrijdingsdag, Tuesday 5 May
    ("2026-05-13 16:00", 1, "2026-05-15 16:00"),  # Hemelvaartsdag
    ("2026-05-22 08:00", 1, "2026-05-26 08:00"),  # Whit Monday
    ("2026-12-24 12:00", 1, "2026-12-28 12:00"),  # Christmas on Friday, then the weekend
    ("2025-12-31 17:00", 1, "2026-01-02 17:00"),  # New Year's Day
    ("2026-04-01 10:00", 5, "2026-04-10 10:00"),  # five working days across Easter
    ("2026-03-27 10:00", 1, "2026-03-30 10:00"),  # across the change to summer time: same clock time
])
def test_working_days_skip_weekends_and_public_holidays(start, days, due):
    assert add_working_days(at(start), days) == at(due)


@pytest.mark.parametrize(("urgency", "registered", "due"), [
    ("acute", "2026-01-10 22:30", "2026-01-10 23:30"),  # immediate danger: the clock, weekend or not
    ("acute", "2026-03-29 01:30", "2026-03-29 03:30"),  # an hour later, across the change to summer time
    ("high", "2026-01-09 15:00", "2026-01-12 15:00"),
    ("normal", "2026-04-30 11:00", "2026-05-08 11:00"),  # Bevrijdingsdag on the way
])
def test_each_urgency_has_its_own_deadline(urgency, registered, due):
    assert triage_due_at(at(registered), urgency) == at(due)


def test_deadlines_and_extra_closed_days_come_from_settings(settings):
    settings.KETEN_INTAKE_TRIAGE_DEADLINES = {"acute": {"minutes": 30}, "high": {"hours": 4},
                                              "normal": {"working_days": 2}}
    settings.KETEN_INTAKE_EXTRA_HOLIDAYS = ["2026-05-15"]  # the Friday after Ascension Day
    assert triage_due_at(at("2026-01-07 10:00"), "acute") == at("2026-01-07 10:30")
    assert triage_due_at(at("2026-01-07 10:00"), "high") == at("2026-01-07 14:00")
    assert triage_due_at(at("2026-05-13 10:00"), "normal") == at("2026-05-19 10:00")
    assert not is_working_day(date(2026, 5, 15))


def test_a_broken_deadline_setting_says_what_is_expected(settings):
    settings.KETEN_INTAKE_TRIAGE_DEADLINES = {"acute": {"weeks": 1}}
    with pytest.raises(ImproperlyConfigured, match="working_days"):
        triage_due_at(at("2026-01-07 10:00"), "acute")
    with pytest.raises(ImproperlyConfigured):
        triage_due_at(at("2026-01-07 10:00"), "normal")


# --- Overdue signals ---------------------------------------------------------------------------------------------


def _signal(demo, *, due_hours_ago: float, status="new", municipality="GM0363"):
    actor = Actor.of(demo[Role.CARE_COORDINATOR])
    signal = signal_register(actor=actor, observed_on=date(2026, 1, 5), municipality=municipality,
                             forms=["labour"], urgency="normal", basis="wmo")
    # Registered earlier than now: only the deadline and the state matter here.
    Signal.objects.filter(pk=signal.pk).update(triage_due_at=now() - timedelta(hours=due_hours_ago), status=status,
                                               close_reason="duplicate" if status == "closed" else "")
    return Signal.objects.get(pk=signal.pk)


@pytest.mark.django_db
def test_the_deadline_runs_only_while_a_signal_waits_for_triage(demo):
    late, early = _signal(demo, due_hours_ago=2), _signal(demo, due_hours_ago=-2)
    assert deadline_of(late).overdue and not deadline_of(early).overdue and deadline_of(early).running
    closed = _signal(demo, due_hours_ago=2, status="closed")
    assert not deadline_of(closed).running and not deadline_of(closed).overdue


@pytest.mark.django_db
def test_the_overdue_list_of_a_region_shows_late_signals_the_reader_may_see(demo):
    from keten.intake.selectors import overdue_signals

    late = _signal(demo, due_hours_ago=30)
    later = _signal(demo, due_hours_ago=50, status="triage")
    on_time = _signal(demo, due_hours_ago=-5)
    closed = _signal(demo, due_hours_ago=30, status="closed")
    returned = _signal(demo, due_hours_ago=30, status="returned")  # waiting for the reporter, not for triage
    noord_holland = Region.objects.get(layer__kind=LayerKind.PROVINCE, code="PV27")
    police = Actor.of(demo[Role.POLICE_INVESTIGATOR])

    overdue = list(overdue_signals(actor=police, purpose=Purpose.INVESTIGATION, region=noord_holland))
    ours = [s for s in overdue if s.pk in {late.pk, later.pk, on_time.pk, closed.pk, returned.pk}]
    assert ours == [later, late]  # most overdue first
    assert all(s.status in ("new", "triage") and s.triage_due_at < now() for s in overdue)
    assert AuditEvent.objects.filter(action="search", object_type="intake.signal").count() == 1

    limburg_vt = Actor.of(demo[Role.VEILIG_THUIS_WORKER])
    in_noord_holland = overdue_signals(actor=limburg_vt, purpose=Purpose.SIGNAL_ASSESSMENT, region=noord_holland)
    assert not in_noord_holland.exists()  # choosing another region never widens what policy allows
