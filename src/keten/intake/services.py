"""Writes of the intake app: loading and keeping the indicator catalogue, registering signals (by a professional
or through the public guide), routing them by the rules a national administrator keeps, and moving them through
their workflow, with the files that go with them. Each is one transaction with its audit event."""

import re
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.models import Membership, Organisation
from keten.accounts.roles import OrganisationType, Role
from keten.audit.services import deferred as audit_deferred
from keten.audit.services import record as audit
from keten.core.clock import now, today
from keten.core.concurrency import save_versioned
from keten.core.errors import ConcurrentUpdate, PermissionDenied, ValidationFailed
from keten.core.memo import Memo
from keten.core.privacy import DataCategory
from keten.core.tasks import queued_row
from keten.identity.models import ATTRIBUTE_NORMALISER, AttributeKind, EntityKind, Subject
from keten.identity.normalise import InvalidValue, normalise
from keten.identity.services import entities_register, subject_register
from keten.intake import catalogue, deadlines, routing, tasks, workflow
from keten.intake.attachments import MAX_ATTACHMENTS, CheckedFile, check_upload
from keten.intake.batch import insert_all
from keten.intake.models import (
    ADULT_AGE,
    PUBLIC_GUIDE_REPORTER,
    ExploitationForm,
    IdempotencyKey,
    Indicator,
    IndicatorForm,
    IndicatorKind,
    IndicatorVersion,
    MinorCondition,
    PersonRole,
    RegistrationTask,
    ReporterKind,
    Routing,
    RoutingAction,
    RoutingRule,
    Signal,
    SignalAttachment,
    SignalEntity,
    SignalForm,
    SignalPerson,
    SignalTransition,
    TaskOutcome,
    Theme,
    Urgency,
)
from keten.intake.workflow import Status
from keten.policy.bases import LEGAL_BASES
from keten.policy.decisions import decide, evaluate
from keten.policy.models import Consent
from keten.policy.purposes import Purpose, default_purpose
from keten.policy.rules import Effect, Relation
from keten.policy.services import share_by_rule
from keten.regions.models import Municipality, Region
from keten.regions.selectors import municipality_by_code

# --- The indicator catalogue ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueSummary:
    created: int
    revised: int
    total: int

    def __str__(self):
        return f"Indicators: {self.created} new, {self.revised} with new wording, {self.total} in all."


@transaction.atomic
def load_indicators() -> CatalogueSummary:
    """Bring the committed catalogue (intake/data/indicators.csv) into the database; safe to repeat.

    Missing indicators are created with their wording as version 1. Of an existing indicator the classification
    (form, theme, kind, sources) follows the file, and changed wording becomes a new version, but only while the
    current wording still comes from the file: what a national functional administrator wrote is kept, and a
    retired indicator stays retired. Reference data, like the regions and vocabularies: no actor, no audit."""
    rows = catalogue.read_indicators()
    existing = {indicator.code: indicator for indicator in Indicator.objects.all()}
    current = {v.indicator_id: v for v in IndicatorVersion.objects.filter(valid_until__isnull=True)}
    moment = now()
    new = [row for row in rows if row.code not in existing]
    indicators = Indicator.objects.bulk_create([
        Indicator(code=row.code, form=row.form, theme=row.theme, kind=row.kind, source=row.source) for row in new])
    IndicatorVersion.objects.bulk_create([
        IndicatorVersion(indicator=indicator, number=1, text_nl=row.text_nl, text_en=row.text_en, valid_from=moment)
        for indicator, row in zip(indicators, new, strict=True)])
    revised = 0
    for row in rows:
        indicator = existing.get(row.code)
        if indicator is None:
            continue
        facts = {"form": row.form, "theme": row.theme, "kind": row.kind, "source": row.source}
        if any(getattr(indicator, field) != value for field, value in facts.items()):
            Indicator.objects.filter(pk=indicator.pk).update(version=F("version") + 1, updated_at=moment, **facts)
        version = current.get(indicator.pk)
        if version and version.written_by_id is None and (version.text_nl, version.text_en) != (row.text_nl,
                                                                                                 row.text_en):
            _new_wording(indicator, version, row.text_nl, row.text_en, written_by=None, at=moment)
            revised += 1
    _CURRENT_WORDING.forget()
    return CatalogueSummary(created=len(new), revised=revised, total=len(existing) + len(new))


def _new_wording(indicator, current, text_nl, text_en, *, written_by, at=None) -> IndicatorVersion:
    """Close the current wording and open the next; signals keep pointing at the wording they were made with."""
    at = at or now()
    IndicatorVersion.objects.filter(pk=current.pk).update(valid_until=at, updated_at=at)
    return IndicatorVersion.objects.create(indicator=indicator, number=current.number + 1, text_nl=text_nl,
                                           text_en=text_en, valid_from=at, written_by=written_by)


def _require_catalogue_keeper(actor: Actor) -> None:
    if actor.role != Role.FUNCTIONAL_ADMIN or not actor.is_national:
        raise PermissionDenied(_("Alleen een landelijk functioneel beheerder kan de indicatoren wijzigen."))


def _checked_wording(text_nl: str, text_en: str) -> tuple[str, str]:
    text_nl, text_en = " ".join((text_nl or "").split()), " ".join((text_en or "").split())
    if not text_nl:
        raise ValidationFailed(_("Vul de Nederlandse tekst van de indicator in."))
    if not text_en:
        raise ValidationFailed(_("Vul de Engelse tekst van de indicator in."))
    if len(text_nl) > 300 or len(text_en) > 300:
        raise ValidationFailed(_("Een indicator past op één regel: gebruik hoogstens 300 tekens."))
    return text_nl, text_en


