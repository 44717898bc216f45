"""Signals of possible trafficking and the national indicator catalogue they are registered with: indicators and
their versioned wording, the signal, the people and entities it mentions, and its append-only history."""

import uuid

from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import Membership, Organisation, User
from keten.accounts.roles import OrganisationType
from keten.core.clock import now
from keten.core.models import AppendOnlyModel, BaseModel
from keten.core.privacy import BASE_MODEL_CATEGORIES
from keten.core.privacy import DataCategory as C
from keten.core.references import random_reference
from keten.identity.models import Entity, Subject
from keten.intake.workflow import CloseReason, Status
from keten.policy.models import Consent
from keten.regions.models import Municipality, Region


def _operational(*names):
    return {**BASE_MODEL_CATEGORIES, **dict.fromkeys(names, C.OPERATIONAL)}


# --- The catalogue -------------------------------------------------------------------------------------------


class ExploitationForm(models.TextChoices):
    """The four forms of art. 273f Sr (GLOSSARY.md), and "unknown" when the reporter cannot tell yet."""

    SEXUAL = "sexual", _("Seksuele uitbuiting")
    LABOUR = "labour", _("Arbeidsuitbuiting")
    CRIMINAL = "criminal", _("Criminele uitbuiting")
    ORGAN_REMOVAL = "organ_removal", _("Gedwongen orgaanverwijdering")
    UNKNOWN = "unknown", _("Onbekend")


class IndicatorForm(models.TextChoices):
    """The form an indicator points to; `any` when the sources give it for more than one form."""

    ANY = "any", _("Alle vormen")
    SEXUAL = "sexual", _("Seksuele uitbuiting")
    LABOUR = "labour", _("Arbeidsuitbuiting")
    CRIMINAL = "criminal", _("Criminele uitbuiting")
    ORGAN_REMOVAL = "organ_removal", _("Gedwongen orgaanverwijdering")


class Theme(models.TextChoices):
    """What is observed (data/SOURCES.md of the shared catalogue: one theme per indicator)."""

    APPEARANCE = "appearance", _("Uiterlijk")
    BEHAVIOUR = "behaviour", _("Gedrag")
    HEALTH = "health", _("Gezondheid")
    WORK_CONDITIONS = "work_conditions", _("Werkomstandigheden")
    HOUSING = "housing", _("Huisvesting")
    DOCUMENTS_MONEY = "documents_money", _("Documenten en geld")
    CONTROL = "control", _("Controle door anderen")
    MOVEMENT = "movement", _("Bewegingsvrijheid")
    RECRUITMENT = "recruitment", _("Werving")
    ONLINE = "online", _("Online")


class IndicatorKind(models.TextChoices):
    HARD = "hard", _("Hard signaal: een vastgesteld feit")
    SOFT = "soft", _("Zacht signaal: een aanwijzing")


class Indicator(BaseModel):
    """One observable sign, by a stable code. Its wording lives in IndicatorVersion, so that a signal keeps the
    words it was registered with. A retired indicator is switched off, never deleted, and its code never reused."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    form = models.CharField(_("vorm van uitbuiting"), max_length=16, choices=IndicatorForm.choices)
    theme = models.CharField(_("thema"), max_length=24, choices=Theme.choices)
    kind = models.CharField(_("soort signaal"), max_length=8, choices=IndicatorKind.choices)
    is_active = models.BooleanField(_("in gebruik"), default=True)
    source = models.TextField(_("bronnen"), blank=True)

    privacy_categories = _operational("code", "form", "theme", "kind", "is_active", "source")

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicatoren")

    def __str__(self):
        return self.code


class IndicatorVersion(BaseModel):
    """The wording of an indicator from `valid_from` until `valid_until` (open: the current wording).
    `written_by` is empty for wording loaded from the committed catalogue (intake/data)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("versie"))
    text_nl = models.CharField(_("tekst (Nederlands)"), max_length=300)
    text_en = models.CharField(_("tekst (Engels)"), max_length=300)
    valid_from = models.DateTimeField(_("geldig vanaf"), default=now)
    valid_until = models.DateTimeField(_("geldig tot"), null=True, blank=True)
    written_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    privacy_categories = _operational("indicator", "number", "text_nl", "text_en", "valid_from", "valid_until",
                                      "written_by")

    class Meta:
        ordering = ["indicator__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "number"], name="indicator_version_number_unique"),
            models.UniqueConstraint(fields=["indicator"], condition=Q(valid_until__isnull=True),
                                    name="indicator_one_current_version"),
        ]

    def __str__(self):
        return f"{self.indicator_id} v{self.number}"


