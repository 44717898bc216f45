"""The social map in the shape of Open Referral HSDS 3.0: organisations, services, locations and what ties
them, with Keten's own facts (service type, eligibility, capacity) as taxonomy terms attached as attributes,
so that what Keten publishes stays valid HSDS."""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import Organisation, User
from keten.core.clock import now
from keten.core.models import BaseModel
from keten.core.privacy import BASE_MODEL_CATEGORIES
from keten.core.privacy import DataCategory as C
from keten.regions.models import Municipality

#: An entry not verified for this long is stale: its organisation is asked to check it.
STALE_AFTER = timedelta(days=183)


def _operational(*names):
    return {**BASE_MODEL_CATEGORIES, **dict.fromkeys(names, C.OPERATIONAL)}


class Verifiable(BaseModel):
    last_verified_at = models.DateTimeField(_("laatst gecontroleerd"), null=True, blank=True)
    last_verified_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        abstract = True

    @property
    def is_stale(self) -> bool:
        return self.last_verified_at is None or now() - self.last_verified_at > STALE_AFTER


class Organization(Verifiable):
    """HSDS organization: who offers services. `maintainer` is the Keten organisation that keeps it up to date."""

    name = models.CharField(_("naam"), max_length=200)
    alternate_name = models.CharField(_("andere naam"), max_length=200, blank=True)
    description = models.TextField(_("omschrijving"))
    email = models.EmailField(_("e-mailadres"), blank=True)
    website = models.URLField(_("website"), blank=True)
    maintainer = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="social_map_organizations", verbose_name=_("beheerd door"))

    privacy_categories = _operational("name", "alternate_name", "description", "email", "website", "maintainer",
                                      "last_verified_at", "last_verified_by")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Actief")
    INACTIVE = "inactive", _("Tijdelijk niet actief")
    DEFUNCT = "defunct", _("Opgeheven")
    TEMPORARILY_CLOSED = "temporarily closed", _("Tijdelijk gesloten")


class CapacityUnit(models.TextChoices):
    BED = "bed", _("bed")
    PLACE = "place", _("plaats")
    INTAKE_SLOT = "intake_slot", _("intakeplek")


class Service(Verifiable):
    """HSDS service. Capacity follows HSDS 3.1 `service_capacity` (published as attributes while we speak 3.0)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(_("naam"), max_length=200)
    alternate_name = models.CharField(_("andere naam"), max_length=200, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    url = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    status = models.CharField(_("status"), max_length=24, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    eligibility_description = models.TextField(_("voor wie"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimumleeftijd"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximumleeftijd"), null=True, blank=True)
    capacity_unit = models.CharField(_("eenheid van capaciteit"), max_length=16, choices=CapacityUnit.choices,
                                     blank=True)
    capacity_total = models.PositiveIntegerField(_("capaciteit totaal"), null=True, blank=True)
    capacity_available = models.PositiveIntegerField(_("capaciteit beschikbaar"), null=True, blank=True)
    capacity_updated_at = models.DateTimeField(_("capaciteit bijgewerkt"), null=True, blank=True)
    terms = models.ManyToManyField("TaxonomyTerm", through="ServiceAttribute", related_name="services", blank=True)

    privacy_categories = _operational(
        "organization", "name", "alternate_name", "description", "url", "email", "status",
        "eligibility_description", "minimum_age", "maximum_age", "capacity_unit", "capacity_total",
        "capacity_available", "capacity_updated_at", "last_verified_at", "last_verified_by")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(name="service_age_band", condition=models.Q(minimum_age__isnull=True)
                                   | models.Q(maximum_age__isnull=True)
                                   | models.Q(minimum_age__lte=models.F("maximum_age"))),
            models.CheckConstraint(name="service_capacity_within_total", condition=models.Q(
                capacity_available__isnull=True) | models.Q(capacity_total__isnull=True)
                | models.Q(capacity_available__lte=models.F("capacity_total"))),
        ]

    def __str__(self):
        return self.name


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("Bezoekadres")
    POSTAL = "postal", _("Postadres")
    VIRTUAL = "virtual", _("Online of telefonisch")


class Location(BaseModel):
    """HSDS location. A confidential location (a shelter) never shows its address or coordinates publicly:
    the public sees the organisation's intake point instead (DESIGN.md, privacy rule 6)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="locations")
    location_type = models.CharField(max_length=16, choices=LocationType.choices, default=LocationType.PHYSICAL)
    name = models.CharField(_("naam"), max_length=200, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("gemeente"))
    is_confidential = models.BooleanField(_("geheim adres"), default=False)
    is_intake_point = models.BooleanField(_("aanmeldpunt"), default=False)

    # policy: a confidential location is kept by the organisation that maintains its social-map entry.
    policy_owner_field = "organization__maintainer"
    policy_municipality_field = "municipality"
    policy_subject_field = None
    policy_category = C.SECRET_LOCATION
    privacy_categories = {**_operational("organization", "location_type", "name", "description", "municipality",
                                         "is_confidential", "is_intake_point"),
                          "latitude": C.SECRET_LOCATION, "longitude": C.SECRET_LOCATION}

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name or str(self.pk)


