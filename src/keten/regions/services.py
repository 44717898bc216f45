"""Writes of the regions app: loading the reference data and editing the configurable layers."""

import csv
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from keten.core.errors import ConcurrentUpdate, PermissionDenied, ValidationFailed
from keten.core.events import record_write
from keten.regions.models import CONFIGURABLE_LAYERS, LayerKind, Municipality, Postcode4, Region, RegionLayer

DATA_DIR = Path(__file__).resolve().parent / "data"

#: The layers that come from CBS/PDOK, in the column order of municipalities.csv.
CBS_LAYERS = [kind for kind in LayerKind if kind not in CONFIGURABLE_LAYERS]

#: How a configurable layer is seeded from the police units, and how its new regions are coded.
#: Stored names are data, not interface text, so they are not translated.
SEEDS = {
    LayerKind.CARE_COORDINATION: ("ZC", "Zorgcoördinatie {name}"),
    LayerKind.SIGNAL_TABLE: ("ST", "Signaaltafel {name}"),
}

Membership = Region.municipalities.through


# --- Reference data -----------------------------------------------------------------------------------


@dataclass
class LoadSummary:
    municipalities: int = 0
    regions: int = 0
    postcodes: int = 0
    created: int = 0
    renamed: int = 0
    links_added: int = 0
    links_removed: int = 0
    postcodes_changed: int = 0
    seeded: list[str] = field(default_factory=list)
    unassigned: dict[str, int] = field(default_factory=dict)

    def __str__(self):
        parts = [
            f"{self.municipalities} municipalities, {self.regions} CBS regions, {self.postcodes} postcodes",
            f"{self.created} created, {self.renamed} renamed",
            f"memberships +{self.links_added}/-{self.links_removed}",
            f"postcodes changed {self.postcodes_changed}",
            "seeded " + (", ".join(self.seeded) if self.seeded else "nothing"),
        ]
        parts += [f"{count} municipalities without a {kind} region" for kind, count in self.unassigned.items()]
        return "Regions loaded: " + "; ".join(parts) + "."


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@transaction.atomic
def load_reference_regions(data_dir: Path = DATA_DIR) -> LoadSummary:
    """Bring layers, municipalities, CBS regions, their memberships and postcodes in line with the CSVs.

    Idempotent: a second run only reads. It never touches the regions of a configurable layer once
    that layer has any: those belong to the national functional administrator.
    """
    region_rows = _read_csv(data_dir / "regions.csv")
    municipality_rows = _read_csv(data_dir / "municipalities.csv")
    postcode_rows = _read_csv(data_dir / "postcodes.csv")
    summary = LoadSummary(municipalities=len(municipality_rows), regions=len(region_rows),
                          postcodes=len(postcode_rows))

    layers = _load_layers(summary)
    _load_municipalities(municipality_rows, summary)
    region_ids = _load_cbs_regions(region_rows, layers, summary)
    _load_cbs_memberships(municipality_rows, region_ids, summary)
    _load_postcodes(postcode_rows, summary)
    for kind, (prefix, pattern) in SEEDS.items():
        if not Region.objects.filter(layer=layers[kind]).exists():
            _seed_from_police_units(layers[kind], prefix, pattern, layers[LayerKind.POLICE_UNIT])
            summary.seeded.append(kind.value)
        without = Municipality.objects.exclude(regions__layer=layers[kind]).count()
        if without:
            summary.unassigned[kind.value] = without
    return summary


def _load_layers(summary: LoadSummary) -> dict[str, RegionLayer]:
    existing = {layer.kind: layer for layer in RegionLayer.objects.all()}
    missing = [RegionLayer(kind=kind, complete=True) for kind in LayerKind if kind not in existing]
    if missing:
        RegionLayer.objects.bulk_create(missing)
        summary.created += len(missing)
    # Every layer Keten knows is complete: each municipality lies in exactly one of its regions.
    RegionLayer.objects.filter(kind__in=LayerKind.values, complete=False).update(complete=True)
    return {layer.kind: layer for layer in RegionLayer.objects.all()}


