"""Derive Keten's committed region tables (regions, municipalities, postcodes) from the shared CBS/PDOK maps.

Run by hand from the repository root when the shared geo data changes:

    .venv/bin/python scripts/derive_regions.py [GEO_DIR] [--out OUT_DIR]

GEO_DIR defaults to ../shared/data/geo (relative to the repository root), OUT_DIR to
src/keten/regions/data. The output is sorted and byte-for-byte reproducible, so re-running the
script on the same input leaves no diff. Needs shapely (a dev dependency), not Django.
"""

import argparse
import csv
import json
import math
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import make_valid

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GEO_DIR = REPO_ROOT.parent / "shared" / "data" / "geo"
DEFAULT_OUT_DIR = REPO_ROOT / "src" / "keten" / "regions" / "data"

MUNICIPALITY_FILE = "gemeente_2025.geojson"
POSTCODE_FILE = "pc4_centroids.csv"

#: Layer kind (as in keten.regions.models.LayerKind) → source file, in the column order of municipalities.csv.
LAYER_FILES = {
    "province": "provincie_2025.geojson",
    "safety_region": "veiligheidsregio_2025.geojson",
    "police_unit": "regionale_eenheid_2025.geojson",
    "veilig_thuis": "veiligthuisregio_2025.geojson",
    "ggd": "ggdregio_2025.geojson",
    "youth_care": "jeugdregio_2025.geojson",
}

#: Below this share of its area inside the chosen region, a municipality is reported for a manual look.
LOW_OVERLAP_SHARE = 0.9

# Degrees of longitude are shorter than degrees of latitude; at the Netherlands' mean latitude this
# factor makes distances and areas in degrees comparable in both directions (for "nearest" only).
LON_SCALE = math.cos(math.radians(52.2))


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    geometry: BaseGeometry


def read_areas(path: Path) -> list[Area]:
    """The features of a GeoJSON file, repaired where simplification made a ring self-intersect."""
    with path.open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    areas = []
    for feature in features:
        geometry = shape(feature["geometry"])
        if not geometry.is_valid:
            geometry = make_valid(geometry)
        props = feature["properties"]
        areas.append(Area(code=props["statcode"], name=props["statnaam"].strip(), geometry=geometry))
    return sorted(areas, key=lambda a: a.code)


def scaled(geometry: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geometry, lambda coords: coords * [LON_SCALE, 1.0])


@dataclass
class LayerReport:
    kind: str
    regions: int
    point_disagreements: list[str]
    low_overlap: list[str]


def assign_layer(municipalities: list[Area], regions: list[Area], kind: str) -> tuple[dict, LayerReport]:
    """Assign each municipality to the region it overlaps most.

    Why largest overlap rather than a point test: the maps are simplified independently, so borders
    shift by up to a few hundred metres and leave gaps on open water. A representative point of a
    narrow or coastal municipality can then fall in a gap or in a neighbour, while the overlap of the
    whole municipality with its true region stays far larger (typically >95%) than with any other.
    The point test is kept as a cross-check: disagreements are reported, never silently used.
    """
    tree = STRtree([r.geometry for r in regions])
    assignment: dict[str, str] = {}
    report = LayerReport(kind=kind, regions=len(regions), point_disagreements=[], low_overlap=[])
    for municipality in municipalities:
        geometry = municipality.geometry
        candidates = sorted(int(i) for i in tree.query(geometry))
        overlaps = [(geometry.intersection(regions[i].geometry).area, regions[i].code) for i in candidates]
        # Largest area wins; the code breaks an (improbable) exact tie so the result stays deterministic.
        best_area, best_code = max(overlaps, key=lambda item: (item[0], item[1]))
        assignment[municipality.code] = best_code
        share = best_area / geometry.area
        if share < LOW_OVERLAP_SHARE:
            report.low_overlap.append(f"{municipality.code} {municipality.name} {share:.0%} in {best_code}")
        point = geometry.representative_point()
        containing = [regions[i].code for i in candidates if regions[i].geometry.covers(point)]
        if containing != [best_code]:
            found = ",".join(containing) or "geen"
            report.point_disagreements.append(
                f"{municipality.code} {municipality.name}: punt in {found}, overlap {best_code}"
            )
    return assignment, report


@dataclass
class PostcodeReport:
    total: int
    nearest_fallback: list[str]
    several: list[str]


def assign_postcodes(path: Path, municipalities: list[Area]) -> tuple[list[tuple[str, str]], PostcodeReport]:
    """Each PC4 point goes to the municipality polygon containing it, else to the nearest one.

    Points lie in gaps of the simplified municipality map (on water, along coasts), so the nearest
    polygon is the fall-back; where overlapping borders put a point in two polygons, the one it lies
    deepest inside wins.
    """
    geometries = [scaled(m.geometry) for m in municipalities]
    tree = STRtree(geometries)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda row: row["pc4"])
    result = []
    report = PostcodeReport(total=len(rows), nearest_fallback=[], several=[])
    for row in rows:
        point = Point(float(row["lon"]) * LON_SCALE, float(row["lat"]))
        containing = sorted(int(i) for i in tree.query(point, predicate="intersects"))
        if len(containing) == 1:
            index = containing[0]
        elif containing:
            index = max(containing, key=lambda i: (geometries[i].boundary.distance(point), -i))
            report.several.append(f"{row['pc4']} → {municipalities[index].code}")
        else:
            index = int(tree.nearest(point))
            distance_km = geometries[index].distance(point) * 111.2
            report.nearest_fallback.append(
                f"{row['pc4']} → {municipalities[index].code} {municipalities[index].name} ({distance_km:.1f} km)"
            )
        result.append((row["pc4"], municipalities[index].code))
    return result, report


def write_csv(path: Path, header: list[str], rows: list) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


