"""The ondergrens (minimum standard) monitor: every municipality measured against the active norms.

A norm for a service is met when a matching service reaches the municipality, by the rules of the search
(selectors.search_services): one of its public points lies within the norm's distance of the municipality's
representative point, its service area includes the municipality, or it has no service area (national). The
care-coordinator norm follows the coverage page (selectors.coverage): a care coordinator whose service area
includes the municipality, or a national one; distance plays no part, as a coordinator serves a region.

A municipality's status: `good` when it meets every norm; `gap` when it misses the care coordinator (the first
point of contact: without one nobody arranges the rest) or meets no norm at all; `partial` otherwise; `unknown`
while no norm is active.

Five queries, however many municipalities and norms: the norms, the municipalities per province, the matching
services of every norm (one UNION), the public points and the service areas. The rest is Python."""

import math
from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from django.db import models
from django.db.models import IntegerField, QuerySet, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from keten.socialmap import geo
from keten.socialmap.models import CriterionKind, MinimumStandardCriterion, Service, ServiceArea, ServiceStatus
from keten.socialmap.selectors import (
    SearchFilters,
    care_coordinators,
    eligible_services,
    municipalities_by_province,
    public_points,
)
from keten.socialmap.taxonomy import AUDIENCE, EXPLOITATION_FORM, SERVICE_TYPE, VOCABULARIES


class Status(models.TextChoices):
    GOOD = "good", gettext_lazy("Voldoet aan alle normen")
    PARTIAL = "partial", gettext_lazy("Voldoet aan een deel van de normen")
    GAP = "gap", gettext_lazy("Tekort: geen zorgcoördinator, of geen enkele norm gehaald")
    UNKNOWN = "unknown", gettext_lazy("Onbekend: er zijn geen normen ingesteld")


#: Short words for a status, where a table cell has no room for the full label.
STATUS_WORDS = {Status.GOOD: gettext_lazy("Voldoet"), Status.PARTIAL: gettext_lazy("Deels"),
                Status.GAP: gettext_lazy("Tekort"), Status.UNKNOWN: gettext_lazy("Onbekend")}


@dataclass(frozen=True)
class Finding:
    """One norm for one municipality; when met, the nearest service that meets it (distance None: the
    service reaches the municipality but its distance is unknown, as for a service without a public point)."""

    criterion: MinimumStandardCriterion
    met: bool
    service_name: str = ""
    distance_km: float | None = None

    @property
    def answer(self) -> str:
        return _("Ja") if self.met else _("Nee")

    @property
    def detail(self) -> str:
        """"Vrouwenopvang Twente, 12 km"; empty when not met."""
        if not self.met:
            return ""
        if self.distance_km is None:
            return self.service_name
        return _("{service}, {distance} km").format(service=self.service_name, distance=round(self.distance_km))


@dataclass(frozen=True)
class MunicipalityResult:
    code: str
    name: str
    province_code: str
    province_name: str
    findings: tuple[Finding, ...]

    @property
    def met_count(self) -> int:
        return sum(finding.met for finding in self.findings)

    @property
    def status(self) -> Status:
        if not self.findings:
            return Status.UNKNOWN
        if self.met_count == len(self.findings):
            return Status.GOOD
        coordinator_missing = any(not finding.met and finding.criterion.kind == CriterionKind.CARE_COORDINATOR
                                  for finding in self.findings)
        return Status.GAP if coordinator_missing or self.met_count == 0 else Status.PARTIAL

    @property
    def status_word(self) -> str:
        return str(STATUS_WORDS[self.status])

    @property
    def summary(self) -> str:
        """"Amsterdam: 6 van 8 normen gehaald"."""
        if not self.findings:
            return _("{name}: er zijn geen normen ingesteld").format(name=self.name)
        return ngettext("{name}: {met} van {total} norm gehaald", "{name}: {met} van {total} normen gehaald",
                        len(self.findings)).format(name=self.name, met=self.met_count, total=len(self.findings))


@dataclass(frozen=True)
class ProvinceResult:
    code: str
    name: str
    municipalities: tuple[MunicipalityResult, ...]

    def _count(self, status: Status) -> int:
        return sum(municipality.status == status for municipality in self.municipalities)

    @property
    def good_count(self) -> int:
        return self._count(Status.GOOD)

    @property
    def partial_count(self) -> int:
        return self._count(Status.PARTIAL)

    @property
    def gap_count(self) -> int:
        return self._count(Status.GAP)