@transaction.atomic
def indicator_create(*, actor: Actor, form: str, theme: str, kind: str, text_nl: str, text_en: str) -> Indicator:
    """A new indicator under the next free code of its form ("LAB-14"). Retired codes count as taken, so a code
    is never given out twice."""
    _require_catalogue_keeper(actor)
    if form not in IndicatorForm.values:
        raise ValidationFailed(_("Kies de vorm van uitbuiting uit de lijst."))
    if theme not in Theme.values:
        raise ValidationFailed(_("Kies het thema uit de lijst."))
    if kind not in IndicatorKind.values:
        raise ValidationFailed(_("Kies of het een hard of een zacht signaal is."))
    text_nl, text_en = _checked_wording(text_nl, text_en)
    prefix = catalogue.PREFIX_OF_FORM[form]
    taken = [int(code.split("-")[1]) for code in Indicator.objects.filter(
        code__startswith=f"{prefix}-").values_list("code", flat=True) if re.fullmatch(r"\w+-\d+", code)]
    code = f"{prefix}-{max(taken, default=0) + 1:02d}"
    try:
        with transaction.atomic():
            indicator = Indicator.objects.create(code=code, form=form, theme=theme, kind=kind)
    except IntegrityError as error:  # another administrator took the same number a moment ago
        raise ConcurrentUpdate() from error
    IndicatorVersion.objects.create(indicator=indicator, number=1, text_nl=text_nl, text_en=text_en,
                                    written_by=actor.user)
    audit(actor=actor, action="create", target=indicator, purpose=Purpose.ADMINISTRATION)
    _CURRENT_WORDING.forget()
    return indicator


@transaction.atomic
def indicator_revise(*, actor: Actor, indicator: Indicator, text_nl: str, text_en: str,
                     expected_version: int) -> IndicatorVersion:
    """New wording for an indicator from now on; signals registered before keep the wording they were made with."""
    _require_catalogue_keeper(actor)
    text_nl, text_en = _checked_wording(text_nl, text_en)
    if not indicator.is_active:
        raise ValidationFailed(_("Deze indicator is niet meer in gebruik en kan niet meer worden aangepast."))
    # Claims the row first: a second administrator editing at the same time is refused, not merged.
    save_versioned(indicator, expected_version=expected_version, fields=[])
    current = indicator.versions.get(valid_until__isnull=True)
    if (current.text_nl, current.text_en) == (text_nl, text_en):
        raise ValidationFailed(_("De tekst is niet veranderd."))
    version = _new_wording(indicator, current, text_nl, text_en, written_by=actor.user)
    audit(actor=actor, action="update", target=indicator, purpose=Purpose.ADMINISTRATION)
    _CURRENT_WORDING.forget()
    return version


@transaction.atomic
def indicator_retire(*, actor: Actor, indicator: Indicator, expected_version: int) -> Indicator:
    """Take an indicator out of use: new signals cannot choose it, old signals keep it, its code stays taken."""
    _require_catalogue_keeper(actor)
    if not indicator.is_active:
        raise ValidationFailed(_("Deze indicator is al niet meer in gebruik."))
    indicator.is_active = False
    save_versioned(indicator, expected_version=expected_version, fields=["is_active"])
    audit(actor=actor, action="update", target=indicator, purpose=Purpose.ADMINISTRATION)
    _CURRENT_WORDING.forget()
    return indicator


# --- Registering a signal ---------------------------------------------------------------------------------------

#: The professionals who report: those who meet possible victims or weigh signals. Registering also needs what
#: policy gives the role for its own purpose on operational data of its own organisation (keten.policy.rules);
#: monitoring, privacy supervision and functional administration do not report.
REGISTERING_ROLES = frozenset({Role.CARE_COORDINATOR, Role.TABLE_CHAIR, Role.TABLE_MEMBER, Role.POLICE_INVESTIGATOR,
                               Role.CARE_WORKER, Role.VEILIG_THUIS_WORKER, Role.REGISTRATION_OFFICER})
EARLIEST_OBSERVED = date(1900, 1, 1)
MAX_DESCRIPTION_CHARS = 5000
MAX_GUIDE_DESCRIPTION_CHARS = 2000
MAX_PEOPLE = 20
MAX_ENTITIES = 30
MAX_AGE = 120
#: A signal left through the public guide is processed by the chain as a public task; the reporter gives nothing
#: of themselves.
PUBLIC_GUIDE_BASIS = "avg_6_1_e"


class InvalidSignal(ValidationFailed):
    """Bad input for a signal; `field` names the input the message belongs next to. Nothing was stored."""

    def __init__(self, field: str, message):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class PersonInput:
    """A person the signal is about: a role, what can be told about their age, and either an existing subject the
    reporter may see, identifying values (kind, raw) for a new subject, or neither (seen, not identified)."""

    role: str
    estimated_age: int | None = None
    is_minor: bool | None = None
    subject: Subject | None = None
    attributes: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class _Facts:
    observed_on: date
    municipality: Municipality
    forms: list[str]
    urgency: str
    description: str
    indicators: list[uuid.UUID]  # of the current IndicatorVersion of each chosen indicator


def _checked_facts(*, observed_on, municipality, forms, urgency, description, indicators,
                   max_description=MAX_DESCRIPTION_CHARS) -> _Facts:
    return _Facts(observed_on=_checked_date(observed_on), municipality=_checked_municipality(municipality),
                  forms=_checked_forms(forms), urgency=_checked_urgency(urgency),
                  description=_checked_description(description, max_description),
                  indicators=_current_versions(indicators))


