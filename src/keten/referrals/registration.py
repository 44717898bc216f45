"""Writes and reads of CoMensha's registrations: registering a presumed victim with CoMensha's fields on the right
legal basis, and the exports without direct identifiers — the dataset (CSV, JSON) and the yearly aggregate for the
national rapporteur."""

from collections import Counter
from datetime import date

import phonenumbers
from django.db import transaction
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.roles import OrganisationType, Role
from keten.audit.services import record as audit
from keten.core.clock import today
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.identity.models import Subject
from keten.intake.models import Signal
from keten.policy.decisions import visible_to
from keten.policy.models import Consent, ConsentScope
from keten.policy.purposes import Purpose
from keten.referrals import comensha
from keten.referrals.models import Referral, Registration
from keten.regions.models import Municipality

#: The exported fields: codes and bands only — no subject, name, date of birth, exact age or free text.
EXPORT_FIELDS = ("number", "year", "month", "dossier_type", "exploitation_form", "sector", "nationality",
                 "age_band", "gender", "victim_group", "reporter_type", "reporter_region", "trafficking_route",
                 "basis")
POLICE_DATA_BASIS = "besluit_politiegegevens_comensha"
PUBLIC_TASK_BASIS = "avg_6_1_e"
#: Countries by ISO 3166 alpha-2, as the phone-number library knows them (it ships every country's metadata).
COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS)


def _require_registrar(actor: Actor) -> None:
    if actor.role != Role.REGISTRATION_OFFICER or actor.organisation.type != OrganisationType.COMENSHA:
        raise PermissionDenied(_("Alleen een registratiemedewerker van CoMensha registreert."))


def _code(field: str, value: str, message: str, *, allowed: frozenset | None = None, blank: bool = False) -> str:
    if blank and not value:
        return ""
    if value not in (allowed if allowed is not None else comensha.codes(field)):
        raise ValidationFailed(message)
    return value


def _basis(reporter_type: str, dossier_type: str, subject: Subject | None) -> tuple[str, Consent | None]:
    """Investigative services report under the Police Data Act; a care organisation's request for shelter or help
    needs the person's consent to registration; a registration only rests on CoMensha's public task."""
    if reporter_type in comensha.INVESTIGATIVE_REPORTERS:
        return POLICE_DATA_BASIS, None
    if dossier_type not in comensha.HELP_DOSSIERS:
        return PUBLIC_TASK_BASIS, None
    consent = (Consent.objects.active().filter(subject=subject, scope=ConsentScope.COMENSHA_REGISTRATION)
               .order_by("-given_on").first() if subject is not None else None)
    if consent is None:
        raise ValidationFailed(_("Voor opvang of hulp op verzoek van een zorgorganisatie is de toestemming van de "
                                 "persoon voor registratie bij CoMensha nodig. Leg die eerst vast bij de persoon, of "
                                 "kies ‘Registratie’."))
    return "consent", consent


@transaction.atomic
def registration_create(*, actor: Actor, municipality: Municipality, dossier_type: str, exploitation_form: str,
                        gender: str, reporter_type: str, registered_on: date | None = None, sector: str = "",
                        nationality: str = "", age: int | None = None, reporter_region: str = "",
                        trafficking_route: str = "", subject: Subject | None = None, referral: Referral | None = None,
                        signal: Signal | None = None) -> Registration:
    """Register a presumed victim; everything is checked before anything is written."""
    _require_registrar(actor)
    registered_on = registered_on or today()
    if registered_on > today():
        raise ValidationFailed(_("Een registratie ligt niet in de toekomst."))
    dossier_type = _code("dossier_type", dossier_type, _("Kies het soort dossier."))
    exploitation_form = _code("exploitation_form", exploitation_form, _("Kies de uitbuitingsvorm."))
    sectors = {"seksuele_uitbuiting": comensha.codes("sector_sexual"),
               "overige_arbeidsuitbuiting": comensha.codes("sector_labour")}.get(exploitation_form, frozenset())
    sector = _code("sector", sector, _("Deze sector past niet bij de uitbuitingsvorm."), allowed=sectors, blank=True)
    nationality = (nationality or "").strip().upper()
    _code("nationality", nationality, _("Geef de nationaliteit als landcode van twee letters, bijvoorbeeld PL."),
          allowed=COUNTRIES, blank=True)
    if age is not None and not 0 <= age <= 120:
        raise ValidationFailed(_("Een leeftijd ligt tussen 0 en 120 jaar."))
    gender = _code("gender", gender, _("Kies het geslacht."))
    reporter_type = _code("reporter_type", reporter_type, _("Kies het soort melder."))
    reporter_region = _code("reporter_region", reporter_region, _("Kies de regio van de melder."), blank=True)
    trafficking_route = _code("trafficking_route", trafficking_route, _("Kies binnenlands of grensoverschrijdend."),
                              blank=True)
    basis, consent = _basis(reporter_type, dossier_type, subject)
    registration = Registration.objects.create(
        registered_on=registered_on, municipality=municipality, subject=subject, referral=referral, signal=signal,
        dossier_type=dossier_type, exploitation_form=exploitation_form, sector=sector, nationality=nationality,
        age=age, gender=gender, reporter_type=reporter_type, reporter_region=reporter_region,
        trafficking_route=trafficking_route, basis=basis, consent=consent, organisation=actor.organisation,
        membership=actor.membership)
    audit(actor=actor, action="create", target=registration, purpose=Purpose.REGISTRATION, basis=basis)
    return registration


# --- Reads and exports ----------------------------------------------------------------------------------------------


def registrations_of(*, actor: Actor, year: int | None = None):
    """CoMensha's registrations the officer may see, newest first (optionally of one year); audited as a search."""
    _require_registrar(actor)
    found = visible_to(actor, Purpose.REGISTRATION, Registration.objects.all()).select_related("municipality")
    if year is not None:
        found = found.filter(registered_on__year=year)
    audit(actor=actor, action="search", object_type="referrals.registration", purpose=Purpose.REGISTRATION)
    return found


def export_row(registration: Registration) -> dict[str, str]:
    """One registration as the dataset gives it: codes and bands, no direct identifier."""
    return {
        "number": registration.number, "year": str(registration.registered_on.year),
        "month": f"{registration.registered_on.month:02d}", "dossier_type": registration.dossier_type,
        "exploitation_form": registration.exploitation_form, "sector": registration.sector,
        "nationality": registration.nationality, "age_band": comensha.age_band(registration.age),
        "gender": registration.gender,
        "victim_group": comensha.victim_group(registration.age, registration.nationality),
        "reporter_type": registration.reporter_type, "reporter_region": registration.reporter_region,
        "trafficking_route": registration.trafficking_route, "basis": registration.basis,
    }


def dataset(*, actor: Actor, year: int) -> list[dict[str, str]]:
    rows = [export_row(r) for r in registrations_of(actor=actor, year=year)]
    audit(actor=actor, action="export", object_type="referrals.registration", purpose=Purpose.REGISTRATION)
    return rows


#: The yearly aggregate for the national rapporteur: counts per form, victim group and gender.
AGGREGATE_KEYS = ("exploitation_form", "victim_group", "gender")


def yearly_aggregate(*, actor: Actor, year: int) -> list[dict[str, str]]:
    counts = Counter(tuple(row[key] for key in AGGREGATE_KEYS) for row in dataset(actor=actor, year=year))
    return [{"year": str(year), **dict(zip(AGGREGATE_KEYS, key, strict=True)), "count": str(count)}
            for key, count in sorted(counts.items())]
