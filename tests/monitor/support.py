"""Records the monitor's tests add to the demo world: trajectories and CoMensha registrations, made directly (the
services that make them in real life are tested in their own apps)."""

from datetime import date, timedelta

from keten.core.clock import now
from keten.identity.models import Subject
from keten.referrals.models import Registration
from keten.regions.models import Municipality
from keten.trajectories.models import Phase, Trajectory


def trajectories(demo, *, municipality: str, count: int, phase: str = Phase.CARE, close_reason: str = "",
                 days: list[int] | None = None) -> list[Trajectory]:
    """`count` trajectories kept for `municipality`; closed ones ran `days[i]` days and closed an hour ago."""
    coordinator = demo["care_coordinator"]
    place = Municipality.objects.get(code=municipality)
    made = []
    for index in range(count):
        subject = Subject.objects.create(owner=coordinator.organisation, municipality=place,
                                         created_by=coordinator.user)
        closed = phase == Phase.CLOSED
        trajectory = Trajectory.objects.create(
            subject=subject, municipality=place, owner=coordinator.organisation, owner_membership=coordinator,
            phase=phase, close_reason=close_reason if closed else "",
            closed_at=now() - timedelta(hours=1) if closed else None)
        if days:
            Trajectory.objects.filter(pk=trajectory.pk).update(
                created_at=now() - timedelta(hours=1, days=days[index]))
        made.append(trajectory)
    return made


def registration(demo, *, year: int, municipality: str = "GM0935", age: int | None = 30, gender: str = "vrouw",
                 nationality: str = "NL", form: str = "seksuele_uitbuiting") -> Registration:
    officer = demo["registration_officer"]
    return Registration.objects.create(
        registered_on=date(year, 6, 1), municipality=Municipality.objects.get(code=municipality),
        dossier_type="registratie", exploitation_form=form, nationality=nationality, age=age, gender=gender,
        reporter_type="politie", basis="besluit_politiegegevens_comensha", organisation=officer.organisation,
        membership=officer)