def _checked_date(observed_on) -> date:
    if observed_on is None or observed_on == "":
        raise InvalidSignal("observed_on", _("Vul de datum in waarop u het zag."))
    if not isinstance(observed_on, date) or isinstance(observed_on, datetime):
        raise InvalidSignal("observed_on", _("Dit is geen geldige datum."))
    if observed_on > today():
        raise InvalidSignal("observed_on", _("De datum waarop u het zag kan niet in de toekomst liggen."))
    if observed_on < EARLIEST_OBSERVED:
        raise InvalidSignal("observed_on", _("De datum waarop u het zag kan niet vóór 1900 liggen."))
    return observed_on


def _checked_municipality(municipality) -> Municipality:
    """A Municipality, or its CBS code ("GM0363") as an API or a form sends it."""
    if isinstance(municipality, Municipality):
        return municipality
    if not municipality:
        raise InvalidSignal("municipality", _("Vul de gemeente in waar het signaal zich voordeed."))
    found = municipality_by_code(str(municipality))
    if found is None:
        raise InvalidSignal("municipality", _("Deze gemeente is onbekend: kies een gemeente uit de lijst."))
    return found


def _checked_forms(forms) -> list[str]:
    chosen = list(dict.fromkeys(forms or ()))
    if not chosen:
        raise InvalidSignal("forms", _("Kies ten minste één vorm van uitbuiting, of ‘onbekend’."))
    if set(chosen) - set(ExploitationForm.values):
        raise InvalidSignal("forms", _("Kies de vorm van uitbuiting uit de lijst."))
    if ExploitationForm.UNKNOWN in chosen and len(chosen) > 1:
        raise InvalidSignal("forms", _("Kies ‘onbekend’ alleen als u geen vorm van uitbuiting kunt kiezen."))
    return chosen


def _checked_urgency(urgency) -> str:
    if urgency not in Urgency.values:
        raise InvalidSignal("urgency", _("Kies de urgentie: acuut, hoog of normaal."))
    return urgency


def _checked_description(description, limit: int) -> str:
    text = (description or "").strip()
    if len(text) > limit:
        raise InvalidSignal("description", _("De omschrijving is te lang: gebruik hoogstens {limit} tekens.").format(
            limit=limit))
    return text


#: The current wording of every indicator in use, per process: code -> IndicatorVersion id. Every registration
#: reads it, and only a national functional administrator changes it (seldom; the catalogue's services above
#: forget it then).
#: Another process sees a change within a minute, and a new code at once: a registration that names a code
#: missing here reads the catalogue again.
_CURRENT_WORDING = Memo(seconds=60)


def _current_versions(codes: Collection[str]) -> list[uuid.UUID]:
    """The current wording of each chosen indicator (by code), by id: what the signal keeps, whatever changes
    later."""
    codes = list(dict.fromkeys(codes or ()))
    if not codes:
        return []
    current = _CURRENT_WORDING.get("catalogue", _wording_in_use)
    if not current.keys() >= set(codes):
        current = _CURRENT_WORDING.get("catalogue", _wording_in_use, fresh=True)
    missing = [code for code in codes if code not in current]
    if missing:
        raise InvalidSignal("indicators", _("Onbekende of vervallen indicator: {codes}.").format(
            codes=", ".join(map(str, missing))))
    return [current[code] for code in codes]


def _wording_in_use() -> dict[str, uuid.UUID]:
    in_use = IndicatorVersion.objects.filter(indicator__is_active=True, valid_until__isnull=True).order_by()
    return dict(in_use.values_list("indicator__code", "pk"))


def _checked_person(actor: Actor, purpose: str, person: PersonInput) -> PersonInput:
    """The person with `is_minor` settled by the age; refuses what contradicts itself."""
    if person.role not in PersonRole.values:
        raise InvalidSignal("people", _("Kies de rol van elke betrokken persoon."))
    age, minor = person.estimated_age, person.is_minor
    if age is not None:
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= MAX_AGE:
            raise InvalidSignal("people", _("Een geschatte leeftijd ligt tussen 0 en {maximum} jaar.").format(
                maximum=MAX_AGE))
        if minor is not None and minor != (age < ADULT_AGE):
            raise InvalidSignal("people", _("De geschatte leeftijd en ‘minderjarig’ spreken elkaar tegen."))
        minor = age < ADULT_AGE
    if person.subject is not None and person.attributes:
        raise InvalidSignal("people", _("Kies een bekende persoon of vul gegevens in, niet allebei."))
    for kind, raw in person.attributes:
        if kind not in AttributeKind.values:
            raise InvalidSignal("people", _("Onbekend soort gegeven over een persoon."))
        _normalised("people", ATTRIBUTE_NORMALISER[kind], raw)
    if person.subject is not None:
        decision = decide(actor, "read", person.subject, purpose)
        if not decision.allowed:
            raise PermissionDenied(decision.reason)
    return PersonInput(role=person.role, estimated_age=age, is_minor=minor, subject=person.subject,
                       attributes=tuple(person.attributes))


def _normalised(field: str, kind: str, raw: str):
    try:
        return normalise(kind, raw if isinstance(raw, str) else "")
    except InvalidValue as error:
        raise InvalidSignal(field, error.message) from error


def _checked_consent(basis: str, consent: Consent | None, people: list[PersonInput]) -> None:
    if basis not in LEGAL_BASES:
        raise InvalidSignal("basis", _("Kies de grondslag waarop u meldt."))
    if basis == "consent" and consent is None:
        raise InvalidSignal("consent", _("Bij de grondslag toestemming hoort de vastgelegde toestemming van het "
                                         "vermoedelijke slachtoffer."))
    if consent is None:
        return
    victims = {p.subject.pk for p in people if p.subject is not None and p.role == PersonRole.PRESUMED_VICTIM}
    if consent.subject_id not in victims:
        raise InvalidSignal("consent", _("Deze toestemming hoort niet bij een vermoedelijk slachtoffer in dit "
                                         "signaal."))
    if not consent.is_active():
        raise InvalidSignal("consent", _("Deze toestemming geldt niet meer."))


