"""Where a municipality is: one representative point per municipality from the committed CBS boundaries, and the
great-circle distance between two points. Pure Python, so the web process needs no GIS library."""

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

#: The generalised 2025 municipal boundaries that the regions app derives and commits (see its SOURCES.md).
MUNICIPALITY_BOUNDARIES = Path(__file__).resolve().parent.parent / "regions" / "data" / "gemeente_2025.geojson"

#: Mean Earth radius (IUGG), in km.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in km between two points given in degrees."""
    return haversine_km_from(lat1, lon1)(lat2, lon2)


def haversine_km_from(latitude: float, longitude: float) -> Callable[[float, float], float]:
    """`haversine_km` with the first point fixed, its trigonometry done once: for measuring thousands of
    candidate points from one place."""
    phi1, lambda1 = math.radians(latitude), math.radians(longitude)
    cos_phi1 = math.cos(phi1)

    def km_to(lat2: float, lon2: float) -> float:
        phi2 = math.radians(lat2)
        d_lambda = math.radians(lon2) - lambda1
        a = math.sin((phi2 - phi1) / 2) ** 2 + cos_phi1 * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))

    return km_to


def ring_area_and_centroid(ring: list[list[float]]) -> tuple[float, Point]:
    """The absolute area (in square degrees) and the centroid of a closed [lon, lat] ring, by the shoelace formula.

    At the scale of a municipality the plane approximation is good enough to pick a representative point; a
    degenerate ring (no area) falls back to the mean of its vertices."""
    twice_area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        twice_area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if twice_area == 0:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return 0.0, Point(latitude=sum(ys) / len(ys), longitude=sum(xs) / len(xs))
    return abs(twice_area) / 2, Point(latitude=cy / (3 * twice_area), longitude=cx / (3 * twice_area))


def representative_point(geometry: dict) -> Point:
    """The centroid of the largest outer ring of a Polygon or MultiPolygon: for a municipality of islands
    (Terschelling, Súdwest-Fryslân) a point on its main part rather than in the sea between the parts."""
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    measured = [ring_area_and_centroid(polygon[0]) for polygon in polygons]
    return max(measured, key=lambda item: item[0])[1]


@cache
def municipality_points() -> dict[str, Point]:
    """CBS municipality code ("GM0363") → its representative point; read once per process."""
    with MUNICIPALITY_BOUNDARIES.open(encoding="utf-8") as source:
        collection = json.load(source)
    return {
        feature["properties"]["statcode"]: representative_point(feature["geometry"])
        for feature in collection["features"]
    }


def point_of(municipality_code: str) -> Point | None:
    return municipality_points().get(municipality_code)


def nearest_municipality_code(latitude: float, longitude: float) -> str | None:
    """The code of the municipality whose representative point lies nearest to the given point."""
    points = municipality_points()
    if not points:
        return None
    return min(points, key=lambda code: haversine_km(latitude, longitude, points[code].latitude,
                                                     points[code].longitude))