def _load_municipalities(rows: list[dict[str, str]], summary: LoadSummary) -> None:
    existing = {m.code: m for m in Municipality.objects.all()}
    new, changed = [], []
    for row in rows:
        municipality = existing.get(row["code"])
        if municipality is None:
            new.append(Municipality(code=row["code"], name=row["name"]))
        elif municipality.name != row["name"]:
            municipality.name = row["name"]
            changed.append(municipality)
    Municipality.objects.bulk_create(new)
    Municipality.objects.bulk_update(changed, ["name"])
    summary.created += len(new)
    summary.renamed += len(changed)


def _load_cbs_regions(rows, layers, summary: LoadSummary) -> dict[tuple[str, str], int]:
    """Create and rename the CBS regions; returns (layer kind, region code) → region id."""
    existing = {(r.layer.kind, r.code): r for r in Region.objects.filter(layer__kind__in=CBS_LAYERS)
                .select_related("layer")}
    new, changed = [], []
    for row in rows:
        region = existing.get((row["layer"], row["code"]))
        if region is None:
            new.append(Region(layer=layers[row["layer"]], code=row["code"], name=row["name"]))
        elif region.name != row["name"]:
            region.name = row["name"]
            changed.append(region)
    Region.objects.bulk_create(new)
    Region.objects.bulk_update(changed, ["name"])
    summary.created += len(new)
    summary.renamed += len(changed)
    return {
        (kind, code): pk
        for pk, kind, code in Region.objects.filter(layer__kind__in=CBS_LAYERS).values_list(
            "pk", "layer__kind", "code")
    }


def _load_cbs_memberships(rows, region_ids, summary: LoadSummary) -> None:
    wanted = {(region_ids[(kind, row[kind])], row["code"]) for row in rows for kind in CBS_LAYERS}
    existing = {
        (region_id, municipality_id): pk
        for pk, region_id, municipality_id in Membership.objects.filter(
            region__layer__kind__in=CBS_LAYERS).values_list("pk", "region_id", "municipality_id")
    }
    to_add = sorted(wanted - existing.keys())
    to_remove = [pk for pair, pk in existing.items() if pair not in wanted]
    Membership.objects.bulk_create([Membership(region_id=r, municipality_id=m) for r, m in to_add])
    if to_remove:
        Membership.objects.filter(pk__in=to_remove).delete()
    summary.links_added += len(to_add)
    summary.links_removed += len(to_remove)


def _load_postcodes(rows, summary: LoadSummary) -> None:
    wanted = {row["pc4"]: row["municipality"] for row in rows}
    existing = dict(Postcode4.objects.values_list("code", "municipality_id"))
    new = [Postcode4(code=code, municipality_id=m) for code, m in wanted.items() if code not in existing]
    changed = [Postcode4(code=code, municipality_id=m) for code, m in wanted.items()
               if code in existing and existing[code] != m]
    # Postcodes are pure reference data (nothing points at them), so a code the source dropped goes.
    stale = [code for code in existing if code not in wanted]
    Postcode4.objects.bulk_create(new)
    Postcode4.objects.bulk_update(changed, ["municipality"])
    if stale:
        Postcode4.objects.filter(code__in=stale).delete()
    summary.postcodes_changed += len(new) + len(changed) + len(stale)


def _seed_from_police_units(layer: RegionLayer, prefix: str, pattern: str, police: RegionLayer) -> None:
    """A first division for a configurable layer: one region per police unit (RE05 → ZC05)."""
    units = list(Region.objects.filter(layer=police).order_by("code"))
    Region.objects.bulk_create([
        Region(layer=layer, code=prefix + unit.code[-2:], name=pattern.format(name=unit.name)) for unit in units
    ])
    seeded = dict(Region.objects.filter(layer=layer).values_list("code", "pk"))
    links = Membership.objects.filter(region__in=units).values_list("region__code", "municipality_id")
    Membership.objects.bulk_create([
        Membership(region_id=seeded[prefix + unit_code[-2:]], municipality_id=municipality_id)
        for unit_code, municipality_id in links
    ])


# --- Editing the configurable layers -----------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """A municipality that left `from_region` because the administrator put it in another region."""

    municipality: Municipality
    from_region: Region