def _new_signal(facts: _Facts, *, kind: str, membership: Membership | None, organisation: Organisation | None,
                basis: str, consent: Consent | None, signal_id: uuid.UUID | None = None) -> tuple[Signal, list]:
    """The signal with its forms, indicators and first step of history, not yet written: the caller writes them
    with the rest of the registration by keten.intake.batch.insert_all (one round trip; the monitor marks the
    signal's slice through it). The deadline runs from now."""
    registered = now()
    signal = Signal(
        id=signal_id or uuid.uuid4(), reporter_kind=kind, reporter_membership=membership,
        reporter_organisation=organisation, observed_on=facts.observed_on, municipality=facts.municipality,
        urgency=facts.urgency, description=facts.description, basis=basis, consent=consent, status=Status.NEW,
        status_changed_at=registered, triage_due_at=deadlines.triage_due_at(registered, facts.urgency))
    forms = [SignalForm(signal=signal, form=form) for form in facts.forms]
    chosen = [Signal.indicators.through(signal=signal, indicatorversion_id=version_id)
              for version_id in facts.indicators]
    first_step = SignalTransition(signal=signal, from_status="", to_status=Status.NEW, at=registered,
                                  membership=membership)
    _remember(signal, "forms", forms)
    return signal, [[signal], forms, chosen, [first_step]]


def _remember(signal: Signal, related: str, rows: list) -> None:
    """Keep rows just written as the signal's `related` rows, as prefetch_related would, so that what shows the
    new signal (the API's answer) does not read back what this registration wrote."""
    rows_of = getattr(signal, related).all()
    rows_of._result_cache, rows_of._prefetch_done = list(rows), True
    signal._prefetched_objects_cache = getattr(signal, "_prefetched_objects_cache", {}) | {related: rows_of}


def _require_creating(actor: Actor, signal: Signal, purpose: str) -> None:
    """What decide(actor, "create", signal, purpose) says, without reading back the row just written: the
    signal is kept by the reporter's own organisation, so that relation holds for certain, and as the most
    generous rule under any relation applies (keten.policy.decisions.evaluate), an allow under it is the answer.
    Only otherwise policy looks up the rest (region, shares) and gives the reason."""
    effect, _rule = evaluate(role=actor.role, org_type=actor.organisation.type, category=Signal.policy_category,
                             purpose=purpose, relations=frozenset({Relation.OWN}))
    if effect == Effect.ALLOW:
        return
    decision = decide(actor, "create", signal, purpose)
    if not decision.allowed:
        raise PermissionDenied(decision.reason)


@transaction.atomic
def signal_register(*, actor: Actor, observed_on: date, municipality: Municipality | str, forms: Collection[str],
                    urgency: str, basis: str, indicators: Collection[str] = (), description: str = "",
                    address: str = "", people: Sequence[PersonInput] = (),
                    entities: Sequence[tuple[str, str]] = (), consent: Consent | None = None,
                    attachments: Sequence = (), signal_id: uuid.UUID | None = None,
                    with_rows: Sequence[Model] = ()) -> Signal:
    """A professional registers a signal for their organisation.

    Everything is checked before anything is written: one bad value (a date in the future, an unknown
    municipality, an invalid phone number or IBAN, ...) and nothing is stored (InvalidSignal names the input).
    `indicators` are codes; the signal keeps their current wording. People with identifying values become subjects
    of the identity store, and `address` (where it was seen) and `entities` ((kind, raw) pairs: phone, address,
    licence plate, company, IBAN, e-mail, online handle) become entities there; the signal only points at them.
    `consent` is the recorded consent of a presumed victim among `people`, required when `basis` is "consent".
    `attachments` are uploaded files (keten.intake.attachments says which); `signal_id` is the id to give the
    signal when `with_rows` (new rows written first, in the same round trip as the signal's) name it: the API's
    Idempotency-Key. The routing rules are applied right
    after, in the background (keten.intake.tasks.signal_registered), which also sends the notices."""
    if actor.role not in REGISTERING_ROLES:
        raise PermissionDenied(_("Als {role} kunt u geen signalen registreren.").format(
            role=actor.membership.get_role_display()))
    purpose = default_purpose(actor.role)
    facts = _checked_facts(observed_on=observed_on, municipality=municipality, forms=forms, urgency=urgency,
                           description=description, indicators=indicators)
    if len(people) > MAX_PEOPLE:
        raise InvalidSignal("people", _("Noem hoogstens {limit} personen.").format(limit=MAX_PEOPLE))
    if len(entities) > MAX_ENTITIES:
        raise InvalidSignal("entities", _("Noem hoogstens {limit} gegevens.").format(limit=MAX_ENTITIES))
    people = [_checked_person(actor, purpose, person) for person in people]
    _checked_consent(basis, consent, people)
    checked_entities = []
    for kind, raw in entities:
        if kind not in EntityKind.values:
            raise InvalidSignal("entities", _("Onbekend soort gegeven."))
        checked_entities.append((kind, _normalised("entities", kind, raw)))
    address = (address or "").strip()
    place = [(EntityKind.ADDRESS, _normalised("address", EntityKind.ADDRESS, address))] if address else []
    if len(attachments) > MAX_ATTACHMENTS:
        raise InvalidSignal("attachments", _("Voeg hoogstens {limit} bijlagen toe.").format(limit=MAX_ATTACHMENTS))
    try:
        checked = [(upload, check_upload(upload)) for upload in attachments]
    except ValidationFailed as refusal:
        raise InvalidSignal("attachments", refusal.message) from None

    # Every event of the registration is chained at its end, so the audit partition is held only briefly.
    with audit_deferred():
        signal, rows = _new_signal(facts, kind=ReporterKind.PROFESSIONAL, membership=actor.membership,
                                   organisation=actor.organisation, basis=basis, consent=consent,
                                   signal_id=signal_id)
        _require_creating(actor, signal, purpose)
        involved = []
        for person in people:
            subject = person.subject
            if subject is None and person.attributes:
                subject = subject_register(actor=actor, municipality=facts.municipality,
                                           attributes=list(person.attributes))
            involved.append(SignalPerson(signal=signal, role=person.role, subject=subject,
                                         estimated_age=person.estimated_age, is_minor=person.is_minor))
        links: dict = {}
        for number, entity in enumerate(entities_register(actor=actor, values=place + checked_entities,
                                                          municipality=facts.municipality)):
            links.setdefault(entity.pk, SignalEntity(signal=signal, entity=entity, is_place=bool(address)
                                                     and number == 0))
        # Routing and the notices follow in the background (route_registered): the task is stored with the
        # signal, so it exists exactly when the signal does.
        task = queued_row(tasks.signal_registered, str(signal.pk))
        # The signal and everything it names that is new, in one round trip.
        insert_all([list(with_rows), *rows, involved, list(links.values()), [task] if task else []])
        audit(actor=actor, action="create", target=signal, purpose=purpose, basis=basis)
        for upload, checked_file in checked:
            _store_attachment(actor, signal, upload, checked_file, purpose=purpose, basis=basis)
        if task is None:
            tasks.signal_registered.enqueue(str(signal.pk))
    return signal