class Address(BaseModel):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    address_1 = models.CharField(_("straat en huisnummer"), max_length=200)
    city = models.CharField(_("plaats"), max_length=100)
    state_province = models.CharField(_("provincie"), max_length=100)
    postal_code = models.CharField(_("postcode"), max_length=6)
    country = models.CharField(max_length=2, default="NL")
    address_type = models.CharField(max_length=16, choices=LocationType.choices, default=LocationType.PHYSICAL)

    privacy_categories = {**_operational("location", "city", "state_province", "country", "address_type"),
                          "address_1": C.SECRET_LOCATION, "postal_code": C.SECRET_LOCATION}


class ServiceAtLocation(BaseModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)

    privacy_categories = _operational("service", "location", "description")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="service_at_location_unique")]


class Phone(BaseModel):
    """A phone number of an organisation, service or location (public: these are not people)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="phones")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones")
    number = models.CharField(_("nummer"), max_length=32)
    type = models.CharField(max_length=16, default="voice")
    description = models.CharField(_("omschrijving"), max_length=200, blank=True)

    privacy_categories = _operational("organization", "service", "location", "number", "type", "description")


class Schedule(BaseModel):
    """Opening hours in HSDS's iCal-like shape: one row per set of weekdays with the same hours."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="schedules")
    freq = models.CharField(max_length=8, default="WEEKLY")
    byday = models.CharField(max_length=32, blank=True, help_text="e.g. MO,TU,WE,TH,FR")
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    description = models.CharField(_("omschrijving"), max_length=200, blank=True)

    privacy_categories = _operational("service", "location", "freq", "byday", "opens_at", "closes_at",
                                      "description")


class ServiceArea(BaseModel):
    """Where a service takes people from: a municipality (Keten's extension of HSDS service_area)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")

    privacy_categories = _operational("service", "municipality")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "municipality"], name="service_area_unique")]


class Funding(BaseModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="funding")
    source = models.CharField(_("financiering"), max_length=200)

    privacy_categories = _operational("service", "source")


class Language(BaseModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(max_length=8)
    name = models.CharField(max_length=64)

    privacy_categories = _operational("service", "code", "name")


class Taxonomy(BaseModel):
    """A vocabulary: Keten's service types, audiences, forms of exploitation, residence statuses, ..."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField()
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=16, default="1")

    privacy_categories = _operational("name", "description", "uri")

    class Meta:
        ordering = ["name"]


class TaxonomyTerm(BaseModel):
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="terms")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    description = models.TextField()
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")

    privacy_categories = _operational("taxonomy", "code", "name", "description", "parent")

    class Meta:
        ordering = ["taxonomy__name", "code"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="taxonomy_term_code_unique")]

    def __str__(self):
        return self.name


