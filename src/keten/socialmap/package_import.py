"""Importing an HSDS 3.0 tabular data package (keten.socialmap.datapackage) for the organisations the
administrator keeps: creates or updates by id organisations, locations, addresses, services, services at
locations, phones, schedules, service areas, languages, funding and attributes. Rules:
- every row is checked first, and the package is imported whole or not at all;
- a service whose last_modified is older than Keten's copy was changed after the export: refused;
- the attributes in the package are a service's complete set of facts (others are removed), and its capacity
  attributes its capacity; other records are only created or updated;
- a location's municipality follows from its address (postcode or place) or its coordinates; a service
  area's from its uri (urn:cbs:gemeente:GM0363), extent or name;
- a link of a service to a confidential location is kept as it is: the public package shows the intake point
  in its place, and cannot speak for the shelter;
- columns of HSDS that Keten does not store (tax_id, transportation, ...) are read and not kept.
"""

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keten.accounts.actor import Actor
from keten.core.clock import now
from keten.regions.selectors import municipality_for_postcode
from keten.socialmap import geo, hsds
from keten.socialmap.datapackage import IMPORTED, Record, read_package
from keten.socialmap.importing import Checked, Progress, RowError, Writer, importable_organizations
from keten.socialmap.models import (
    Address,
    CapacityUnit,
    Funding,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    TaxonomyTerm,
)
from keten.socialmap.selectors import resolve_place

# --- Checking a package ----------------------------------------------------------------------------------------

#: Per imported resource: its model, and the columns stored as they are (named as the model's attributes).
STORED = {
    "organization": (Organization, ("name", "alternate_name", "description", "email", "website")),
    "location": (Location, ("organization_id", "location_type", "name", "description", "latitude", "longitude")),
    "address": (Address, ("location_id", "address_1", "city", "state_province", "postal_code", "country",
                          "address_type")),
    "service": (Service, ("organization_id", "name", "alternate_name", "description", "url", "email", "status",
                          "eligibility_description", "minimum_age", "maximum_age")),
    "service_at_location": (ServiceAtLocation, ("service_id", "location_id", "description")),
    "phone": (Phone, ("organization_id", "service_id", "location_id", "number", "type", "description")),
    "schedule": (Schedule, ("service_id", "location_id", "freq", "byday", "opens_at", "closes_at", "description")),
    "service_area": (ServiceArea, ("service_id",)),
    "language": (Language, ("service_id", "code", "name")),
    "funding": (Funding, ("service_id", "source")),
    "attribute": (ServiceAttribute, ()),
}
#: Per resource: the columns that point at a record (and at which resource), and which of them must be given.
LINKS = {
    "location": {"organization_id": "organization"},
    "address": {"location_id": "location"},
    "service": {"organization_id": "organization"},
    "service_at_location": {"service_id": "service", "location_id": "location"},
    "phone": {"organization_id": "organization", "service_id": "service", "location_id": "location"},
    "schedule": {"service_id": "service", "location_id": "location"},
    "service_area": {"service_id": "service"},
    "language": {"service_id": "service"},
    "funding": {"service_id": "service"},
    "attribute": {"link_id": "service"},
}
REQUIRED_LINKS = {"location": ["organization_id"], "address": ["location_id"], "service": ["organization_id"],
                  "service_at_location": ["service_id", "location_id"], "service_area": ["service_id"],
                  "language": ["service_id"], "funding": ["service_id"], "attribute": ["link_id"]}
#: What a link points at, as the error messages name it.
TARGET_NAMES = {"organization": gettext_lazy("organisatie"), "location": gettext_lazy("locatie"),
                "service": gettext_lazy("dienst")}
#: Per resource: where the organisation of an existing row is found (the first that is set).
OWNER_PATHS = {
    "organization": ("id",), "location": ("organization_id",), "service": ("organization_id",),
    "address": ("location__organization_id",), "service_at_location": ("service__organization_id",),
    "phone": ("organization_id", "service__organization_id", "location__organization_id"),
    "schedule": ("service__organization_id", "location__organization_id"),
    "service_area": ("service__organization_id",), "language": ("service__organization_id",),
    "funding": ("service__organization_id",), "attribute": ("service__organization_id",),
}
#: Capacity attribute (term code of the keten-capacity pseudo-taxonomy) → service field.
CAPACITY_FIELDS = {"unit": "capacity_unit", "maximum": "capacity_total", "available": "capacity_available",
                   "updated": "capacity_updated_at"}
