"""The kennisbank's content as data: definitions, who-does-what profiles, the national care-coordinator role and
notes on regions, each in Dutch and English, with its source and review dates, and an append-only history."""

from datetime import date

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import User
from keten.accounts.roles import OrganisationType
from keten.core.clock import now, today
from keten.core.models import AppendOnlyModel, BaseModel
from keten.core.privacy import BASE_MODEL_CATEGORIES
from keten.core.privacy import DataCategory as C
from keten.regions.models import Region


def _operational(*names):
    return {**BASE_MODEL_CATEGORIES, **dict.fromkeys(names, C.OPERATIONAL)}


_REVIEW_FIELDS = ("source", "reviewed_on", "review_due", "updated_by")


class Reviewed(BaseModel):
    """What every piece of kennisbank content carries: where it comes from, when it was last checked and when it
    must be checked again. Texts come in pairs `<name>_nl` / `<name>_en`; `text(name)` picks the active language
    and falls back to Dutch, the language the content is written in first."""

    source = models.TextField(_("bron"))
    reviewed_on = models.DateField(_("laatst gecontroleerd op"), default=today)
    review_due = models.DateField(_("opnieuw controleren vóór"))
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("laatst gewijzigd door"))

    #: The bilingual texts of the model (without suffix) and its other editable fields, in form order.
    TEXTS: tuple[str, ...] = ()
    FACTS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def text(self, name: str) -> str:
        if (get_language() or "nl").startswith("en"):
            return getattr(self, f"{name}_en") or getattr(self, f"{name}_nl")
        return getattr(self, f"{name}_nl")

    @property
    def is_overdue(self) -> bool:
        """Past its review date: the page says "Controle verlopen" until someone checks it."""
        return self.review_due < today()

    @classmethod
    def editable_fields(cls) -> list[str]:
        return [f"{name}_{lang}" for name in cls.TEXTS for lang in ("nl", "en")] + [*cls.FACTS, "source",
                                                                                     "reviewed_on", "review_due"]

    def snapshot(self) -> dict:
        """The editable content as it is now, for its history."""
        return {name: _plain(getattr(self, name)) for name in self.editable_fields()}


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


class Definition(Reviewed):
    """A term of the chain with its definition: one record, shown on its own page, in the list of terms and as
    help text or tooltip wherever a form uses the term. `slug` is its stable name in URLs and templates."""

    slug = models.SlugField(_("code"), max_length=64, unique=True)
    term_nl = models.CharField(_("begrip (Nederlands)"), max_length=120)
    term_en = models.CharField(_("begrip (Engels)"), max_length=120, blank=True)
    summary_nl = models.CharField(_("korte definitie (Nederlands)"), max_length=400)
    summary_en = models.CharField(_("korte definitie (Engels)"), max_length=400, blank=True)
    body_nl = models.TextField(_("toelichting (Nederlands)"), blank=True)
    body_en = models.TextField(_("toelichting (Engels)"), blank=True)
    legal_reference = models.CharField(_("wettelijke grondslag of vindplaats"), max_length=300, blank=True)

    TEXTS = ("term", "summary", "body")
    FACTS = ("legal_reference",)

    privacy_categories = _operational("slug", "term_nl", "term_en", "summary_nl", "summary_en", "body_nl",
                                      "body_en", "legal_reference", *_REVIEW_FIELDS)

    class Meta:
        ordering = ["term_nl"]
        verbose_name = _("begrip")
        verbose_name_plural = _("begrippen")

    def __str__(self):
        return self.term_nl


class Power(models.TextChoices):
    """The kinds of power a partner may have (the issue's list, with prosecution and residence decisions)."""

    INVESTIGATION = "investigation", _("Opsporing")
    PROSECUTION = "prosecution", _("Vervolging")
    INSPECTION = "inspection", _("Toezicht en inspectie")
    ADMINISTRATIVE = "administrative", _("Bestuurlijke maatregelen")
    PLACEMENT = "placement", _("Plaatsing in opvang")
    RESIDENCE = "residence", _("Beslissen over verblijf")
    REGISTRATION = "registration", _("Registratie")
    REPORTING_DUTY = "reporting_duty", _("Meldplicht")


