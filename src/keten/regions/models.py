"""Municipalities, region layers and their regions: the map every other app places its records on."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from keten.core.privacy import DataCategory as C


class LayerKind(models.TextChoices):
    PROVINCE = "province", _("Provincie")
    SAFETY_REGION = "safety_region", _("Veiligheidsregio")
    POLICE_UNIT = "police_unit", _("Politie-eenheid")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis-regio")
    GGD = "ggd", _("GGD-regio")
    YOUTH_CARE = "youth_care", _("Jeugdzorgregio")
    CARE_COORDINATION = "care_coordination", _("Zorgcoördinatieregio")
    SIGNAL_TABLE = "signal_table", _("Signaaltafelregio")


#: Layers whose regions a national functional administrator draws; the others come from CBS/PDOK.
CONFIGURABLE_LAYERS = frozenset({LayerKind.CARE_COORDINATION, LayerKind.SIGNAL_TABLE})


class Municipality(models.Model):
    """A gemeente of the 2025 division, keyed by its CBS code (GM0363)."""

    code = models.CharField(max_length=6, primary_key=True)
    name = models.CharField(max_length=100)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)

    # Reference data about places, not people.
    privacy_categories = dict.fromkeys(["code", "name", "valid_from", "valid_until"], C.OPERATIONAL)

    class Meta:
        ordering = ["name"]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")

    def __str__(self):
        return self.name


class RegionLayer(models.Model):
    """One way of dividing the country (provinces, police units, ...); `complete` layers cover every
    municipality exactly once."""

    kind = models.CharField(max_length=32, choices=LayerKind.choices, unique=True)
    complete = models.BooleanField(default=True)

    # Reference data about places, not people.
    privacy_categories = dict.fromkeys(["id", "kind", "complete"], C.OPERATIONAL)

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    @property
    def configurable(self) -> bool:
        return self.kind in CONFIGURABLE_LAYERS


class Region(models.Model):
    """A region within a layer, with its member municipalities. Regions carry dates: municipalities merge."""

    layer = models.ForeignKey(RegionLayer, on_delete=models.PROTECT, related_name="regions")
    code = models.CharField(max_length=16)
    name = models.CharField(max_length=150)
    municipalities = models.ManyToManyField(Municipality, related_name="regions", blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    # Optimistic locking for the configurable layers: two administrators must not undo each other's edit.
    version = models.PositiveIntegerField(default=1, editable=False)

    # Reference data about places, not people.
    privacy_categories = dict.fromkeys(["id", "layer", "code", "name", "valid_from", "valid_until", "version"],
                                       C.OPERATIONAL)

    class Meta:
        ordering = ["layer__kind", "name"]
        constraints = [models.UniqueConstraint(fields=["layer", "code"], name="region_code_unique_in_layer")]

    def __str__(self):
        return f"{self.name} ({self.layer})"


class Postcode4(models.Model):
    """A four-digit postcode and the municipality its representative point lies in."""

    code = models.CharField(max_length=4, primary_key=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="postcodes")

    # Reference data about places, not people.
    privacy_categories = dict.fromkeys(["code", "municipality"], C.OPERATIONAL)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code