MUNICIPALITY_CODE = re.compile(r"GM\d{4}", re.IGNORECASE)
BYDAY = re.compile(r"^((MO|TU|WE|TH|FR|SA|SU),)*(MO|TU|WE|TH|FR|SA|SU)$")


@dataclass
class Write:
    """One record to create (existing None) or update, with the values it gets."""

    resource: str
    id: uuid.UUID
    values: dict
    existing: object = None


@dataclass
class Plan:
    writes: list[Write] = field(default_factory=list)
    removals: list[ServiceAttribute] = field(default_factory=list)


class PackageChecker:
    """Checks a read package against Keten's rules and what the actor may change, and plans the writes."""

    def __init__(self, actor: Actor, tables: dict[str, list[Record]], progress: Progress):
        self.actor, self.tables, self.progress = actor, tables, progress
        self.errors: list[RowError] = []
        self.plan = Plan()
        self.records = {name: {r.id: r for r in tables.get(name, []) if r.id} for name in IMPORTED}
        self.existing = {name: STORED[name][0].objects.in_bulk(list(self.records[name])) for name in IMPORTED}
        self.my_organizations = set(importable_organizations(actor).values_list("id", flat=True))
        self.owners = self._owners()
        self.terms = TaxonomyTerm.objects.select_related("taxonomy").in_bulk()
        self.terms_by_code = {(t.taxonomy.name, t.code): t for t in self.terms.values()}
        self.package_terms = {r.id: r for r in tables.get("taxonomy_term", []) if r.id}
        self.first_address = {}
        for address in tables.get("address", []):
            self.first_address.setdefault(address.values.get("location_id"), address)
        self.municipalities: dict[tuple[str, str], str | None] = {}

    def fail(self, record: Record, column: str, message) -> None:
        self.errors.append(RowError(record.path, record.row, column, str(message)))

    # -- who owns what

    def _owners(self) -> dict[tuple[str, uuid.UUID], uuid.UUID | None]:
        """(resource, id) → organisation, for every record of the package and every existing record it names."""
        owners = {}
        referenced = defaultdict(set)
        for name, links in LINKS.items():
            for record in self.records[name].values():
                for column, target in links.items():
                    if record.values.get(column):
                        referenced[target].add(record.values[column])
        for name in IMPORTED:  # what the rows are in Keten now
            ids = list(self.existing[name])
            for pk, *candidates in STORED[name][0].objects.filter(pk__in=ids).values_list("pk", *OWNER_PATHS[name]):
                owners["current", pk] = next((c for c in candidates if c), None)
        for target, model in (("organization", Organization), ("location", Location), ("service", Service)):
            for pk, *candidates in model.objects.filter(pk__in=referenced[target]).values_list(
                    "pk", *OWNER_PATHS[target]):
                owners[target, pk] = candidates[0]
        for pk in self.records["organization"]:
            owners["organization", pk] = pk
        for name in ("location", "service"):
            for pk, record in self.records[name].items():
                organization = record.values.get("organization_id")
                owners[name, pk] = organization or owners.get(("current", pk))
        return owners

    def may_import_for(self, organization_id) -> bool:
        new = organization_id in self.records["organization"] and organization_id not in self.existing["organization"]
        return self.actor.is_national or organization_id in self.my_organizations or new

    def _owner_of(self, name: str, record: Record) -> uuid.UUID | None:
        """The organisation the record belongs to through its links, after checking they agree and exist."""
        if name == "organization":
            return record.id
        owners = set()
        for column, target in LINKS[name].items():
            if (pk := record.values.get(column)) is None:
                continue
            if (target, pk) not in self.owners:
                self.fail(record, column, _("Verwijst naar een {target} die niet in het pakket en niet in Keten "
                                            "staat.").format(target=TARGET_NAMES[target]))
                return None
            owners.add(self.owners[target, pk])
        if len(owners) > 1:
            self.fail(record, "", _("De koppelingen van deze regel horen bij verschillende organisaties."))
            return None
        owner = owners.pop() if owners else self.owners.get(("current", record.id))
        if owner is None:
            self.fail(record, "id", _("Niet te bepalen bij welke organisatie deze regel hoort."))
        return owner

    # -- the check

    def check(self) -> Checked:
        rows_total = sum(len(self.tables.get(name, [])) for name in IMPORTED)
        self.progress.start(rows_total)
        attribute_plan = self._attributes()
        for name in IMPORTED:
            for record in self.tables.get(name, []):
                self._check_record(name, record, attribute_plan)
                self.progress.step()
        return Checked(rows_total=rows_total, errors=self.errors, plan=self.plan)

    def _check_record(self, name: str, record: Record, attribute_plan: dict) -> None:
        if record.id is None:
            return  # the missing id was reported when the file was read
        for column in REQUIRED_LINKS.get(name, ()):
            if column in record.values and record.values[column] is None:
                self.fail(record, column, _("Dit veld is verplicht in Keten."))
                return
        existing = self.existing[name].get(record.id)
        if existing is None and any(record.values.get(c) is None for c in REQUIRED_LINKS.get(name, ())):
            self.fail(record, REQUIRED_LINKS[name][0], _("Dit veld is verplicht in Keten."))
            return
        if name in ("phone", "schedule") and not any(record.values.get(c) for c in LINKS[name]) and not existing:
            self.fail(record, "", _("Koppel deze regel aan een dienst of locatie."))
            return
        owner = self._owner_of(name, record)
        if owner is None:
            return  # _owner_of said why
        current = self.owners.get(("current", record.id)) if existing is not None else owner
        if not (self.may_import_for(owner) and self.may_import_for(current)):
            self.fail(record, "id", _("Hoort bij een organisatie die u niet beheert; u importeert alleen voor "
                                      "{organisation}.").format(organisation=self.actor.organisation))
            return
        if name == "attribute":
            return  # planned with the attributes of its service
        values = self._stored_values(name, record)
        if values is None:
            return
        special = getattr(self, f"_check_{name}", None)
        if special is not None and special(record, values, existing, attribute_plan) is False:
            return
        self.plan.writes.append(Write(name, record.id, values, existing))

    def _stored_values(self, name: str, record: Record) -> dict | None:
        model, columns = STORED[name]
        values, ok = {}, True
        for column in columns:
            if column not in record.values:
                continue  # a column the file leaves out changes nothing
            value = record.values[column]
            if column.endswith("_id"):
                values[column] = value
                continue
            model_field = model._meta.get_field(column)
            try:
                values[column] = self._clean(model_field, value)
            except ValidationError as error:
                self.fail(record, column, " ".join(error.messages))
                ok = False
        return values if ok else None

    @staticmethod
    def _clean(model_field, value):
        if value is None:
            if model_field.null:
                return None
            if model_field.has_default():
                return model_field.get_default()
            value = ""
        if isinstance(value, Decimal):
            if model_field.get_internal_type() == "DecimalField":
                value = value.quantize(Decimal(1).scaleb(-model_field.decimal_places))
            elif value != value.to_integral_value():
                raise ValidationError(_("Vul een heel getal in."))
            else:
                value = int(value)
        if model_field.name == "postal_code":
            value = value.replace(" ", "").upper()
        return model_field.clean(value, None)

    def _check_location(self, record: Record, values: dict, existing, _plan) -> bool:
        municipality = self._municipality_of_location(record, values)
        if municipality is None and existing is None:
            self.fail(record, "id", _("De gemeente van deze locatie is niet te bepalen: geef een adres met postcode "
                                      "of plaats, of coördinaten."))
            return False
        if municipality is not None:
            values["municipality_id"] = municipality
        return True

    def _municipality_of_location(self, record: Record, values: dict) -> str | None:
        if (address := self.first_address.get(record.id)) is not None:
            key = (address.values.get("postal_code") or "", address.values.get("city") or "")
            if key not in self.municipalities:
                municipality = municipality_for_postcode(key[0])
                if municipality is None and (place := resolve_place(key[1])) is not None:
                    municipality = place.municipality
                self.municipalities[key] = municipality.code if municipality else None
            if self.municipalities[key]:
                return self.municipalities[key]
        if values.get("latitude") is not None and values.get("longitude") is not None:
            return geo.nearest_municipality_code(float(values["latitude"]), float(values["longitude"]))
        return None

    def _check_service(self, record: Record, values: dict, existing, attribute_plan) -> bool:
        low, high = values.get("minimum_age"), values.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.fail(record, "maximum_age", _("De maximumleeftijd is lager dan de minimumleeftijd."))
            return False
        exported = record.values.get("last_modified")
        if existing is not None and exported is not None and existing.updated_at - exported >= timedelta(
                milliseconds=1):
            self.fail(record, "last_modified", _("Deze dienst is in Keten gewijzigd na de export van dit pakket. "
                                                 "Exporteer opnieuw en breng uw wijziging daarin aan."))
            return False
        capacity = attribute_plan["capacity"].get(record.id, {})
        values.update({service_field: capacity.get(code) if code != "unit" else capacity.get(code, "")
                       for code, service_field in CAPACITY_FIELDS.items()})
        updated = values["capacity_updated_at"]
        if existing is not None and updated and existing.capacity_updated_at and abs(
                existing.capacity_updated_at - updated) < timedelta(milliseconds=1):
            values["capacity_updated_at"] = existing.capacity_updated_at  # published to the millisecond
        if values["capacity_total"] is not None and (values["capacity_available"] or 0) > values["capacity_total"]:
            self.fail(record, "id", _("Er kunnen niet meer plekken vrij zijn dan er in totaal zijn."))
            return False
        changed = existing is None or record.id in attribute_plan["changed"] or any(
            getattr(existing, key) != value for key, value in values.items())
        if changed:
            if values["capacity_updated_at"] is None and values["capacity_total"] is not None:
                values["capacity_updated_at"] = now()
            values.update(last_verified_at=now(), last_verified_by_id=self.actor.user.pk)
        return True

    def _check_service_at_location(self, record: Record, values: dict, existing, _plan) -> bool:
        if existing is not None and existing.location.is_confidential:
            return False  # the public package shows the intake point here; the shelter link stays
        service, location = values.get("service_id"), values.get("location_id")
        if existing is None and (existing := ServiceAtLocation.objects.filter(
                service_id=service, location_id=location).first()) is not None:
            self.plan.writes.append(Write("service_at_location", existing.pk, values, existing))
            return False
        return True

    def _check_schedule(self, record: Record, values: dict, existing, _plan) -> bool:
        if values.get("byday") and not BYDAY.match(values["byday"]):
            self.fail(record, "byday", _("Gebruik dagcodes gescheiden door komma's, zoals MO,TU,WE."))
            return False
        return True

    def _check_service_area(self, record: Record, values: dict, existing, _plan) -> bool:
        code = self._municipality_of_area(record)
        if code is None:
            self.fail(record, "uri", _("Onbekende gemeente: gebruik urn:cbs:gemeente:GM0363, of de naam van de "
                                       "gemeente."))
            return False
        values["municipality_id"] = code
        if existing is None and (existing := ServiceArea.objects.filter(
                service_id=values["service_id"], municipality_id=code).first()) is not None:
            self.plan.writes.append(Write("service_area", existing.pk, values, existing))
            return False
        return True

    def _municipality_of_area(self, record: Record) -> str | None:
        for text_ in (record.values.get("uri"), record.values.get("extent")):
            if text_ and (match := MUNICIPALITY_CODE.search(text_)):
                place = resolve_place(match.group(0).upper())
                if place and place.municipality:
                    return place.municipality.code
        place = resolve_place(record.values.get("name") or "")
        return place.municipality.code if place and place.municipality else None

    # -- attributes

    def _term_of(self, term_id: uuid.UUID):
        """A Keten term, a capacity pseudo-term, or None: by id, or by the package's taxonomy and code."""
        if term_id in hsds.VIRTUAL_TERMS_BY_ID:
            return hsds.VIRTUAL_TERMS_BY_ID[term_id]
        term = self.terms.get(term_id)
        if term is None and (row := self.package_terms.get(term_id)) is not None:
            key = (row.values.get("taxonomy") or "", row.values.get("code") or "")
            if key[0] == hsds.CAPACITY_TAXONOMY_NAME:
                return hsds.CAPACITY_TERMS.get(key[1])
            term = self.terms_by_code.get(key)
        return term

    def _attributes(self) -> dict:
        """Check the attributes and plan them per service: Keten terms to keep, add or remove, and capacity."""
        capacity, wanted, changed = defaultdict(dict), defaultdict(dict), set()
        for record in self.tables.get("attribute", []):
            service_id, term_id = record.values.get("link_id"), record.values.get("taxonomy_term_id")
            if service_id is None or term_id is None:
                continue
            if record.values.get("link_entity") != "service":
                self.fail(record, "link_entity", _("Keten kent attributen alleen bij een dienst (service)."))
                continue
            term = self._term_of(term_id)
            value = record.values.get("value") or ""
            if term is None:
                self.fail(record, "taxonomy_term_id", _("Onbekende term; Keten kent alleen zijn eigen "
                                                        "vocabulaires (zie taxonomy_terms.csv van de export)."))
            elif isinstance(term, hsds.VirtualTerm):
                if service_id not in self.records["service"]:
                    self.fail(record, "link_id", _("Capaciteit kan alleen samen met de dienst in services.csv."))
                elif (parsed := self._capacity_value(record, term.code, value)) is not False:
                    capacity[service_id][term.code] = parsed
            elif term.pk in wanted[service_id]:
                self.fail(record, "taxonomy_term_id", _("Deze term staat al bij deze dienst."))
            elif len(value) > ServiceAttribute._meta.get_field("value").max_length:
                self.fail(record, "value", _("De waarde is te lang."))
            else:
                wanted[service_id][term.pk] = (record, value)
        current = defaultdict(dict)
        for attribute in ServiceAttribute.objects.filter(service_id__in=list(wanted) + list(self.records["service"])):
            current[attribute.service_id][attribute.taxonomy_term_id] = attribute
        for service_id, terms in wanted.items():
            for term_id, (record, value) in terms.items():
                existing = self.existing["attribute"].get(record.id) or current[service_id].get(term_id)
                values = {"service_id": service_id, "taxonomy_term_id": term_id, "value": value}
                if existing is None or any(getattr(existing, k) != v for k, v in values.items()):
                    changed.add(service_id)
                self.plan.writes.append(Write("attribute", existing.pk if existing else record.id, values, existing))
        for service_id in self.records["service"]:  # the package holds the service's complete set of facts
            for term_id, attribute in current[service_id].items():
                if term_id not in wanted[service_id]:
                    self.plan.removals.append(attribute)
                    changed.add(service_id)
        return {"capacity": capacity, "changed": changed}

    def _capacity_value(self, record: Record, code: str, value: str):
        try:
            if code == "unit":
                if value not in CapacityUnit.values:
                    raise ValueError
                return value
            if code == "updated":
                moment = parse_datetime(value)
                if moment is None:
                    raise ValueError
                return moment
            if not value.isdigit():
                raise ValueError
            return int(value)
        except ValueError:
            self.fail(record, "value", {"unit": _("Kies uit: {values}.").format(values=", ".join(CapacityUnit.values)),
                                        "updated": _("Geen datum en tijd (ISO 8601).")}.get(
                code, _("Vul een heel getal van 0 of meer in.")))
            return False


def check(actor: Actor, content: bytes, progress: Progress) -> Checked:
    tables, errors = read_package(content)
    if errors:
        return Checked(rows_total=sum(len(records) for records in tables.values()), errors=errors)
    return PackageChecker(actor, tables, progress).check()


def apply(checked: Checked, writer: Writer) -> None:
    """Write the plan: parents before what points at them, then remove the facts the package left out."""
    plan: Plan = checked.plan
    order = {name: index for index, name in enumerate(IMPORTED)}
    maintainer = None if writer.actor.is_national else writer.actor.organisation
    for write in sorted(plan.writes, key=lambda w: order[w.resource]):
        if write.existing is not None:
            writer.update(write.existing, write.values)
        else:
            extra = {"maintainer": maintainer} if write.resource == "organization" else {}
            writer.create(STORED[write.resource][0], id=write.id, **write.values, **extra)
    for attribute in plan.removals:
        writer.delete(attribute)