@transaction.atomic
def signal_register_from_guide(*, observed_on: date, municipality: Municipality | str, forms: Collection[str],
                               urgency: str, description: str = "", minor: bool | None = None) -> Signal:
    """A minimal signal left through the public guide (no login, nothing about the reporter). It has no owning
    organisation, so the triage of its municipality's region sees it; the guide answers nothing about it or any
    other signal. `minor`: does the person look under 18 (None: cannot tell)."""
    facts = _checked_facts(observed_on=observed_on, municipality=municipality, forms=forms, urgency=urgency,
                           description=description, indicators=(), max_description=MAX_GUIDE_DESCRIPTION_CHARS)
    if minor not in (True, False, None):
        raise InvalidSignal("minor", _("Kies of de persoon minderjarig lijkt: ja, nee of weet ik niet."))
    with audit_deferred():
        signal, rows = _new_signal(facts, kind=ReporterKind.PUBLIC_GUIDE, membership=None, organisation=None,
                                   basis=PUBLIC_GUIDE_BASIS, consent=None)
        task = queued_row(tasks.signal_registered, str(signal.pk))
        insert_all([*rows, [SignalPerson(signal=signal, role=PersonRole.PRESUMED_VICTIM, is_minor=minor)],
                    [task] if task else []])
        audit(actor=None, action="create", target=signal, purpose=Purpose.SIGNAL_ASSESSMENT,
              basis=PUBLIC_GUIDE_BASIS)
        if task is None:
            tasks.signal_registered.enqueue(str(signal.pk))
    return signal


# --- Registering through the API, with an Idempotency-Key --------------------------------------------------------

#: How long a key holds: a client retries within minutes; after a day the key may name a new request.
IDEMPOTENCY_WINDOW = timedelta(hours=24)


class IdempotencyMismatch(ValidationFailed):
    """The key was used before for a different request; nothing was stored."""

    default_message = _("Deze Idempotency-Key is al gebruikt voor een ander verzoek. Gebruik voor een nieuw "
                        "signaal een nieuwe sleutel.")


def _replay(existing: IdempotencyKey, fingerprint: str) -> Signal:
    if existing.fingerprint != fingerprint:
        raise IdempotencyMismatch()
    return existing.signal


def _live_key(membership: Membership, key: str) -> IdempotencyKey | None:
    """The key as this account stored it within IDEMPOTENCY_WINDOW, or None. An expired key may name a new
    request: found on the way, it is removed (only that row: a live one stored since by a racing first request
    must stay, so that our insert meets it)."""
    stored = IdempotencyKey.objects.select_related("signal").filter(membership=membership, key=key).first()
    if stored is not None and stored.created_at < now() - IDEMPOTENCY_WINDOW:
        with transaction.atomic():
            IdempotencyKey.objects.filter(pk=stored.pk, created_at__lt=now() - IDEMPOTENCY_WINDOW).delete()
        return None
    return stored


def signal_register_idempotent(*, actor: Actor, key: str, fingerprint: str, **values) -> tuple[Signal, bool]:
    """signal_register, at most once per (membership, key) within IDEMPOTENCY_WINDOW: a retry with the same
    `fingerprint` (of the request body) gets the first signal back, and `False` for "not created now"; another
    body under the same key is refused.

    The key is stored with the signal, first in the round trip of its rows (foreign keys are checked at commit), so
    a new key costs no look-up: a key used before fails that insert, and a retry racing the first request waits at
    the unique constraint until that one ends, then answers with its signal (or, if it was rolled back, registers
    in its place). An expired key is removed on the way and the registration tried once more."""
    for _attempt in range(2):
        signal_id = uuid.uuid4()
        try:
            # The audit events are chained at the end, just before the commit (audit.deferred).
            with transaction.atomic(), audit_deferred():
                stored = IdempotencyKey(membership=actor.membership, key=key, fingerprint=fingerprint,
                                        signal_id=signal_id)
                # Undecorated: this block is the registration's transaction already (no savepoint in it).
                return signal_register.__wrapped__(actor=actor, signal_id=signal_id, with_rows=[stored],
                                                   **values), True
        except IntegrityError as error:
            failure = error
            existing = _live_key(actor.membership, key)
            if existing is not None:
                return _replay(existing, fingerprint), False
    raise failure  # twice, and no live key: not the key's constraint that failed