SOURCES_TEMPLATE = """\
# Reference data of the regions app

Generated by `scripts/derive_regions.py` from `../shared/data/geo/` (see its SOURCES.md for the
commits read and the checksums). Do not edit by hand: change the script or the input and re-run it.
`manage.py load_regions` loads these files into the database.

## Attribution

Bron: CBS / Kadaster (PDOK), gebiedsindelingen; vereenvoudigd door cartomap/nl

For the postcode points behind `postcodes.csv` also: © CBS, © ESRI Nederland

CBS and PDOK publish these area classifications as open data (CBS: CC BY 4.0). The PC4 points come
from CBS "Kerncijfers per postcode" 2020 geometry (via certe-medical-epidemiology/certegis), so
postcodes created after 2020 are missing.

## Files

| file | content | rows |
| --- | --- | --- |
| `regions.csv` | layer, code, name of every region of the six CBS layers | {region_rows} |
| `municipalities.csv` | code, name and the region code of each municipality in each layer | {municipality_rows} |
| `postcodes.csv` | four-digit postcode and the municipality its point lies in | {postcode_rows} |
{geojson_rows}

Regions per layer: {layer_counts}.

## Method

- Municipality → region: each municipality is assigned, per layer, to the region with which its
  polygon has the largest intersection area. The maps are simplified independently, so borders
  differ by up to a few hundred metres and a point test alone can land in a gap or a neighbour.
  As a cross-check the municipality's representative point (shapely `representative_point`) is
  tested against the regions; the script reports every disagreement.
  Point-test disagreements at the last run: {disagreements}.
  Municipalities with less than {low_share:.0%} of their area in the chosen region (checked by
  hand; the rest of their area lies outside the simplified region map or in a neighbour by
  generalisation):
{low_overlap}
- Postcode → municipality: the PC4 representative point is tested against the municipality
  polygons; a point in a gap (on water, along the coast) goes to the nearest municipality
  (distance with longitude scaled by cos 52.2°). Nearest-polygon fall-backs at the last run:
  {fallbacks} of {postcode_rows}; points inside more than one polygon: {several}.
- The GeoJSON files are byte-for-byte copies of the shared input, for the maps.
"""


def write_sources(out_dir: Path, *, regions_rows: int, municipality_rows: int, postcode_rows: int,
                  reports: list[LayerReport], postcode_report: PostcodeReport, geojson: list[str]) -> None:
    geojson_rows = "\n".join(f"| `{name}` | map, copied unchanged | |" for name in geojson)
    text = SOURCES_TEMPLATE.format(
        region_rows=regions_rows,
        municipality_rows=municipality_rows,
        postcode_rows=postcode_rows,
        geojson_rows=geojson_rows,
        layer_counts=", ".join(f"{r.kind} {r.regions}" for r in reports),
        disagreements=", ".join(f"{r.kind} {len(r.point_disagreements)}" for r in reports),
        low_share=LOW_OVERLAP_SHARE,
        low_overlap="\n".join(f"  - {r.kind}: {line}" for r in reports for line in r.low_overlap) or "  - none",
        fallbacks=len(postcode_report.nearest_fallback),
        several=len(postcode_report.several),
    )
    (out_dir / "SOURCES.md").write_text(text, encoding="utf-8")


def derive(geo_dir: Path, out_dir: Path, *, verbose: bool = True) -> None:
    """Write every output file into out_dir (created if missing)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    municipalities = read_areas(geo_dir / MUNICIPALITY_FILE)

    region_rows = []
    assignments = {}
    reports = []
    for kind, filename in LAYER_FILES.items():
        regions = read_areas(geo_dir / filename)
        region_rows += [(kind, r.code, r.name) for r in regions]
        assignments[kind], report = assign_layer(municipalities, regions, kind)
        reports.append(report)

    municipality_rows = [
        [m.code, m.name, *(assignments[kind][m.code] for kind in LAYER_FILES)] for m in municipalities
    ]
    postcode_rows, postcode_report = assign_postcodes(geo_dir / POSTCODE_FILE, municipalities)

    write_csv(out_dir / "regions.csv", ["layer", "code", "name"], region_rows)
    write_csv(out_dir / "municipalities.csv", ["code", "name", *LAYER_FILES], municipality_rows)
    write_csv(out_dir / "postcodes.csv", ["pc4", "municipality"], postcode_rows)
    geojson = sorted([MUNICIPALITY_FILE, *LAYER_FILES.values()])
    for name in geojson:
        shutil.copyfile(geo_dir / name, out_dir / name)
    write_sources(out_dir, regions_rows=len(region_rows), municipality_rows=len(municipality_rows),
                  postcode_rows=len(postcode_rows), reports=reports, postcode_report=postcode_report,
                  geojson=geojson)

    if verbose:
        print(f"municipalities: {len(municipalities)}")
        for report in reports:
            print(f"{report.kind}: {report.regions} regions, {len(report.point_disagreements)} point-test "
                  f"disagreements, {len(report.low_overlap)} below {LOW_OVERLAP_SHARE:.0%} overlap")
            for line in report.point_disagreements + report.low_overlap:
                print(f"    {line}")
        print(f"postcodes: {postcode_report.total}, nearest-polygon fall-back "
              f"{len(postcode_report.nearest_fallback)}, inside several polygons {len(postcode_report.several)}")
        for line in postcode_report.nearest_fallback + postcode_report.several:
            print(f"    {line}")
        print(f"written to {out_dir}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("geo_dir", nargs="?", type=Path, default=DEFAULT_GEO_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if not (args.geo_dir / MUNICIPALITY_FILE).exists():
        print(f"No {MUNICIPALITY_FILE} in {args.geo_dir}", file=sys.stderr)
        return 2
    derive(args.geo_dir, args.out, verbose=not args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
