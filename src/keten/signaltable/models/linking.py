"""What the Signaaltafel keeps of linking: people's verdicts on pairs of signals (append-only), each run's
bundles as signal memberships, and why the run linked two signals."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import Membership
from keten.core.clock import now
from keten.core.models import AppendOnlyModel, BaseModel
from keten.core.privacy import BASE_MODEL_CATEGORIES
from keten.core.privacy import DataCategory as C
from keten.intake.models import Signal


class Verdict(models.TextChoices):
    SAME = "same", _("Hoort bij elkaar")
    DIFFERENT = "different", _("Hoort niet bij elkaar")


class LinkDecision(AppendOnlyModel):
    """A person's verdict that two signals are (not) about the same person or case. It wins over the engine on
    every later run, until a newer verdict on the same pair says otherwise; rows are never changed."""

    signal_a = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="+", verbose_name=_("signaal"))
    signal_b = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("ander signaal"))
    verdict = models.CharField(_("oordeel"), max_length=16, choices=Verdict.choices)
    reason = models.TextField(_("reden"))
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("besloten door"))
    decided_at = models.DateTimeField(_("besloten op"), default=now)

    # The reason is free text about a case, which readily touches on health or sexual life, like a signal's
    # description.
    privacy_categories = {**dict.fromkeys(["id", "signal_a", "signal_b", "verdict", "membership", "decided_at"],
                                          C.OPERATIONAL), "reason": C.SPECIAL}

    class Meta:
        base_manager_name = "objects"
        ordering = ["decided_at", "id"]
        verbose_name = _("oordeel over een koppeling")
        verbose_name_plural = _("oordelen over koppelingen")
        constraints = [models.CheckConstraint(name="link_decision_two_signals",
                                              condition=~models.Q(signal_a=models.F("signal_b")))]

    def __str__(self):
        return f"{self.verdict}: {self.signal_a_id} / {self.signal_b_id}"



class LinkRun(BaseModel):
    """One run of the linking engine over all signals: when, and what it found (counts only)."""

    started_at = models.DateTimeField(_("gestart"), default=now)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    records = models.PositiveIntegerField(_("records"), default=0)
    links = models.PositiveIntegerField(_("koppelingen"), default=0)
    clusters = models.PositiveIntegerField(_("clusters"), default=0)
    largest_cluster = models.PositiveIntegerField(_("grootste cluster"), default=0)
    seconds = models.FloatField(_("duur in seconden"), default=0)

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["started_at", "finished_at", "records", "links", "clusters", "largest_cluster", "seconds"],
        C.AGGREGATE)}

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("koppelrun")
        verbose_name_plural = _("koppelruns")

    def __str__(self):
        return f"run {self.started_at:%Y-%m-%d %H:%M}"


class ClusterKind(models.TextChoices):
    PERSON = "person", _("Dezelfde persoon")
    PHONE = "phone", _("Hetzelfde telefoonnummer")
    ADDRESS = "address", _("Hetzelfde adres")
    VEHICLE = "licence_plate", _("Hetzelfde voertuig")
    COMPANY = "company_number", _("Hetzelfde bedrijf")
    BANK_ACCOUNT = "iban", _("Dezelfde bankrekening")
    EMAIL = "email", _("Hetzelfde e-mailadres")
    ONLINE_HANDLE = "online_handle", _("Hetzelfde online account")
    DOCUMENT = "document_number", _("Hetzelfde document")
    BSN = "bsn", _("Hetzelfde BSN")


class SignalCluster(BaseModel):
    """A signal's membership of one bundle of a run: signals about the same person, or sharing one phone,
    address, vehicle, company or account. The key names the bundle within its run and holds no value."""

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="memberships")
    cluster_key = models.CharField(_("bundel"), max_length=64)
    kind = models.CharField(_("soort bundel"), max_length=24, choices=ClusterKind.choices)
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="+")

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(["run", "cluster_key", "kind", "signal"],
                                                                    C.OPERATIONAL)}

    class Meta:
        ordering = ["run", "cluster_key"]
        verbose_name = _("bundellidmaatschap")
        verbose_name_plural = _("bundellidmaatschappen")
        constraints = [models.UniqueConstraint(fields=["run", "cluster_key", "signal"],
                                               name="signal_cluster_unique")]
        indexes = [models.Index(fields=["run", "signal"], name="signal_cluster_signal_idx")]

    def __str__(self):
        return f"{self.cluster_key} / {self.signal_id}"


class SignalLink(BaseModel):
    """Why a run linked two signals: the engine's probability and match weight (in bits, the prior included) of
    the strongest link between their records, and per field its agreement level and weight in bits. Field names,
    levels and weights only: never a value, so the table can be shown why without being shown whom. `verdict` is
    set when a person's verdict forced the link (keten.linking: "same" is a link of probability 1)."""

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="signal_links")
    signal_a = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="+")
    signal_b = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("kans"))
    weight = models.FloatField(_("gewicht in bits"))
    prior = models.FloatField(_("startgewicht in bits"))
    contributions = models.JSONField(_("bijdragen per veld"), default=list)  # [{field, level, weight}]
    verdict = models.CharField(_("oordeel"), max_length=16, choices=Verdict.choices, blank=True)

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["run", "signal_a", "signal_b", "score", "weight", "prior", "contributions", "verdict"], C.OPERATIONAL)}

    class Meta:
        ordering = ["run", "-score"]
        verbose_name = _("koppeling tussen signalen")
        verbose_name_plural = _("koppelingen tussen signalen")
        constraints = [models.UniqueConstraint(fields=["run", "signal_a", "signal_b"], name="signal_link_unique"),
                       models.CheckConstraint(name="signal_link_two_signals",
                                              condition=~models.Q(signal_a=models.F("signal_b")))]
        indexes = [models.Index(fields=["run", "signal_b"], name="signal_link_b_idx")]

    def __str__(self):
        return f"{self.signal_a_id} / {self.signal_b_id}: {self.score:.2f}"