# --- The workflow -------------------------------------------------------------------------------------------------


@transaction.atomic
def signal_transition(*, actor: Actor, signal: Signal, to_status: str, expected_version: int,
                      close_reason: str = "", referred_to: str = "", note: str = "") -> SignalTransition:
    """Take one step of the workflow (keten.intake.workflow): refused with the reason when the step is not
    possible from here, not this person's to take, lacks what it needs, or someone else moved the signal since
    `expected_version` was read. The step is added to the signal's history, which is never changed."""
    note = (note or "").strip()
    workflow.check_transition(current=signal.status, target=to_status, role=actor.role,
                              is_reporter=signal.reporter_organisation_id == actor.organisation.pk,
                              close_reason=close_reason, referred_to=referred_to, note=note)
    purpose = default_purpose(actor.role)
    decision = decide(actor, "update", signal, purpose)
    if not decision.allowed:
        raise PermissionDenied(decision.reason)
    moment, previous = now(), (signal.status, signal.status_changed_at, signal.close_reason)
    signal.status, signal.status_changed_at = to_status, moment
    signal.close_reason = close_reason if to_status == Status.CLOSED else ""
    try:
        save_versioned(signal, expected_version=expected_version,
                       fields=["status", "status_changed_at", "close_reason"])
    except ConcurrentUpdate:
        signal.status, signal.status_changed_at, signal.close_reason = previous
        raise
    step = SignalTransition.objects.create(
        signal=signal, from_status=previous[0], to_status=to_status, at=moment, membership=actor.membership,
        close_reason=signal.close_reason, referred_to=referred_to if to_status == Status.REFERRED else "",
        note=note)
    audit(actor=actor, action="update", target=signal, purpose=purpose, basis=decision.basis.code)
    return step


# --- Attachments ---------------------------------------------------------------------------------------------------


def _store_attachment(actor: Actor, signal: Signal, upload, facts: CheckedFile, *, purpose: str,
                      basis: str) -> SignalAttachment:
    """Write the checked file under a random name, then its row; the file goes again if the row cannot be written.
    (A file whose transaction is rolled back later stays as unreferenced bytes in private storage.)"""
    attachment = SignalAttachment(signal=signal, original_name=facts.name, content_type=facts.content_type,
                                  size=facts.size, sha256=facts.sha256, uploaded_by=actor.membership)
    attachment.file.save("", upload, save=False)
    try:
        attachment.save()
        audit(actor=actor, action="create", target=attachment, purpose=purpose, basis=basis)
    except BaseException:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_add(*, actor: Actor, signal: Signal, upload) -> SignalAttachment:
    """Add a file to a signal: for whoever may change the signal and see its special-category data in full (a
    photo shows as much as the description), up to MAX_ATTACHMENTS, after keten.intake.attachments checked it."""
    decision = _attaching(actor, signal)
    if not (decision.allowed and not decision.pseudonymised):
        raise PermissionDenied(_("U kunt aan dit signaal geen bijlagen toevoegen."))
    if signal.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationFailed(_("Dit signaal heeft al {limit} bijlagen: meer kan niet.").format(
            limit=MAX_ATTACHMENTS))
    return _store_attachment(actor, signal, upload, check_upload(upload), purpose=default_purpose(actor.role),
                             basis=decision.basis.code)


def _attaching(actor: Actor, signal: Signal):
    return decide(actor, "update", signal, default_purpose(actor.role), category=DataCategory.SPECIAL)


def may_add_attachment(actor: Actor, signal: Signal) -> bool:
    """Whether attachment_add would let this person add a file (for the page, which offers the form only then)."""
    decision = _attaching(actor, signal)
    return decision.allowed and not decision.pseudonymised


# --- Routing (keten.intake.routing decides; this applies and keeps the rules) -------------------------------------

#: Who each sharing action reaches, for which purpose (the one that organisation's readers work for, so the share
#: counts for them: keten.policy.purposes) and on which basis the reporter provides it.
RECIPIENTS = {
    RoutingAction.VEILIG_THUIS: (OrganisationType.VEILIG_THUIS, Purpose.SIGNAL_ASSESSMENT, "meldcode"),
    RoutingAction.LABOUR_INSPECTORATE: (OrganisationType.LABOUR_INSPECTORATE, Purpose.INVESTIGATION, "avg_6_1_e"),
    RoutingAction.POLICE_AVIM: (OrganisationType.POLICE_AVIM, Purpose.INVESTIGATION, "avg_6_1_e"),
    # Police and KMar must report presumed victims to CoMensha (Besluit politiegegevens art. 4:3).
    RoutingAction.COMENSHA_REGISTRATION: (OrganisationType.COMENSHA, Purpose.REGISTRATION,
                                          "besluit_politiegegevens_comensha"),
}
RULE_FIELDS = ("name", "position", "is_active", "municipality", "region", "forms", "minor", "min_hard_indicators",
               "urgencies", "reporter_types", "actions")
MAX_HARD_INDICATORS = 50


