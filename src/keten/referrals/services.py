"""Writes of referrals: referring a presumed victim to the care coordinator of the place (or the national
fall-back), and the coordinator's steps — acknowledge, accept, decline with a reason, transfer to another region
(the receiver accepts before the sender lets go) — escalating what is not acknowledged in time, and CoMensha's
registration of a presumed victim. Each is one transaction with its audit event."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.models import Membership, Organisation
from keten.accounts.roles import OrganisationType, Role
from keten.audit.services import record as audit
from keten.core.clock import now, today
from keten.core.concurrency import save_versioned
from keten.core.errors import PermissionDenied, ValidationFailed
from keten.identity.models import Subject
from keten.intake.deadlines import add_working_days
from keten.intake.models import ExploitationForm, Signal
from keten.intake.services import REGISTERING_ROLES, recipients_of
from keten.notifications.models import NotificationKind
from keten.notifications.services import notify
from keten.policy.decisions import decide
from keten.policy.models import Consent, ConsentScope
from keten.policy.purposes import Purpose, default_purpose
from keten.policy.services import share_by_rule
from keten.referrals import comensha
from keten.referrals.models import (
    DeclineReason,
    Need,
    Referral,
    ReferralStatus,
    ReferralStep,
    ReferralUrgency,
    Registration,
    StepAction,
)
from keten.referrals.selectors import require_registrar
from keten.regions.models import Municipality
from keten.regions.selectors import municipality_by_code

#: Who works on referrals for the receiving organisation: the care coordinator, and at CoMensha (the national
#: fall-back where a region has no coordinator) its registration officers, who run the helpdesk.
HANDLING_ROLES = frozenset({Role.CARE_COORDINATOR, Role.REGISTRATION_OFFICER})
#: Stored on the share as the rule's name, like a routing rule's name: data in Dutch, not a translated text.
SHARE_RULE = "Aanmelding bij de zorgcoördinator"
MAX_SITUATION_CHARS = 4000


@dataclass(frozen=True)
class Coordination:
    """Who receives a referral from a municipality: the organisations of its care coordinators, or CoMensha."""

    organisations: list[Organisation]
    is_fallback: bool


def coordination_for(municipality: Municipality) -> Coordination:
    """The organisations whose active care coordinators work in a region that holds the municipality (any layer:
    how a coordinator's area is drawn differs by region); where there is none, CoMensha, the national fall-back."""
    regional = list(Organisation.objects.filter(
        memberships__role=Role.CARE_COORDINATOR, memberships__is_active=True,
        memberships__region__municipalities=municipality).distinct().order_by("name"))
    if regional:
        return Coordination(regional, is_fallback=False)
    return Coordination(recipients_of(OrganisationType.COMENSHA, municipality), is_fallback=True)


def _share_with(referral: Referral, organisation: Organisation) -> None:
    # CoMensha's readers work for registration; a coordinator's for care coordination (keten.policy.purposes).
    purpose = Purpose.REGISTRATION if organisation.type == OrganisationType.COMENSHA else Purpose.CARE_COORDINATION
    share_by_rule(record=referral, organisation=organisation, purpose=purpose, basis="wmo", rule=SHARE_RULE,
                  on_behalf_of=referral.referring_organisation)


def handlers_of(organisation: Organisation) -> set:
    return set(Membership.objects.filter(organisation=organisation, role__in=HANDLING_ROLES, is_active=True,
                                         user__is_active=True).values_list("pk", flat=True))


def _tell(memberships: set, referral: Referral, *, kind: str, about: str, title: str) -> None:
    if memberships:
        notify(memberships=memberships, kind=kind, title=title, link=f"/aanmeldingen/{referral.pk}/",
               key=f"referral:{referral.pk.hex}:{about}", purpose=Purpose.CARE_COORDINATION)


def acknowledge_due_at(sent_at: datetime, urgency: str) -> datetime:
    """Acute: the same day (until midnight, Dutch time); otherwise one working day."""
    if urgency == ReferralUrgency.ACUTE:
        zone = ZoneInfo(settings.TIME_ZONE)
        return datetime.combine(sent_at.astimezone(zone).date(), time(23, 59, 59), tzinfo=zone)
    return add_working_days(sent_at, 1)


def _step(referral: Referral, action: str, actor: Actor | None, *, organisation: Organisation | None = None,
          note: str = "") -> ReferralStep:
    return ReferralStep.objects.create(referral=referral, action=action, at=now(), note=note,
                                       membership=actor.membership if actor else None, organisation=organisation)


def _codes(values, allowed, message) -> list[str]:
    chosen = list(dict.fromkeys(values or ()))
    if set(chosen) - set(allowed):
        raise ValidationFailed(message)
    return chosen


@dataclass(frozen=True)
class _Checked:
    """A referral's facts after the checks every way of making or sending one shares."""

    purpose: str
    municipality: Municipality
    forms: list[str]
    needs: list[str]
    contact: str
    situation: str
    coordination: Coordination
    consent: Consent | None


def _checked(actor: Actor, *, municipality: Municipality | str | None, forms: Collection[str], urgency: str,
             contact: str, needs: Collection[str], situation: str, subject: Subject | None,
             signal: Signal | None) -> _Checked:
    """The role, access and input checks of referral_create, referral_draft and referral_send: one place, so a
    draft can never be sent with less checked than a direct referral."""
    if actor.role not in REGISTERING_ROLES:
        raise PermissionDenied(_("Als {role} kunt u niemand aanmelden.").format(
            role=actor.membership.get_role_display()))
    purpose = default_purpose(actor.role)
    if isinstance(municipality, str):
        municipality = municipality_by_code(municipality)
    if municipality is None:
        raise ValidationFailed(_("Kies de gemeente waar de persoon nu is."))
    forms = _codes(forms, ExploitationForm.values, _("Kies de vorm van uitbuiting uit de lijst."))
    if not forms:
        raise ValidationFailed(_("Kies ten minste één vorm van uitbuiting, of ‘onbekend’."))
    needs = _codes(needs, Need.values, _("Kies uit de lijst wat nodig is."))
    if urgency not in ReferralUrgency.values:
        raise ValidationFailed(_("Kies de urgentie."))
    contact, situation = (contact or "").strip(), (situation or "").strip()
    if not contact:
        raise ValidationFailed(_("Zeg hoe de zorgcoördinator u bereikt (telefoon of e-mail)."))
    if len(situation) > MAX_SITUATION_CHARS:
        raise ValidationFailed(_("Beschrijf de situatie in hoogstens {limit} tekens.").format(
            limit=MAX_SITUATION_CHARS))
    if subject is not None and not decide(actor, "read", subject, purpose).allowed:
        raise PermissionDenied(_("U kunt deze persoon niet aanmelden."))
    if signal is not None and not decide(actor, "read", signal, purpose).allowed:
        raise PermissionDenied(_("U kunt dit signaal niet gebruiken."))
    coordination = coordination_for(municipality)
    if not coordination.organisations:
        raise ValidationFailed(_("Er is geen zorgcoördinator en geen landelijke terugvaloptie bekend."))
    consent = (Consent.objects.active().filter(subject=subject, scope=ConsentScope.CARE_REFERRAL)
               .order_by("-given_on").first() if subject is not None else None)
    return _Checked(purpose, municipality, forms, needs, contact, situation, coordination, consent)


def _dispatch(actor: Actor, referral: Referral) -> None:
    """What sending means, for a direct referral and a completed draft alike: the SENT step, the share with the
    coordinator and the coordinator's notice. The caller has set status and deadline, and audits its own write."""
    _step(referral, StepAction.SENT, actor, organisation=referral.coordinator,
          note="" if referral.consent_id or referral.subject_id is None
          else str(_("Zonder toestemming: alleen het anonieme deel.")))
    if referral.coordinator_id != referral.referring_organisation_id:
        _share_with(referral, referral.coordinator)
    _tell(handlers_of(referral.coordinator), referral, kind=NotificationKind.ROUTING, about="sent",
          title=_("Nieuwe aanmelding {reference} uit {municipality}{acute}").format(
              reference=referral.reference, municipality=referral.municipality.name,
              acute=_(" (acuut)") if referral.urgency == ReferralUrgency.ACUTE else ""))


@transaction.atomic
def referral_create(*, actor: Actor, municipality: Municipality | str, forms: Collection[str], urgency: str,
                    contact: str, needs: Collection[str] = (), situation: str = "", subject: Subject | None = None,
                    signal: Signal | None = None) -> Referral:
    """Refer a presumed victim to the care coordinator of `municipality` (where the person is now). With the
    person's active consent for a referral the coordinator sees who it is (policy's consent relation); without it
    only the anonymous part reaches the coordinator, and the referral says why. Checked before anything is written."""
    checked = _checked(actor, municipality=municipality, forms=forms, urgency=urgency, contact=contact,
                       needs=needs, situation=situation, subject=subject, signal=signal)
    referral = Referral.objects.create(
        subject=subject, signal=signal, municipality=checked.municipality, forms=checked.forms, urgency=urgency,
        needs=checked.needs, situation=checked.situation, contact=checked.contact, consent=checked.consent,
        referring_membership=actor.membership, referring_organisation=actor.organisation,
        coordinator=checked.coordination.organisations[0], is_fallback=checked.coordination.is_fallback,
        status=ReferralStatus.SENT, acknowledge_due_at=acknowledge_due_at(now(), urgency))
    audit(actor=actor, action="create", target=referral, purpose=checked.purpose,
          basis=decide(actor, "create", referral, checked.purpose).basis.code)
    _dispatch(actor, referral)
    return referral


@transaction.atomic
def referral_draft(*, actor: Actor, municipality: Municipality | str, forms: Collection[str],
                   subject: Subject | None = None, signal: Signal | None = None, situation: str = "") -> Referral:
    """A draft referral (issue 7: a table decision for a care trajectory), held by the referring organisation
    only until one of its people completes and sends it (referral_send). Checked as referral_create; the contact
    starts as the actor's work e-mail and the deadline is provisional (set again on sending). Nothing is shared
    and nobody is told: the coordinator does not see a draft at all (keten.referrals.selectors)."""
    checked = _checked(actor, municipality=municipality, forms=forms, urgency=ReferralUrgency.NORMAL,
                       contact=actor.membership.user.email, needs=(), situation=situation, subject=subject,
                       signal=signal)
    referral = Referral.objects.create(
        subject=subject, signal=signal, municipality=checked.municipality, forms=checked.forms,
        urgency=ReferralUrgency.NORMAL, situation=checked.situation, contact=checked.contact,
        consent=checked.consent, referring_membership=actor.membership, referring_organisation=actor.organisation,
        coordinator=checked.coordination.organisations[0], is_fallback=checked.coordination.is_fallback,
        status=ReferralStatus.DRAFT, acknowledge_due_at=acknowledge_due_at(now(), ReferralUrgency.NORMAL))
    audit(actor=actor, action="create", target=referral, purpose=checked.purpose,
          basis=decide(actor, "create", referral, checked.purpose).basis.code)
    return referral


@transaction.atomic
def referral_send(*, actor: Actor, referral: Referral, contact: str, urgency: str, needs: Collection[str],
                  situation: str, expected_version: int) -> Referral:
    """Complete and send a draft: checked as referral_create, then sent as it sends (_dispatch). The coordinator
    and the consent are looked up again (either may have changed since the draft), the deadline runs from now,
    and the sender becomes the referrer the coordinator reports back to."""
    if actor.organisation.pk != referral.referring_organisation_id:
        raise PermissionDenied(_("Alleen de organisatie die de aanmelding heeft opgesteld, kan haar versturen."))
    if referral.status != ReferralStatus.DRAFT:
        raise ValidationFailed(_("Deze aanmelding is al verstuurd."))
    checked = _checked(actor, municipality=referral.municipality, forms=referral.forms, urgency=urgency,
                       contact=contact, needs=needs, situation=situation, subject=referral.subject,
                       signal=referral.signal)
    referral.contact, referral.urgency, referral.needs = checked.contact, urgency, checked.needs
    referral.situation, referral.consent = checked.situation, checked.consent
    referral.referring_membership = actor.membership
    referral.coordinator = checked.coordination.organisations[0]
    referral.is_fallback = checked.coordination.is_fallback
    referral.status, referral.acknowledge_due_at = ReferralStatus.SENT, acknowledge_due_at(now(), urgency)
    _save(referral, expected_version, ["contact", "urgency", "needs", "situation", "consent",
                                       "referring_membership", "coordinator", "is_fallback", "status",
                                       "acknowledge_due_at"])
    decision = decide(actor, "update", referral, checked.purpose)
    audit(actor=actor, action="update", target=referral, purpose=checked.purpose,
          basis=decision.basis.code if decision.basis else "")
    _dispatch(actor, referral)
    return referral


def _require_sent(referral: Referral) -> None:
    """A draft is the referrer's alone: no coordinator step applies to it until it is sent."""
    if referral.status == ReferralStatus.DRAFT:
        raise ValidationFailed(_("Deze aanmelding is nog een concept: ze is niet verstuurd."))


def _require_handler(actor: Actor, organisation_id) -> None:
    if actor.role not in HANDLING_ROLES or actor.organisation.pk != organisation_id:
        raise PermissionDenied(_("Alleen de zorgcoördinatie die de aanmelding heeft, kan deze stap zetten."))


def _save(referral: Referral, expected_version: int, fields: list[str]) -> None:
    save_versioned(referral, expected_version=expected_version, fields=fields)


def _audited(actor: Actor, referral: Referral) -> None:
    audit(actor=actor, action="update", target=referral, purpose=default_purpose(actor.role))


@transaction.atomic
def referral_acknowledge(*, actor: Actor, referral: Referral, expected_version: int) -> Referral:
    _require_sent(referral)
    _require_handler(actor, referral.coordinator_id)
    if referral.status != ReferralStatus.SENT:
        raise ValidationFailed(_("De ontvangst van deze aanmelding is al bevestigd."))
    referral.status = ReferralStatus.ACKNOWLEDGED
    _save(referral, expected_version, ["status"])
    _step(referral, StepAction.ACKNOWLEDGED, actor)
    _audited(actor, referral)
    return referral


@transaction.atomic
def referral_accept(*, actor: Actor, referral: Referral, expected_version: int) -> Referral:
    """The coordinator takes the person on; keten.trajectories.services.trajectory_start calls this and starts the
    person's trajectory in the same transaction."""
    _require_sent(referral)
    _require_handler(actor, referral.coordinator_id)
    if referral.status not in (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED) or referral.transfer_to_id:
        raise ValidationFailed(_("Deze aanmelding kan nu niet worden aangenomen."))
    referral.status = ReferralStatus.ACCEPTED
    _save(referral, expected_version, ["status"])
    _step(referral, StepAction.ACCEPTED, actor)
    _audited(actor, referral)
    _tell({referral.referring_membership_id}, referral, kind=NotificationKind.ROUTING, about="accepted",
          title=_("Aanmelding {reference} is aangenomen").format(reference=referral.reference))
    return referral


@transaction.atomic
def referral_decline(*, actor: Actor, referral: Referral, reason: str, note: str,
                     expected_version: int) -> Referral:
    _require_sent(referral)
    _require_handler(actor, referral.coordinator_id)
    if referral.status not in (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED) or referral.transfer_to_id:
        raise ValidationFailed(_("Deze aanmelding kan nu niet worden afgewezen."))
    if reason not in DeclineReason.values:
        raise ValidationFailed(_("Kies de reden van afwijzen."))
    referral.status, referral.decline_reason = ReferralStatus.DECLINED, reason
    _save(referral, expected_version, ["status", "decline_reason"])
    _step(referral, StepAction.DECLINED, actor, note=(note or "").strip()[:500])
    _audited(actor, referral)
    _tell({referral.referring_membership_id}, referral, kind=NotificationKind.ROUTING, about="declined",
          title=_("Aanmelding {reference} is afgewezen").format(reference=referral.reference))
    return referral


@transaction.atomic
def referral_transfer(*, actor: Actor, referral: Referral, to: Organisation, note: str,
                      expected_version: int) -> Referral:
    """Ask another region's coordination to take the referral over; this one keeps it until they accept."""
    _require_sent(referral)
    _require_handler(actor, referral.coordinator_id)
    if referral.status not in (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED) or referral.transfer_to_id:
        raise ValidationFailed(_("Deze aanmelding kan nu niet worden overgedragen."))
    if to.pk == referral.coordinator_id or not handlers_of(to):
        raise ValidationFailed(_("Kies een andere zorgcoördinatie om aan over te dragen."))
    referral.transfer_to = to
    _save(referral, expected_version, ["transfer_to"])
    _step(referral, StepAction.TRANSFER_ASKED, actor, organisation=to, note=(note or "").strip()[:500])
    _audited(actor, referral)
    _share_with(referral, to)
    _tell(handlers_of(to), referral, kind=NotificationKind.ROUTING, about=f"transfer:{to.pk.hex[:12]}",
          title=_("Overdracht van aanmelding {reference} gevraagd").format(reference=referral.reference))
    return referral


@transaction.atomic
def referral_take_over(*, actor: Actor, referral: Referral, expected_version: int) -> Referral:
    """The asked coordination accepts the transfer: from now on it holds the referral (acknowledged)."""
    if referral.transfer_to_id is None:
        raise ValidationFailed(_("Er is geen overdracht gevraagd."))
    _require_handler(actor, referral.transfer_to_id)
    referral.coordinator, referral.transfer_to = referral.transfer_to, None
    referral.status, referral.is_fallback = ReferralStatus.ACKNOWLEDGED, False
    _save(referral, expected_version, ["coordinator", "transfer_to", "status", "is_fallback"])
    _step(referral, StepAction.TRANSFER_ACCEPTED, actor, organisation=referral.coordinator)
    _audited(actor, referral)
    return referral


@transaction.atomic
def escalate_overdue(at: datetime | None = None) -> int:
    """Referrals nobody acknowledged in time go to the national fall-back (CoMensha) as well: shared and told,
    once. The coordinator keeps them; the fall-back makes sure someone acts. Returns how many. Drafts are not
    waiting for anyone (their deadline is provisional): only SENT counts."""
    at = at or now()
    overdue = Referral.objects.select_for_update().filter(status=ReferralStatus.SENT, acknowledge_due_at__lt=at,
                                                          escalated_at__isnull=True)
    count = 0
    for referral in overdue.select_related("municipality", "coordinator", "referring_organisation"):
        fallback = [o for o in recipients_of(OrganisationType.COMENSHA, referral.municipality)
                    if o.pk != referral.coordinator_id]
        Referral.objects.filter(pk=referral.pk).update(escalated_at=at)
        for organisation in fallback:
            _share_with(referral, organisation)
            _tell(handlers_of(organisation), referral, kind=NotificationKind.OVERDUE, about="escalated",
                  title=_("Aanmelding {reference} uit {municipality} is niet op tijd bevestigd").format(
                      reference=referral.reference, municipality=referral.municipality.name))
        _step(referral, StepAction.ESCALATED, None, organisation=fallback[0] if fallback else None)
        audit(actor=None, action="update", target=referral, purpose=Purpose.CARE_COORDINATION)
        count += 1
    return count


# --- CoMensha's registration -----------------------------------------------------------------------------------

POLICE_DATA_BASIS = "besluit_politiegegevens_comensha"
PUBLIC_TASK_BASIS = "avg_6_1_e"
#: Countries by ISO 3166 alpha-2, as the phone-number library knows them (it ships every country's metadata).
COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS)


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
    require_registrar(actor)
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
