"""How soon a signal must be triaged: per urgency a clock time (acute: one hour) or a number of Dutch working
days, configurable in settings (KETEN_INTAKE_TRIAGE_DEADLINES).

Working days are Monday to Friday except the public holidays of the Algemene termijnenwet, the Dutch act on
legal time limits, art. 3: Nieuwjaarsdag, Goede Vrijdag (lid 2), Tweede Paasdag, Koningsdag, 5 mei, Hemelvaartsdag,
Tweede Pinksterdag and both Christmas days. Two choices follow from that act and are deliberate: Goede Vrijdag
counts, and 5 mei counts every year (not every fifth year as in many collective agreements). Days the government
equates with a holiday by decree (art. 3 lid 3, e.g. the Friday after Ascension Day) can be added in
KETEN_INTAKE_EXTRA_HOLIDAYS. Easter is computed with the anonymous Gregorian algorithm (Meeus/Jones/Butcher), so
no dependency or data file is needed for eight fixed rules.

Counting: a signal registered on a working day is due the same clock time N working days later (Friday 15:00 +
1 → Monday 15:00). One registered on a weekend or holiday starts counting at 00:00 of the next working day
(Saturday 10:00 + 1 → Tuesday 00:00, i.e. the end of Monday). All in Dutch local time.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from keten.core.clock import now
from keten.intake.workflow import AWAITING_TRIAGE

DEFAULT_TRIAGE_DEADLINES = {"acute": {"hours": 1}, "high": {"working_days": 1}, "normal": {"working_days": 5}}


def easter_sunday(year: int) -> date:
    """Easter Sunday of the Gregorian calendar: the anonymous Gregorian algorithm, with its usual letters."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's own name)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _kings_day(year: int) -> date:
    """Koningsdag, 27 April, or the 26th when the 27th is a Sunday (from 2014; before that Koninginnedag on
    30 April, or the 29th when that was a Sunday)."""
    birthday = date(year, 4, 27) if year >= 2014 else date(year, 4, 30)
    return birthday - timedelta(days=1) if birthday.weekday() == 6 else birthday


@lru_cache(maxsize=64)
def public_holidays(year: int) -> dict[date, str]:
    """The Dutch public holidays of `year` (Algemene termijnenwet art. 3 lid 1 and 2), by date."""
    easter = easter_sunday(year)
    return {
        date(year, 1, 1): str(_("Nieuwjaarsdag")),
        easter - timedelta(days=2): str(_("Goede Vrijdag")),
        easter: str(_("Eerste Paasdag")),
        easter + timedelta(days=1): str(_("Tweede Paasdag")),
        _kings_day(year): str(_("Koningsdag")),
        date(year, 5, 5): str(_("Bevrijdingsdag")),
        easter + timedelta(days=39): str(_("Hemelvaartsdag")),
        easter + timedelta(days=49): str(_("Eerste Pinksterdag")),
        easter + timedelta(days=50): str(_("Tweede Pinksterdag")),
        date(year, 12, 25): str(_("Eerste Kerstdag")),
        date(year, 12, 26): str(_("Tweede Kerstdag")),
    }


def _extra_holidays() -> frozenset[date]:
    return frozenset(date.fromisoformat(day) for day in getattr(settings, "KETEN_INTAKE_EXTRA_HOLIDAYS", ()))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year) and day not in _extra_holidays()


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(moment: datetime, days: int) -> datetime:
    """`moment` plus `days` Dutch working days, counted as the module docstring says."""
    zone = ZoneInfo(settings.TIME_ZONE)
    local = moment.astimezone(zone)
    day, clock_time = local.date(), local.time().replace(tzinfo=None)
    if not is_working_day(day):
        day, clock_time = _next_working_day(day), time(0)
    for _step in range(days):
        day = _next_working_day(day)
    return datetime.combine(day, clock_time, tzinfo=zone)


def _deadline_spec(urgency: str) -> dict:
    specs = getattr(settings, "KETEN_INTAKE_TRIAGE_DEADLINES", DEFAULT_TRIAGE_DEADLINES)
    spec = specs.get(urgency)
    if not spec or len(spec) != 1 or not set(spec) <= {"working_days", "days", "hours", "minutes"}:
        raise ImproperlyConfigured(f"KETEN_INTAKE_TRIAGE_DEADLINES[{urgency!r}] must be one of working_days, days, "
                                   f"hours or minutes, e.g. {{'working_days': 1}}; it is {spec!r}.")
    return spec


def triage_due_at(registered_at: datetime, urgency: str) -> datetime:
    """When a signal of this urgency, registered at `registered_at`, must have been triaged."""
    spec = _deadline_spec(urgency)
    if "working_days" in spec:
        return add_working_days(registered_at, spec["working_days"])
    # In UTC: clock time passes the same on the night the Dutch clocks change.
    return registered_at.astimezone(UTC) + timedelta(**spec)


@dataclass(frozen=True)
class Deadline:
    """A signal's triage deadline as a page shows it: when it is due, whether it still runs, whether it passed."""

    due_at: datetime
    running: bool
    overdue: bool


def deadline_of(signal, *, at: datetime | None = None) -> Deadline:
    """The triage deadline of `signal`: it runs while the signal is new or in triage."""
    running = signal.status in AWAITING_TRIAGE
    return Deadline(signal.triage_due_at, running, running and signal.triage_due_at < (at or now()))