def recipients_of(organisation_type: str, municipality: Municipality) -> list[Organisation]:
    """The organisations of this type whose working area (Organisation.regions, any layer) holds the
    municipality; for a type that works nationally (no area, such as CoMensha) those without an area."""
    regional = list(Organisation.objects.filter(type=organisation_type, regions__municipalities=municipality)
                    .distinct().order_by("name"))
    return regional or list(Organisation.objects.filter(type=organisation_type, regions__isnull=True)
                            .order_by("name"))


@dataclass(frozen=True)
class RoutingTargets:
    """What a routing decision means for one signal: the organisations it is shared with (each with purpose and
    basis), the organisations that get a registration task, and what could not be done."""

    shares: list[tuple[Organisation, str, str]]
    tasks: list[Organisation]
    gaps: list[str]


def routing_targets(decision: routing.RoutingDecision, signal: Signal) -> RoutingTargets:
    shares, gaps, seen = [], [], {signal.reporter_organisation_id}  # the reporter has it already
    found_of: dict[str, list[Organisation]] = {}  # an organisation type is looked up once

    def recipients(organisation_type):
        if organisation_type not in found_of:
            found_of[organisation_type] = recipients_of(organisation_type, signal.municipality)
        return found_of[organisation_type]

    for action in decision.actions:
        if action not in RECIPIENTS:
            continue
        organisation_type, purpose, basis = RECIPIENTS[action]
        found = recipients(organisation_type)
        if not found:
            gaps.append(_("geen {type} gevonden voor gemeente {name}").format(
                type=OrganisationType(organisation_type).label, name=signal.municipality.name))
        for organisation in found:
            if organisation.pk not in seen:
                seen.add(organisation.pk)
                shares.append((organisation, purpose, basis))
    tasks = (recipients(OrganisationType.COMENSHA) if RoutingAction.COMENSHA_REGISTRATION in decision.actions
             else [])
    return RoutingTargets(shares, tasks, [str(gap) for gap in gaps])


@transaction.atomic
def route_signal(*, actor: Actor | None, signal: Signal, facts: routing.SignalFacts | None = None) -> Routing:
    """Apply the rules to a signal: record which rule routed it and why, share it with the recipients of the
    rule's actions, open CoMensha's registration task, and tell the people who must act (a background task).
    For a caller whose own audit event covers the routing row (each share has its own); a registration is routed
    by route_registered instead. `actor` is whoever registered it, None for the public guide. The platform
    shares under the rule (keten.policy.services.share_by_rule), so a signal from the guide or from a reporter
    who sees no identities reaches its recipients too; what cannot be done is written down on the routing for the
    region's triage. `facts`: the signal's routing facts when the caller has them."""
    routed = _route(signal, facts=facts, membership_id=actor.membership.pk if actor is not None else None)
    tasks.signal_routed.enqueue(str(routed.pk))
    # Like the first step of the history, the routing is part of the registration and its audit event.
    return routed


@transaction.atomic
def route_registered(*, signal_id) -> Routing:
    """Route a signal registered a moment ago, in the background task its registration enqueued
    (keten.intake.tasks.signal_registered): the registration itself then writes only the signal and what it
    names, and the signal shows which rule routed it and why once the task ran (the region's triage sees it
    meanwhile, by policy). Safe to repeat: a signal is routed once, a second run returns that routing. The
    platform routes under the national rules, so the routing's audit event has no actor; each share has its own.
    Registering takes the reporter (None for the public guide) as the routing's membership."""
    # The lock (on the signal's row only: PostgreSQL locks no outer join): two runs never route one signal twice.
    signal = (Signal.objects.select_for_update(of=("self",)).select_related("municipality", "reporter_organisation")
              .get(pk=signal_id))
    earlier = signal.routings.order_by("at").first()
    if earlier is not None:
        return earlier
    routed = _route(signal, membership_id=signal.reporter_membership_id)
    audit(actor=None, action="create", target=routed, purpose=Purpose.SIGNAL_ASSESSMENT, basis=signal.basis)
    return routed


def _route(signal: Signal, *, membership_id, facts: routing.SignalFacts | None = None) -> Routing:
    """Apply the rules in the caller's transaction: the routing with its reasons, the shares and the tasks."""
    facts = facts or routing.facts_of([signal.pk])[0]
    decision = routing.evaluate(routing.active_rules(), facts)
    targets = routing_targets(decision, signal)
    for organisation, purpose, basis in targets.shares:
        share_by_rule(record=signal, organisation=organisation, purpose=purpose, basis=basis,
                      rule=decision.rule.name, on_behalf_of=signal.reporter_organisation)
    routed = Routing.objects.create(
        signal=signal, rule=decision.rule, rule_name=decision.rule.name if decision.rule else "",
        reasons=decision.reason_text, actions=list(decision.actions), gaps="; ".join(targets.gaps),
        membership_id=membership_id)
    Routing.shared_with.through.objects.bulk_create([  # a new row: nothing to compare with, as .set() would
        Routing.shared_with.through(routing=routed, organisation=organisation) for organisation, *_r in targets.shares])
    RegistrationTask.objects.bulk_create([RegistrationTask(signal=signal, routing=routed, organisation=organisation)
                                          for organisation in targets.tasks])
    return routed