class ServiceAttribute(BaseModel):
    """HSDS attribute: a taxonomy term attached to a service, with an optional value."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes")
    value = models.CharField(max_length=200, blank=True)

    privacy_categories = _operational("service", "taxonomy_term", "value")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "taxonomy_term"], name="service_attribute_unique")]


class CriterionKind(models.TextChoices):
    CARE_COORDINATOR = "care_coordinator", _("Zorgcoördinator voor de gemeente")
    SERVICE_WITHIN_REACH = "service_within_reach", _("Passende dienst binnen bereik")


class MinimumStandardCriterion(BaseModel):
    """One norm of the ondergrens: what every municipality must have. A service norm names the facets of a
    matching service (codes of keten.socialmap.taxonomy); it is met when such a service reaches the
    municipality: a public point within `max_distance_km`, a service area that includes it, or national.
    The standard is the set of active norms, kept by the national functional administrator."""

    label = models.CharField(_("omschrijving"), max_length=200)
    kind = models.CharField(_("soort norm"), max_length=24, choices=CriterionKind.choices,
                            default=CriterionKind.SERVICE_WITHIN_REACH)
    service_types = models.JSONField(_("soort hulp"), default=list, blank=True)
    audience = models.CharField(_("voor wie"), max_length=64, blank=True)
    age = models.PositiveSmallIntegerField(_("leeftijd die in de leeftijdsgrenzen moet vallen"), null=True,
                                           blank=True)
    exploitation_form = models.CharField(_("vorm van uitbuiting"), max_length=64, blank=True)
    max_distance_km = models.PositiveSmallIntegerField(_("afstand in km"), null=True, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    privacy_categories = _operational("label", "kind", "service_types", "audience", "age", "exploitation_form",
                                      "max_distance_km", "is_active", "position")

    class Meta:
        ordering = ["position", "label"]
        constraints = [
            models.CheckConstraint(
                name="minimum_standard_service_distance",
                condition=models.Q(kind="care_coordinator") | models.Q(max_distance_km__gte=1),
                violation_error_message=_("Een norm voor een dienst heeft een afstand van minstens 1 km nodig.")),
        ]

    def __str__(self):
        return self.label


class ImportKind(models.TextChoices):
    SPREADSHEET = "spreadsheet", _("Spreadsheet (sjabloon)")
    DATA_PACKAGE = "datapackage", _("HSDS-datapakket")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("In de wachtrij")
    VALIDATING = "validating", _("Bezig met controleren")
    IMPORTING = "importing", _("Bezig met importeren")
    REJECTED = "rejected", _("Fouten gevonden: niets geïmporteerd")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


#: How long an import job may go without a sign of life from the worker before the page says it stalled.
IMPORT_STALLED_AFTER = timedelta(minutes=15)


class ImportJob(BaseModel):
    """One uploaded spreadsheet or HSDS data package, checked and imported in the background
    (keten.socialmap.tasks). The file lives in the row itself until it is imported: the worker may run on
    another machine, and a closed network has no shared file store. Errors hold reasons, never cell values."""

    FINISHED = (ImportStatus.REJECTED, ImportStatus.DONE, ImportStatus.FAILED)

    membership = models.ForeignKey("accounts.Membership", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    file_name = models.CharField(_("bestand"), max_length=255)
    content = models.BinaryField()
    status = models.CharField(max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    good_rows_only = models.BooleanField(default=False)
    rows_total = models.PositiveIntegerField(default=0)
    rows_processed = models.PositiveIntegerField(default=0)
    rows_failed = models.PositiveIntegerField(default=0)
    records_created = models.PositiveIntegerField(default=0)
    records_updated = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # A spreadsheet may hold the secret address of a shelter.
    privacy_categories = {**_operational("membership", "organisation", "kind", "file_name", "status",
                                         "good_rows_only", "rows_total", "rows_processed", "rows_failed",
                                         "records_created", "records_updated", "errors", "finished_at"),
                          "content": C.SECRET_LOCATION}

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def is_stalled(self) -> bool:
        """Unfinished, and its worker silent for longer than a healthy one ever is (it writes progress every few
        rows): the worker stopped, or none runs. The import was one transaction, so nothing was half imported."""
        return not self.is_finished and self.updated_at < now() - IMPORT_STALLED_AFTER


# The search index (keten.socialmap.search_index keeps it; selectors.search_services reads it). Derived data:
# its keys point at the source rows without a database constraint, so that a cascade may delete a source row
# before the receivers that tidy the index have run.

_FACET_FIELDS = ["is_national", "type_mask", "audience_mask", "exploitation_mask", "residence_mask", "gender_mask"]


class SearchFacets(models.Model):
    """What a service's related rows say about it, as a search filters on it: whether it is national (no service
    area), and its terms of each facet as a bitmask (search_index.TERM_BITS)."""

    is_national = models.BooleanField()
    type_mask = models.BigIntegerField(default=0)
    audience_mask = models.BigIntegerField(default=0)
    exploitation_mask = models.BigIntegerField(default=0)
    residence_mask = models.BigIntegerField(default=0)
    gender_mask = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class SearchService(SearchFacets):
    """One row per service: the national ones, and the facets of services found by area or nationally."""

    service = models.OneToOneField(Service, on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True,
                                   related_name="search_entry")

    privacy_categories = dict.fromkeys(["service", *_FACET_FIELDS], C.OPERATIONAL)

    class Meta:
        # Few services are national: their count starts from this index rather than walking every service.
        indexes = [models.Index(fields=["is_national"], condition=models.Q(is_national=True),
                                name="search_service_national")]

    def __str__(self):
        return str(self.service_id)


class SearchPoint(SearchFacets):
    """A public point a service is reached at: its own non-confidential location, or for a confidential one the
    public intake point(s) of that location's organisation. A shelter's coordinates are never stored here. It
    repeats its service's facets, so that the search filters the points in a box without a join."""

    service = models.ForeignKey(Service, on_delete=models.DO_NOTHING, db_constraint=False,
                                related_name="search_points")
    location = models.ForeignKey(Location, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    latitude = models.FloatField()
    longitude = models.FloatField()

    # Operational, not secret_location: only public locations' coordinates come here.
    privacy_categories = dict.fromkeys(["id", "service", "location", "latitude", "longitude", *_FACET_FIELDS],
                                       C.OPERATIONAL)

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"], name="search_point_lat_lon")]
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="search_point_unique")]

    def __str__(self):
        return f"{self.service_id} @ {self.location_id}"
