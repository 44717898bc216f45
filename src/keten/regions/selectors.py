"""Reads of the regions app: layers, regions of a municipality, postcode lookup. No personal data here."""

import re
import unicodedata
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Prefetch, QuerySet

from keten.core.memo import Memo
from keten.regions.models import LayerKind, Municipality, Postcode4, Region, RegionLayer

#: "1011", "1011AB", "1011 ab", with any surrounding spaces; the first digit of a Dutch postcode is never 0.
POSTCODE_PATTERN = re.compile(r"^\s*([1-9]\d{3})\s*(?:[A-Za-z]{2})?\s*$")
MUNICIPALITY_CODE_PATTERN = re.compile(r"^\s*(?:GM)?(\d{4})\s*$", re.IGNORECASE)

_LAYER_ORDER = {kind: index for index, kind in enumerate(LayerKind.values)}


def sort_key(name: str) -> str:
    """Alphabetical as a Dutch reader expects: "Súdwest-Fryslân" among the S, not after the Z."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def layers() -> list[RegionLayer]:
    """Every layer, in the order of LayerKind (provinces first), with `region_count`."""
    found = RegionLayer.objects.annotate(region_count=Count("regions"))
    return sorted(found, key=lambda layer: _LAYER_ORDER.get(layer.kind, len(_LAYER_ORDER)))


def layer_by_kind(kind: str) -> RegionLayer | None:
    return RegionLayer.objects.filter(kind=kind).first()


def regions_of_layer(layer: RegionLayer) -> QuerySet[Region]:
    """The layer's regions by name, each with its municipalities (by name) prefetched."""
    return (
        Region.objects.filter(layer=layer)
        .select_related("layer")
        .prefetch_related(Prefetch("municipalities", queryset=Municipality.objects.order_by("name")))
        .order_by("name")
    )


def region_by_code(layer: RegionLayer, code: str) -> Region | None:
    return Region.objects.filter(layer=layer, code=code).select_related("layer").first()


def regions_for(municipality: Municipality) -> dict[str, Region]:
    """Layer kind → the municipality's region in that layer, in one query."""
    regions = Region.objects.filter(municipalities=municipality).select_related("layer").order_by("code")
    return {region.layer.kind: region for region in regions}


#: Municipalities found lately, per process: code -> the row's values. Registering a signal looks its municipality
#: up on every request, and the 342 of them change once a year (load_regions); a municipality is never deleted
#: while anything names it, so a remembered one cannot turn out not to exist.
_FOUND = Memo(seconds=300)
_FIELDS = [field.attname for field in Municipality._meta.concrete_fields]


def municipality_by_code(code: str) -> Municipality | None:
    """The municipality with CBS code "GM0363" (also accepted: "gm0363", "0363"). A fresh instance each time."""
    match = MUNICIPALITY_CODE_PATTERN.match(code or "")
    if match is None:
        return None
    code = f"GM{match.group(1)}"
    values = _FOUND.get(code, lambda: Municipality.objects.filter(code=code).values_list(*_FIELDS).first())
    return None if values is None else Municipality.from_db(DEFAULT_DB_ALIAS, _FIELDS, values)


def municipality_for_postcode(text: str) -> Municipality | None:
    """The municipality of a Dutch postcode ("1011 AB", "1011ab", " 1011 "); None if unknown or not one."""
    match = POSTCODE_PATTERN.match(text or "")
    if match is None:
        return None
    postcode = Postcode4.objects.filter(code=match.group(1)).select_related("municipality").first()
    return postcode.municipality if postcode else None


def municipalities_without_region(layer: RegionLayer) -> QuerySet[Municipality]:
    """Municipalities that a complete layer fails to cover (should be none)."""
    return Municipality.objects.exclude(regions__layer=layer).order_by("name")


@dataclass(frozen=True)
class MunicipalityChoice:
    code: str
    name: str
    current_region: Region | None


@dataclass(frozen=True)
class ProvinceGroup:
    province: str
    municipalities: list[MunicipalityChoice]


def municipality_choices_by_province(layer: RegionLayer) -> list[ProvinceGroup]:
    """Every municipality grouped by province, each with its current region in `layer` (two queries)."""
    links = Region.municipalities.through.objects.filter(
        region__layer__kind__in=[LayerKind.PROVINCE, layer.kind]
    ).select_related("region__layer", "municipality")
    province_of: dict[str, str] = {}
    region_of: dict[str, Region] = {}
    municipalities: dict[str, Municipality] = {}
    for link in links:
        municipalities[link.municipality_id] = link.municipality
        if link.region.layer.kind == LayerKind.PROVINCE:
            province_of[link.municipality_id] = link.region.name
        if link.region.layer.kind == layer.kind:
            region_of[link.municipality_id] = link.region
    for municipality in Municipality.objects.exclude(pk__in=municipalities.keys()):
        municipalities[municipality.pk] = municipality
    groups: dict[str, list[MunicipalityChoice]] = {}
    for code, municipality in municipalities.items():
        groups.setdefault(province_of.get(code, "—"), []).append(
            MunicipalityChoice(code=code, name=municipality.name, current_region=region_of.get(code))
        )
    return [
        ProvinceGroup(province=province, municipalities=sorted(items, key=lambda c: (sort_key(c.name), c.code)))
        for province, items in sorted(groups.items(), key=lambda item: sort_key(item[0]))
    ]