# --- The signal ------------------------------------------------------------------------------------------------


class Urgency(models.TextChoices):
    ACUTE = "acute", _("Acuut: direct gevaar")
    HIGH = "high", _("Hoog")
    NORMAL = "normal", _("Normaal")


class ReporterKind(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    PUBLIC_GUIDE = "public_guide", _("Aanmeldwijzer (zonder inloggen)")


# Letters and digits that cannot be misread for one another when read aloud at a table (no 0/O, 1/I/L).
def new_signal_reference() -> str:
    """A random, meaningless reference such as "M-4821KX": it says nothing about the place, time or order."""
    return random_reference("M-")


#: Shown with the description field: the text may end up at the Signaaltafel, so it should hold only what is needed.
DESCRIPTION_WARNING = _(
    "Beschrijf wat u zag of hoorde. Noteer geen gegevens over gezondheid, seksueel leven, geloof of strafbare "
    "feiten die niet nodig zijn om het signaal te beoordelen, en geen namen: die horen bij de betrokken personen."
)


class Signal(BaseModel):
    """A report of a possible case of trafficking, from a professional or through the public guide.

    The signal holds the facts (place, date, forms, indicators, urgency) and points at pseudonymous people and
    entities in the identity store; it holds no name, number or address itself. `created_at` is the moment it was
    registered, from which the triage deadline (`triage_due_at`, keten.intake.deadlines) runs."""

    reference = models.CharField(_("kenmerk"), max_length=10, unique=True, default=new_signal_reference,
                                 editable=False)
    reporter_kind = models.CharField(_("gemeld via"), max_length=16, choices=ReporterKind.choices,
                                     default=ReporterKind.PROFESSIONAL)
    reporter_membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="+", verbose_name=_("melder"))
    reporter_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                              related_name="signals", verbose_name=_("organisatie van de melder"))
    observed_on = models.DateField(_("datum waarop het is gezien"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("gemeente"))
    urgency = models.CharField(_("urgentie"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField(_("omschrijving"), blank=True, help_text=DESCRIPTION_WARNING)
    basis = models.CharField(_("grondslag voor het melden"), max_length=64)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("toestemming"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    status_changed_at = models.DateTimeField(_("status gewijzigd op"), default=now)
    triage_due_at = models.DateTimeField(_("triage uiterlijk op"))
    close_reason = models.CharField(_("reden van afsluiten"), max_length=32, choices=CloseReason.choices,
                                    blank=True)
    indicators = models.ManyToManyField(IndicatorVersion, related_name="signals", blank=True,
                                        verbose_name=_("indicatoren"))
    entities = models.ManyToManyField(Entity, through="SignalEntity", related_name="signals", blank=True)

    # policy: the reporting organisation keeps the signal; the region sees it by its municipality. A signal
    # names several people, so no single subject's consent governs it.
    policy_owner_field = "reporter_organisation"
    policy_municipality_field = "municipality"
    policy_subject_field = None
    policy_category = C.OPERATIONAL
    # Free text about a possible case of exploitation readily touches on sexual life and health (AVG art. 9).
    privacy_categories = {**_operational("reference", "reporter_kind", "reporter_membership",
                                         "reporter_organisation", "observed_on", "municipality", "urgency", "basis",
                                         "consent", "status", "status_changed_at", "triage_due_at",
                                         "close_reason"),
                          "description": C.SPECIAL}

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        indexes = [
            models.Index(fields=["status", "triage_due_at"], name="signal_status_due_idx"),
            models.Index(fields=["municipality", "status"], name="signal_municipality_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="signal_reporter_matches_kind",
                condition=Q(reporter_kind="professional", reporter_membership__isnull=False,
                            reporter_organisation__isnull=False)
                | Q(reporter_kind="public_guide", reporter_membership__isnull=True,
                    reporter_organisation__isnull=True)),
            models.CheckConstraint(
                name="signal_closed_has_reason",
                condition=Q(status="closed") & ~Q(close_reason="") | ~Q(status="closed") & Q(close_reason="")),
        ]

    def __str__(self):
        return self.reference


class SignalForm(BaseModel):
    """One form of exploitation the reporter chose; "unknown" stands alone."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="forms")
    form = models.CharField(_("vorm van uitbuiting"), max_length=16, choices=ExploitationForm.choices)

    privacy_categories = _operational("signal", "form")

    class Meta:
        ordering = ["form"]
        constraints = [models.UniqueConstraint(fields=["signal", "form"], name="signal_form_unique")]

    def __str__(self):
        return self.form


class PersonRole(models.TextChoices):
    PRESUMED_VICTIM = "presumed_victim", _("Vermoedelijk slachtoffer")
    POSSIBLE_PERPETRATOR = "possible_perpetrator", _("Mogelijke dader")
    WITNESS = "witness", _("Getuige")


#: Below this age a person is a minor.
ADULT_AGE = 18


class SignalPerson(BaseModel):
    """A person the signal is about, in a role. `subject` points at the identity store when anything identifying
    is known; a person seen but not identified ("a girl of about fifteen") has no subject. `is_minor` is None
    when nobody can tell."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("rol"), max_length=24, choices=PersonRole.choices)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    estimated_age = models.PositiveSmallIntegerField(_("geschatte leeftijd"), null=True, blank=True)
    is_minor = models.BooleanField(_("minderjarig"), null=True, blank=True)

    # The role is tied to a pseudonym; who the person is stays behind the identity store's policy.
    privacy_categories = _operational("signal", "role", "subject", "estimated_age", "is_minor")

    class Meta:
        ordering = ["role", "created_at"]
        constraints = [
            models.CheckConstraint(
                name="signal_person_age_matches_minor",
                condition=Q(estimated_age__isnull=True)
                | Q(estimated_age__lt=ADULT_AGE, is_minor=True)
                | Q(estimated_age__gte=ADULT_AGE, estimated_age__lte=120, is_minor=False)),
        ]

    def __str__(self):
        return f"{self.get_role_display()} ({self.signal_id})"


class SignalEntity(BaseModel):
    """A phone, address, vehicle, company, account or handle the signal mentions. `is_place` marks the address
    where it was seen: at most one per signal."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="entity_links")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="signal_links")
    is_place = models.BooleanField(_("adres waar het is gezien"), default=False)

    privacy_categories = _operational("signal", "entity", "is_place")

    class Meta:
        ordering = ["-is_place", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["signal", "entity"], name="signal_entity_unique"),
            models.UniqueConstraint(fields=["signal"], condition=Q(is_place=True), name="signal_one_place"),
        ]


# --- The history -----------------------------------------------------------------------------------------------


class SignalTransition(AppendOnlyModel):
    """One step of a signal's workflow: from which status to which, when, by whom, and what the step needs (a
    reason to close, where it was referred to, a note). The first step (from "") is the registration. Rows are
    never changed or deleted (here, and on PostgreSQL also by a trigger: migration 0002)."""

    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(_("van"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("naar"), max_length=16, choices=Status.choices)
    at = models.DateTimeField(_("tijdstip"), default=now)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("door"))
    close_reason = models.CharField(_("reden van afsluiten"), max_length=32, choices=CloseReason.choices,
                                    blank=True)
    referred_to = models.CharField(_("doorverwezen naar"), max_length=32, choices=OrganisationType.choices,
                                   blank=True)
    note = models.TextField(_("toelichting"), blank=True)


    # The note is free text about the case, like the signal's description.
    privacy_categories = {**dict.fromkeys(["id", "signal", "from_status", "to_status", "at", "membership",
                                           "close_reason", "referred_to"], C.OPERATIONAL),
                          "note": C.SPECIAL}

    class Meta:
        # The refusing manager also serves Django's internal access (save, the delete collector).
        base_manager_name = "objects"
        ordering = ["at", "id"]
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")

    def __str__(self):
        return f"{self.from_status or '-'} → {self.to_status}"




# --- Routing ---------------------------------------------------------------------------------------------------


class RoutingAction(models.TextChoices):
    """What a routing rule does with a signal. The table is a mark, not a status: triage still moves the signal
    to "at_table" (keten.intake.workflow), so its deadline and history stay the triage's (keten.intake.routing)."""

    SIGNAL_TABLE = "signal_table", _("Agenderen voor de regionale Signaaltafel")
    VEILIG_THUIS = "veilig_thuis", _("Delen met Veilig Thuis van de regio")
    LABOUR_INSPECTORATE = "labour_inspectorate", _("Delen met de Nederlandse Arbeidsinspectie")
    POLICE_AVIM = "police_avim", _("Delen met de politie (AVIM) van de regio")
    COMENSHA_REGISTRATION = "comensha_registration", _("Registratietaak voor CoMensha")


class MinorCondition(models.TextChoices):
    ANY = "", _("Maakt niet uit")
    YES = "yes", _("Ja: een betrokkene is (vermoedelijk) minderjarig")
    NO = "no", _("Nee: niemand is als minderjarig gemeld")


#: A reporter "type" for the routing conditions: the public guide has no organisation.
PUBLIC_GUIDE_REPORTER = "public_guide"
REPORTER_TYPE_CHOICES = [*OrganisationType.choices, (PUBLIC_GUIDE_REPORTER, _("Aanmeldwijzer (zonder inloggen)"))]


class RoutingRule(BaseModel):
    """A rule a national functional administrator writes: conditions on a signal's facts (all given ones must
    hold; an empty condition holds always) and the actions when they do. Rules are tried by `position`; the
    first that matches routes the signal (keten.intake.routing). A rule is switched off, never deleted, so the
    routings that name it keep their meaning. The lists hold codes, checked by the service."""

    name = models.CharField(_("naam"), max_length=200)
    position = models.PositiveSmallIntegerField(_("volgorde"))
    is_active = models.BooleanField(_("actief"), default=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("gemeente"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("regio"))
    forms = models.JSONField(_("vormen van uitbuiting"), default=list, blank=True)
    minor = models.CharField(_("minderjarige betrokken"), max_length=3, choices=MinorCondition.choices,
                             blank=True)
    min_hard_indicators = models.PositiveSmallIntegerField(_("ten minste zoveel harde signalen"), null=True,
                                                           blank=True)
    urgencies = models.JSONField(_("urgentie"), default=list, blank=True)
    reporter_types = models.JSONField(_("soort melder"), default=list, blank=True)
    actions = models.JSONField(_("acties"), default=list)

    privacy_categories = _operational("name", "position", "is_active", "municipality", "region", "forms", "minor",
                                      "min_hard_indicators", "urgencies", "reporter_types", "actions")

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("routeringsregel")
        verbose_name_plural = _("routeringsregels")

    def __str__(self):
        return self.name


class Routing(AppendOnlyModel):
    """Where one signal was sent and why: the rule that matched (none: no rule did), the reasons in Dutch as they
    held at that moment, the actions, the organisations it was shared with, and what could not be done. Part of
    the signal's history, so append-only like SignalTransition."""

    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="routings")
    rule = models.ForeignKey(RoutingRule, on_delete=models.PROTECT, null=True, blank=True, related_name="routings")
    rule_name = models.CharField(_("regel"), max_length=200, blank=True)
    reasons = models.TextField(_("omdat"), blank=True)
    actions = models.JSONField(_("acties"), default=list)
    shared_with = models.ManyToManyField(Organisation, blank=True, related_name="+",
                                         verbose_name=_("gedeeld met"))
    gaps = models.TextField(_("niet gelukt"), blank=True)
    at = models.DateTimeField(_("tijdstip"), default=now)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("bij registratie door"))


    # The reasons name municipality, forms, counts and urgency: the signal's operational facts, never its text.
    privacy_categories = dict.fromkeys(["id", "signal", "rule", "rule_name", "reasons", "actions", "gaps", "at",
                                        "membership"], C.OPERATIONAL)

    class Meta:
        base_manager_name = "objects"
        ordering = ["at", "id"]
        verbose_name = _("routering")
        verbose_name_plural = _("routeringen")

    def __str__(self):
        return self.rule_name or "-"



    def action_labels(self) -> list[str]:
        return [str(RoutingAction(code).label) for code in self.actions if code in RoutingAction.values]


# --- Attachments -------------------------------------------------------------------------------------------------


def _attachment_storage():
    return storages["attachments"]


def _attachment_path(attachment, filename: str) -> str:
    """A random name on disk: the original name may say who is in the picture, and is kept in the database only."""
    return f"signals/{uuid.uuid4().hex}"


class SignalAttachment(BaseModel):
    """A file that goes with a signal (a PDF or a photo), checked on upload (keten.intake.attachments) and stored
    outside every public directory; only keten.intake.attachment_views sends it, to whom policy lets see the
    signal's special-category data. Never changed: a wrong file is a new attachment's business."""

    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(storage=_attachment_storage, upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("bestandsnaam"), max_length=200)
    content_type = models.CharField(_("soort bestand"), max_length=32)
    size = models.PositiveIntegerField(_("grootte in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("toegevoegd door"))

    # A photo shows people, and a name such as "paspoort-....pdf" says who: both as sensitive as the description.
    privacy_categories = {**_operational("signal", "content_type", "size", "sha256", "uploaded_by"),
                          "file": C.SPECIAL, "original_name": C.SPECIAL}

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")

    def __str__(self):
        return f"{self.signal} #{self.pk}"


# --- The API's Idempotency-Key -----------------------------------------------------------------------------------


class IdempotencyKey(BaseModel):
    """A client's `Idempotency-Key` on creating a signal through the API, so a retried request returns the signal
    of the first instead of registering a second. Per membership (two systems may pick the same key), bound to the
    request body by `fingerprint` (SHA-256 of its canonical JSON); after IDEMPOTENCY_WINDOW the key may be used
    again (keten.intake.services.signal_register_idempotent replaces the old row)."""

    key = models.CharField(_("sleutel"), max_length=255)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(_("vingerafdruk van het verzoek"), max_length=64)
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="+")

    privacy_categories = _operational("key", "membership", "fingerprint", "signal")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "key"], name="idempotency_key_unique")]

    def __str__(self):
        return self.key


