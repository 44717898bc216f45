"""Dossiers of signals that belong together and every change people made to them; identity reveals at the table;
the hit/no-hit questions and the keyed-token index they are answered from."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import Membership, Organisation
from keten.core.clock import now
from keten.core.models import AppendOnlyModel, BaseModel
from keten.core.privacy import BASE_MODEL_CATEGORIES
from keten.core.privacy import DataCategory as C
from keten.core.references import random_reference
from keten.identity.models import Entity, IdentityAttribute, Subject
from keten.intake.models import Signal
from keten.policy.purposes import Purpose
from keten.regions.models import Municipality

# --- Dossiers -------------------------------------------------------------------------------------------------------


def new_dossier_reference() -> str:
    """A random, meaningless reference such as "D-4821KX", read aloud at the table."""
    return random_reference("D-")


class DossierStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Afgesloten")
    MERGED = "merged", _("Samengevoegd")


class Dossier(BaseModel):
    """Signals that belong together, as the table works on them. The engine proposes dossiers from a link run's
    bundles; people add, remove, merge and split (DossierChange), and what they did is kept on every re-run.
    `municipality` is where the dossier belongs: the table whose region holds it sees it (policy's region
    relation); `owner` is the organisation that chairs that table, when one is known."""

    reference = models.CharField(_("kenmerk"), max_length=10, unique=True, default=new_dossier_reference,
                                 editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("gemeente"))
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("beheerder"))
    status = models.CharField(_("status"), max_length=8, choices=DossierStatus.choices, default=DossierStatus.OPEN)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("samengevoegd met"))
    by_engine = models.BooleanField(_("voorgesteld door de bundeling"), default=False)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    policy_owner_field = "owner"
    policy_municipality_field = "municipality"
    policy_subject_field = None
    policy_category = C.OPERATIONAL
    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["reference", "municipality", "owner", "status", "merged_into", "by_engine", "created_by"], C.OPERATIONAL)}

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self):
        return self.reference


class DossierSignal(BaseModel):
    """A signal in a dossier. A signal is active in one dossier at most; an inactive row says a person took it
    out of this dossier, and the engine never puts it back there."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="memberships")
    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("in het dossier"), default=True)
    by_engine = models.BooleanField(_("door de bundeling"), default=False)
    added_at = models.DateTimeField(_("toegevoegd op"), default=now)

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["dossier", "signal", "is_active", "by_engine", "added_at"], C.OPERATIONAL)}

    class Meta:
        ordering = ["added_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "signal"], name="dossier_signal_unique"),
            models.UniqueConstraint(fields=["signal"], condition=models.Q(is_active=True),
                                    name="signal_in_one_dossier"),
        ]

    def __str__(self):
        return f"{self.dossier_id} / {self.signal_id}"


class ChangeKind(models.TextChoices):
    CREATED = "created", _("Dossier aangemaakt")
    ENGINE = "engine", _("Door de bundeling voorgesteld")
    ADDED = "added", _("Signaal toegevoegd")
    REMOVED = "removed", _("Signaal verwijderd")
    MERGED = "merged", _("Samengevoegd")
    SPLIT = "split", _("Gesplitst")
    HANDED_OVER = "handed_over", _("Overgedragen aan een andere regio")


class DossierChange(AppendOnlyModel):
    """One change to a dossier's signals, with who made it and why; the engine's own additions have no person.
    `other` is the dossier merged in or split off."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("wijziging"), max_length=16, choices=ChangeKind.choices)
    signals = models.JSONField(_("signalen"), default=list)
    other = models.ForeignKey(Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("ander dossier"))
    reason = models.TextField(_("reden"), blank=True)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("tijdstip"), default=now)

    # The reason is free text about a case (see LinkDecision.reason).
    privacy_categories = {**dict.fromkeys(["id", "dossier", "kind", "signals", "other", "membership", "at"],
                                          C.OPERATIONAL), "reason": C.SPECIAL}

    class Meta:
        base_manager_name = "objects"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.kind}: {self.dossier_id}"


class IdentityReveal(AppendOnlyModel):
    """A participant revealed who a subject is, or an entity's full value, for a stated purpose that policy
    allows their organisation. Listed in the minutes' annex for the chair."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="reveals")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    purpose = models.CharField(_("doel"), max_length=32, choices=Purpose.choices)
    reason = models.CharField(_("waarom nodig"), max_length=300)
    meeting = models.ForeignKey("Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="reveals")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("tijdstip"), default=now)

    privacy_categories = dict.fromkeys(
        ["id", "dossier", "subject", "entity", "purpose", "reason", "meeting", "membership", "at"], C.OPERATIONAL)

    class Meta:
        base_manager_name = "objects"
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(
            name="reveal_subject_or_entity",
            condition=models.Q(subject__isnull=False, entity__isnull=True)
            | models.Q(subject__isnull=True, entity__isnull=False))]

    def __str__(self):
        return f"reveal {self.dossier_id}"


class HitQuestion(AppendOnlyModel):
    """A member asked whether an identifier is known elsewhere. Only the keyed token of the value is kept (never
    the value), and the answer as it was given: organisation types and regions, no records."""

    asked_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("soort gegeven"), max_length=24)  # an EntityKind or AttributeKind
    token = models.CharField(_("versleutelde waarde"), max_length=64)
    hits = models.JSONField(_("antwoord"), default=list)
    at = models.DateTimeField(_("gevraagd op"), default=now)

    privacy_categories = dict.fromkeys(["id", "asked_by", "kind", "token", "hits", "at"], C.OPERATIONAL)

    class Meta:
        base_manager_name = "objects"
        ordering = ["-at"]

    def __str__(self):
        return f"hit question {self.kind}"


class IdentifierToken(BaseModel):
    """The keyed token (keten.linking.encoded) of one identifier the identity store holds (an entity, or a
    subject's identifying attribute such as a phone number or document number), with who holds it and where: the
    index the hit/no-hit question is answered from, without comparing anyone's plain values."""

    kind = models.CharField(_("soort gegeven"), max_length=24)  # an EntityKind or AttributeKind
    token = models.CharField(_("versleutelde waarde"), max_length=64)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    entity = models.OneToOneField(Entity, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    attribute = models.OneToOneField(IdentityAttribute, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+")

    # A keyed hash the platform could turn back into the value: kept as identity data.
    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["kind", "organisation", "municipality", "entity", "attribute"], C.OPERATIONAL), "token": C.IDENTITY}

    class Meta:
        indexes = [models.Index(fields=["kind", "token"], name="identifier_token_idx")]
        constraints = [models.CheckConstraint(
            name="identifier_token_one_source",
            condition=models.Q(entity__isnull=False, attribute__isnull=True)
            | models.Q(entity__isnull=True, attribute__isnull=False))]

    def __str__(self):
        return f"{self.kind} token"