@dataclass(frozen=True)
class Evaluation:
    criteria: tuple[MinimumStandardCriterion, ...]
    provinces: tuple[ProvinceResult, ...]

    @property
    def municipalities(self) -> list[MunicipalityResult]:
        return [municipality for province in self.provinces for municipality in province.municipalities]

    def province(self, code: str) -> ProvinceResult | None:
        return next((province for province in self.provinces if province.code == code), None)

    def municipality(self, code: str) -> MunicipalityResult | None:
        return next((m for m in self.municipalities if m.code == code), None)

    @property
    def municipality_count(self) -> int:
        return sum(len(province.municipalities) for province in self.provinces)

    @property
    def good_count(self) -> int:
        return sum(province.good_count for province in self.provinces)

    @property
    def partial_count(self) -> int:
        return sum(province.partial_count for province in self.provinces)

    @property
    def gap_count(self) -> int:
        return sum(province.gap_count for province in self.provinces)


def active_criteria() -> list[MinimumStandardCriterion]:
    return list(MinimumStandardCriterion.objects.filter(is_active=True))


def all_criteria() -> list[MinimumStandardCriterion]:
    """Every norm, switched off ones too: what the administrator keeps."""
    return list(MinimumStandardCriterion.objects.all())


def criterion_by_id(criterion_id) -> MinimumStandardCriterion | None:
    return MinimumStandardCriterion.objects.filter(pk=criterion_id).first()


def evaluate_standard() -> Evaluation:
    """Every municipality, per province, measured against every active norm."""
    criteria = active_criteria()
    provinces = municipalities_by_province()
    norms, points, covering = _prepare(criteria)

    def findings_for(code: str) -> tuple[Finding, ...]:
        distances = _distances(code, points)
        return tuple(norm.finding(covering.get(code, set()), distances) for norm in norms)

    return Evaluation(criteria=tuple(criteria), provinces=tuple(
        ProvinceResult(code=code, name=name, municipalities=tuple(
            MunicipalityResult(code=municipality.code, name=municipality.name, province_code=code,
                               province_name=name, findings=findings_for(municipality.code))
            for municipality in members))
        for code, name, members in provinces))


@dataclass(frozen=True)
class _Norm:
    """A norm ready for measuring. Services are small numbers here: hashing UUIDs a few hundred thousand times
    would cost more than all the queries."""

    criterion: MinimumStandardCriterion
    names: dict[int, str]  # the matching services
    national: frozenset[int]  # those without a service area
    located: tuple[int, ...]  # those with a public point
    limit: float | None  # km; None: distance does not count

    def finding(self, covering: set[int], distances: dict[int, float]) -> Finding:
        """`covering`: the services whose area includes the municipality; `distances`: km to each service."""
        reaching = (self.names.keys() & covering) | self.national
        if self.limit is not None:
            reaching.update(service for service in self.located if distances.get(service, math.inf) <= self.limit)
        if not reaching:
            return Finding(criterion=self.criterion, met=False)
        nearest = min(reaching, key=lambda service: (distances.get(service, math.inf), self.names[service]))
        return Finding(criterion=self.criterion, met=True, service_name=self.names[nearest],
                       distance_km=distances.get(nearest))


def _prepare(criteria: list[MinimumStandardCriterion]
             ) -> tuple[list[_Norm], dict[int, list[tuple[float, float]]], dict[str, set[int]]]:
    """The norms, the public points of their services, and per municipality code the services whose area
    includes it; in three queries."""
    matching = _matching_services(criteria)
    number: dict[UUID, int] = {}
    for services in matching:
        for service_id in services:
            number.setdefault(service_id, len(number))
    points: dict[int, list[tuple[float, float]]] = {}
    covering: dict[str, set[int]] = defaultdict(set)
    with_area: set[int] = set()
    if number:
        points = {number[service_id]: service_points for service_id, service_points in public_points(
            Service.objects.filter(status=ServiceStatus.ACTIVE)).items() if service_id in number}
        for service_id, municipality_code in ServiceArea.objects.filter(
                service__status=ServiceStatus.ACTIVE).values_list("service_id", "municipality_id"):
            if service_id in number:
                covering[municipality_code].add(number[service_id])
                with_area.add(number[service_id])
    norms = []
    for criterion, services in zip(criteria, matching, strict=True):
        names = {number[service_id]: name for service_id, name in services.items()}
        norms.append(_Norm(
            criterion=criterion, names=names, national=frozenset(names.keys() - with_area),
            located=tuple(service for service in names if service in points),
            limit=criterion.max_distance_km if criterion.kind == CriterionKind.SERVICE_WITHIN_REACH else None))
    return norms, points, covering