@dataclass(frozen=True)
class RegionChange:
    region: Region
    moved: list[Move]


@transaction.atomic
def region_create(*, actor, layer: RegionLayer, name: str, municipalities: Collection[Municipality]) -> RegionChange:
    """A new region in a configurable layer; chosen municipalities move here from their old region."""
    _require_configurable(layer)
    name = _checked_name(layer, name)
    region = Region.objects.create(layer=layer, code=_next_code(layer), name=name)
    moved = _take_municipalities(region, municipalities)
    record_write(actor=actor, action="create", target=region, purpose="administration")
    return RegionChange(region=region, moved=moved)


@transaction.atomic
def region_update(*, actor, region: Region, name: str, municipalities: Collection[Municipality],
                  expected_version: int) -> RegionChange:
    """Rename a region and set its municipalities.

    In a complete layer a municipality belongs to exactly one region, so ticking one that lies in
    another region moves it here, and unticking one is refused: it would belong nowhere.
    """
    layer = region.layer
    _require_configurable(layer)
    if not Region.objects.filter(pk=region.pk, version=expected_version).exists():
        raise ConcurrentUpdate()
    name = _checked_name(layer, name, exclude=region)
    wanted = {m.pk for m in municipalities}
    dropped = set(Membership.objects.filter(region=region).values_list("municipality_id", flat=True)) - wanted
    if dropped and layer.complete:
        names = ", ".join(Municipality.objects.filter(pk__in=dropped).order_by("name")
                          .values_list("name", flat=True))
        raise ValidationFailed(_(
            "Een gemeente hoort altijd bij één regio van deze indeling. Uitvinken kan daarom niet "
            "({names}). Vink de gemeente aan bij de regio waar zij naartoe gaat; dan verdwijnt zij "
            "hier vanzelf."
        ).format(names=names))
    updated = Region.objects.filter(pk=region.pk, version=expected_version).update(
        name=name, version=F("version") + 1)
    if updated != 1:
        raise ConcurrentUpdate()
    if dropped:
        Membership.objects.filter(region=region, municipality_id__in=dropped).delete()
    moved = _take_municipalities(region, municipalities)
    region.refresh_from_db()
    record_write(actor=actor, action="update", target=region, purpose="administration")
    return RegionChange(region=region, moved=moved)


def _require_configurable(layer: RegionLayer) -> None:
    if not layer.configurable:
        raise PermissionDenied(_("Deze indeling komt van het CBS en kan in Keten niet worden gewijzigd."))


def _checked_name(layer: RegionLayer, name: str, exclude: Region | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationFailed(_("Geef de regio een naam."))
    others = Region.objects.filter(layer=layer, name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise ValidationFailed(_("Deze indeling heeft al een regio met de naam ‘{name}’.").format(name=name))
    return name


def _next_code(layer: RegionLayer) -> str:
    prefix = SEEDS[layer.kind][0]
    numbers = [int(code[len(prefix):]) for code in layer.regions.values_list("code", flat=True)
               if code.startswith(prefix) and code[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:02d}"


def _take_municipalities(region: Region, municipalities: Collection[Municipality]) -> list[Move]:
    """Make the municipalities members of `region`; in a complete layer they leave their old region."""
    wanted = {m.pk for m in municipalities}
    moved: list[Move] = []
    if region.layer.complete:
        elsewhere = list(
            Membership.objects.filter(region__layer=region.layer, municipality_id__in=wanted)
            .exclude(region=region).select_related("region", "municipality")
        )
        if elsewhere:
            moved = sorted((Move(link.municipality, link.region) for link in elsewhere),
                           key=lambda move: move.municipality.name)
            # The regions that lost a municipality changed too: a form still open on them is now stale.
            Region.objects.filter(pk__in={link.region_id for link in elsewhere}).update(
                version=F("version") + 1)
            Membership.objects.filter(pk__in=[link.pk for link in elsewhere]).delete()
    present = set(Membership.objects.filter(region=region).values_list("municipality_id", flat=True))
    Membership.objects.bulk_create([Membership(region=region, municipality_id=pk)
                                    for pk in sorted(wanted - present)])
    return moved