# --- CoMensha's registration tasks ----------------------------------------------------------------------------------


class TaskOutcome(models.TextChoices):
    REGISTERED = "registered", _("Geregistreerd bij CoMensha")
    ALREADY_REGISTERED = "already_registered", _("Was al geregistreerd (dezelfde persoon, eerder gemeld)")
    NOT_REGISTRABLE = "not_registrable", _("Niet te registreren: geen vermoedelijk slachtoffer of te weinig gegevens")


class RegistrationTask(BaseModel):
    """A routing rule's request to CoMensha: register the presumed victim of this signal (investigative services
    report presumed victims to CoMensha; Besluit politiegegevens art. 4:3). Open until a registration officer of
    `organisation` records the outcome; the registration itself is CoMensha's record (the referral issue)."""

    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="registration_tasks")
    routing = models.ForeignKey(Routing, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("uit te voeren door"))
    outcome = models.CharField(_("uitkomst"), max_length=24, choices=TaskOutcome.choices, blank=True)
    note = models.CharField(_("toelichting"), max_length=500, blank=True)
    completed_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    completed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("afgerond door"))

    privacy_categories = _operational("signal", "routing", "organisation", "outcome", "note", "completed_at",
                                      "completed_by")

    class Meta:
        ordering = ["completed_at", "created_at"]
        verbose_name = _("registratietaak")
        verbose_name_plural = _("registratietaken")
        constraints = [
            models.UniqueConstraint(fields=["signal", "organisation"], name="registration_task_once"),
            models.CheckConstraint(name="registration_task_done_has_outcome",
                                   condition=Q(completed_at__isnull=True, outcome="")
                                   | Q(completed_at__isnull=False) & ~Q(outcome="")),
        ]

    def __str__(self):
        return f"{self.signal} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None