class OrganisationProfile(Reviewed):
    """Who does what: one kind of partner in the chain, its tasks, powers, what a partner can ask of it and what it
    may share on which legal basis (codes of keten.policy.bases). Some profiles are no OrganisationType of Keten
    (the ketenregisseur, EMM, experts by experience ...): `organisation_type` is then empty."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    organisation_type = models.CharField(_("soort organisatie in Keten"), max_length=32, blank=True,
                                         choices=OrganisationType.choices)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    name_nl = models.CharField(_("naam (Nederlands)"), max_length=150)
    name_en = models.CharField(_("naam (Engels)"), max_length=150, blank=True)
    summary_nl = models.CharField(_("in het kort (Nederlands)"), max_length=400)
    summary_en = models.CharField(_("in het kort (Engels)"), max_length=400, blank=True)
    tasks_nl = models.TextField(_("taken in de keten (Nederlands)"))
    tasks_en = models.TextField(_("taken in de keten (Engels)"), blank=True)
    powers_nl = models.TextField(_("bevoegdheden (Nederlands)"))
    powers_en = models.TextField(_("bevoegdheden (Engels)"), blank=True)
    ask_nl = models.TextField(_("wat een partner kan vragen (Nederlands)"))
    ask_en = models.TextField(_("wat een partner kan vragen (Engels)"), blank=True)
    sharing_nl = models.TextField(_("wat zij mag delen (Nederlands)"))
    sharing_en = models.TextField(_("wat zij mag delen (Engels)"), blank=True)
    powers = models.JSONField(_("soorten bevoegdheid"), default=list, blank=True)
    legal_bases = models.JSONField(_("grondslagen voor delen"), default=list, blank=True)

    TEXTS = ("name", "summary", "tasks", "powers", "ask", "sharing")
    FACTS = ("powers", "legal_bases")

    privacy_categories = _operational("code", "organisation_type", "position", "name_nl", "name_en", "summary_nl",
                                      "summary_en", "tasks_nl", "tasks_en", "powers_nl", "powers_en", "ask_nl",
                                      "ask_en", "sharing_nl", "sharing_en", "powers", "legal_bases", *_REVIEW_FIELDS)

    class Meta:
        ordering = ["position", "name_nl"]
        verbose_name = _("profiel")
        verbose_name_plural = _("profielen")

    def __str__(self):
        return self.name_nl

    def power_labels(self) -> list[str]:
        return [str(Power(code).label) for code in self.powers if code in Power.values]


class RoleProfile(Reviewed):
    """The national description of a role in the chain; today one: the zorgcoördinator mensenhandel, shown beside
    each region's actual coordinator from the social map."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    title_nl = models.CharField(_("titel (Nederlands)"), max_length=150)
    title_en = models.CharField(_("titel (Engels)"), max_length=150, blank=True)
    summary_nl = models.TextField(_("de rol (Nederlands)"))
    summary_en = models.TextField(_("de rol (Engels)"), blank=True)
    steps_nl = models.TextField(_("taken van aanmelding tot afsluiting (Nederlands)"))
    steps_en = models.TextField(_("taken van aanmelding tot afsluiting (Engels)"), blank=True)
    arranges_nl = models.TextField(_("wat de zorgcoördinator regelt (Nederlands)"))
    arranges_en = models.TextField(_("wat de zorgcoördinator regelt (Engels)"), blank=True)
    availability_nl = models.TextField(_("bereikbaarheid (Nederlands)"))
    availability_en = models.TextField(_("bereikbaarheid (Engels)"), blank=True)

    TEXTS = ("title", "summary", "steps", "arranges", "availability")

    privacy_categories = _operational("code", "title_nl", "title_en", "summary_nl", "summary_en", "steps_nl",
                                      "steps_en", "arranges_nl", "arranges_en", "availability_nl", "availability_en",
                                      *_REVIEW_FIELDS)

    class Meta:
        ordering = ["code"]
        verbose_name = _("rolprofiel")
        verbose_name_plural = _("rolprofielen")

    def __str__(self):
        return self.title_nl


class Meldpunt(models.TextChoices):
    UNKNOWN = "", _("Onbekend")
    YES = "yes", _("Ja, ook meldpunt mensenhandel")
    NO = "no", _("Nee, niet het meldpunt mensenhandel")


class RegionNote(Reviewed):
    """What the regions and the social map cannot say about one region, kept by hand: for a care-coordination
    region its ketenregisseur and centrumgemeenten (GM codes), for a Signaaltafel region when the table meets, for
    a Veilig Thuis region whether it is also the meldpunt mensenhandel. Remarks fit any region."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="knowledge_note")
    ketenregisseur = models.CharField(_("ketenregisseur"), max_length=200, blank=True)
    centrumgemeenten = models.JSONField(_("centrumgemeenten voor de opvang"), default=list, blank=True)
    meeting_nl = models.CharField(_("wanneer de Signaaltafel vergadert (Nederlands)"), max_length=300, blank=True)
    meeting_en = models.CharField(_("wanneer de Signaaltafel vergadert (Engels)"), max_length=300, blank=True)
    meldpunt = models.CharField(_("ook meldpunt mensenhandel"), max_length=3, choices=Meldpunt.choices, blank=True)
    remarks_nl = models.TextField(_("opmerkingen (Nederlands)"), blank=True)
    remarks_en = models.TextField(_("opmerkingen (Engels)"), blank=True)

    TEXTS = ("meeting", "remarks")
    FACTS = ("ketenregisseur", "centrumgemeenten", "meldpunt")

    privacy_categories = _operational("region", "ketenregisseur", "centrumgemeenten", "meeting_nl", "meeting_en",
                                      "meldpunt", "remarks_nl", "remarks_en", *_REVIEW_FIELDS)

    class Meta:
        verbose_name = _("regio-aantekening")
        verbose_name_plural = _("regio-aantekeningen")

    def __str__(self):
        return str(self.region)


class Revision(AppendOnlyModel):
    """One version of one piece of content, as it was saved: the kennisbank's history. Append-only (PostgreSQL
    refuses UPDATE and DELETE too, migration 0001); `written_by` is empty for content loaded from the data files."""

    id = models.BigAutoField(primary_key=True)
    record_type = models.CharField(max_length=64)
    record_id = models.UUIDField(db_index=True)
    number = models.PositiveIntegerField()
    content = models.JSONField()
    written_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    written_at = models.DateTimeField(default=now)

    privacy_categories = dict.fromkeys(["id", "record_type", "record_id", "number", "content", "written_by",
                                        "written_at"], C.OPERATIONAL)

    class Meta:
        base_manager_name = "objects"
        ordering = ["record_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["record_id", "number"], name="knowledge_revision_unique")]

    def __str__(self):
        return f"{self.record_type} {self.record_id} v{self.number}"