def _services_for(criterion: MinimumStandardCriterion) -> QuerySet[Service]:
    """The active services that would meet the norm wherever they reach."""
    if criterion.kind == CriterionKind.CARE_COORDINATOR:
        return care_coordinators()
    return eligible_services(SearchFilters(
        service_types=tuple(criterion.service_types),
        audiences=(criterion.audience,) if criterion.audience else (),
        exploitation_forms=(criterion.exploitation_form,) if criterion.exploitation_form else (),
        age=criterion.age))


def _matching_services(criteria: list[MinimumStandardCriterion]) -> list[dict[UUID, str]]:
    """Per norm (in the order given), service id → name of the services that match it; one query."""
    matching: list[dict[UUID, str]] = [{} for _criterion in criteria]
    if not criteria:
        return matching
    first, *rest = (_services_for(criterion).annotate(norm=Value(number, output_field=IntegerField()))
                    .order_by().values_list("norm", "pk", "name") for number, criterion in enumerate(criteria))
    for number, service_id, name in first.union(*rest, all=True):
        matching[number][service_id] = name
    return matching


def _distances(municipality_code: str, located: dict[int, list[tuple[float, float]]]) -> dict[int, float]:
    """Service id → km from the municipality's representative point to the service's nearest public point."""
    point = geo.point_of(municipality_code)
    if point is None:
        return {}
    km_to = geo.haversine_km_from(point.latitude, point.longitude)
    return {service_id: min(km_to(latitude, longitude) for latitude, longitude in points)
            for service_id, points in located.items()}


# --- The standard in words ---------------------------------------------------------------------------------

_TERM_NAMES = {(vocabulary.name, term.code): term.name for vocabulary in VOCABULARIES for term in vocabulary.terms}


def term_name(taxonomy: str, code: str) -> str:
    return _TERM_NAMES.get((taxonomy, code), code)


def criterion_description(criterion: MinimumStandardCriterion) -> str:
    """What a norm asks, in Dutch: "Soort hulp: Opvang of Zorg; voor: Slachtoffers; ...; binnen 50 km, ..."."""
    if criterion.kind == CriterionKind.CARE_COORDINATOR:
        return _("Een zorgcoördinator mensenhandel met de gemeente in zijn werkgebied, of een landelijke")
    types = _(" of ").join(term_name(SERVICE_TYPE, code) for code in criterion.service_types)
    parts = [_("soort hulp: {types}").format(types=types)]
    if criterion.audience:
        parts.append(_("voor: {audience}").format(audience=term_name(AUDIENCE, criterion.audience)))
    if criterion.exploitation_form:
        parts.append(_("vorm van uitbuiting: {form}").format(
            form=term_name(EXPLOITATION_FORM, criterion.exploitation_form)))
    if criterion.age is not None:
        parts.append(_("iemand van {age} jaar valt binnen de leeftijdsgrenzen").format(age=criterion.age))
    parts.append(_("binnen {km} km, met de gemeente in het werkgebied, of landelijk").format(
        km=criterion.max_distance_km))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


# --- Export --------------------------------------------------------------------------------------------------

def export_rows(evaluation: Evaluation) -> list[list[str]]:
    """The table of the export: a header, then one row per municipality with each norm met (ja/nee) and the
    status."""
    header = [_("CBS-code"), _("Gemeente"), _("Provincie"), *(c.label for c in evaluation.criteria), _("Status")]
    rows = [header]
    for municipality in evaluation.municipalities:
        rows.append([municipality.code, municipality.name, municipality.province_name,
                     *(_("ja") if finding.met else _("nee") for finding in municipality.findings),
                     municipality.status_word])
    return rows