@transaction.atomic
def registration_task_complete(*, actor: Actor, task: RegistrationTask, outcome: str, note: str,
                               expected_version: int) -> RegistrationTask:
    """A registration officer of the task's organisation records how the task ended; once, and refused when
    someone else completed it since `expected_version` was read."""
    if actor.role != Role.REGISTRATION_OFFICER or actor.organisation.pk != task.organisation_id:
        raise PermissionDenied(_("Alleen een registratiemedewerker van {name} kan deze taak afronden.").format(
            name=task.organisation.name))
    if not task.is_open:
        raise ValidationFailed(_("Deze taak is al afgerond."))
    if outcome not in TaskOutcome.values:
        raise ValidationFailed(_("Kies hoe de taak is afgerond."))
    note = (note or "").strip()
    if outcome == TaskOutcome.NOT_REGISTRABLE and not note:
        raise ValidationFailed(_("Licht toe waarom niet geregistreerd kan worden."))
    if len(note) > 500:
        raise ValidationFailed(_("Houd de toelichting onder de 500 tekens."))
    task.outcome, task.note, task.completed_at, task.completed_by = outcome, note, now(), actor.membership
    save_versioned(task, expected_version=expected_version,
                   fields=["outcome", "note", "completed_at", "completed_by"])
    audit(actor=actor, action="update", target=task, purpose=Purpose.REGISTRATION,
          basis=RECIPIENTS[RoutingAction.COMENSHA_REGISTRATION][2])
    return task


def _require_rule_keeper(actor: Actor) -> None:
    if actor.role != Role.FUNCTIONAL_ADMIN or not actor.is_national:
        raise PermissionDenied(_("Alleen een landelijk functioneel beheerder kan de routeringsregels wijzigen."))


def _codes(values, allowed, message) -> list[str]:
    chosen = list(dict.fromkeys(values or ()))
    if set(chosen) - set(allowed):
        raise ValidationFailed(message)
    return chosen


def checked_rule(values: dict) -> dict:
    """A rule's values as they may be stored, or ValidationFailed with the reason in Dutch."""
    name = " ".join((values.get("name") or "").split())
    if not name:
        raise ValidationFailed(_("Geef de regel een naam."))
    if len(name) > 200:
        raise ValidationFailed(_("De naam is te lang: gebruik hoogstens 200 tekens."))
    position = values.get("position")
    if position is not None and not 0 <= position <= 32767:
        raise ValidationFailed(_("De volgorde is een getal van 0 tot en met 32767."))
    municipality, region = values.get("municipality"), values.get("region")
    if municipality is not None and not isinstance(municipality, Municipality):
        raise ValidationFailed(_("Kies de gemeente uit de lijst."))
    if region is not None and not isinstance(region, Region):
        raise ValidationFailed(_("Kies de regio uit de lijst."))
    minor = values.get("minor") or ""
    if minor not in MinorCondition.values:
        raise ValidationFailed(_("Kies of er een minderjarige betrokken moet zijn: ja, nee of maakt niet uit."))
    hard = values.get("min_hard_indicators") or None
    if hard is not None and not 1 <= hard <= MAX_HARD_INDICATORS:
        raise ValidationFailed(_("Het aantal harde signalen ligt tussen 1 en {maximum}.").format(
            maximum=MAX_HARD_INDICATORS))
    actions = _codes(values.get("actions"), RoutingAction.values, _("Kies de acties uit de lijst."))
    if not actions:
        raise ValidationFailed(_("Kies ten minste één actie: wat moet er met een signaal gebeuren?"))
    return {
        "name": name, "position": position, "is_active": bool(values.get("is_active", True)),
        "municipality": municipality, "region": region,
        "forms": _codes(values.get("forms"), ExploitationForm.values, _("Kies de vormen van uitbuiting uit de "
                                                                         "lijst.")),
        "minor": minor, "min_hard_indicators": hard,
        "urgencies": _codes(values.get("urgencies"), Urgency.values, _("Kies de urgentie uit de lijst.")),
        "reporter_types": _codes(values.get("reporter_types"), [*OrganisationType.values, PUBLIC_GUIDE_REPORTER],
                                 _("Kies de soort melder uit de lijst.")),
        "actions": actions,
    }


def _next_position() -> int:
    last = RoutingRule.objects.order_by("-position").values_list("position", flat=True).first()
    return min((last or 0) + 10, 32767)


def rule_draft(*, rule: RoutingRule | None = None, **values) -> RoutingRule:
    """An unsaved rule with checked values, for the dry run: the saved rule (if any) is left as it is."""
    checked = checked_rule(values)
    draft = RoutingRule(pk=rule.pk if rule else None, **checked)
    if draft.position is None:
        draft.position = rule.position if rule else _next_position()
    return draft


@transaction.atomic
def rule_create(*, actor: Actor, **values) -> RoutingRule:
    """A new routing rule; without a position it comes last. It routes signals registered from now on."""
    _require_rule_keeper(actor)
    checked = checked_rule(values)
    if checked["position"] is None:
        checked["position"] = _next_position()
    rule = RoutingRule.objects.create(**checked)
    audit(actor=actor, action="create", target=rule, purpose=Purpose.ADMINISTRATION)
    return rule


@transaction.atomic
def rule_update(*, actor: Actor, rule: RoutingRule, expected_version: int, **values) -> RoutingRule:
    """Change a rule; refused when someone else saved it since the administrator opened it. Signals routed
    before keep the reasons they were routed with."""
    _require_rule_keeper(actor)
    checked = checked_rule(values)
    if checked["position"] is None:
        checked["position"] = rule.position
    previous = {field: getattr(rule, field) for field in checked}
    for field, value in checked.items():
        setattr(rule, field, value)
    try:
        save_versioned(rule, expected_version=expected_version, fields=list(checked))
    except ConcurrentUpdate:
        for field, value in previous.items():
            setattr(rule, field, value)
        raise
    audit(actor=actor, action="update", target=rule, purpose=Purpose.ADMINISTRATION)
    return rule
