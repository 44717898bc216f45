"""Checking and importing the rows of a filled-in spreadsheet template (keten.socialmap.spreadsheet): every row
checked, each bad one explained in Dutch, and the good ones written through the import's audited Writer."""

import re
import uuid
from dataclasses import dataclass, field

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.core.clock import now
from keten.regions.models import LayerKind, Municipality
from keten.regions.selectors import municipality_for_postcode, regions_for
from keten.socialmap import taxonomy as vocabularies
from keten.socialmap.importing import Checked, Progress, RowError, Writer, importable_organizations
from keten.socialmap.models import (
    Address,
    Language,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceStatus,
    TaxonomyTerm,
)
from keten.socialmap.selectors import resolve_place
from keten.socialmap.spreadsheet import (
    COLUMN_BY_KEY,
    COLUMNS,
    NO,
    POSTCODE,
    SERVICE_FIELDS,
    SHEET,
    UUID,
    YES,
    Column,
    fold,
    options,
    primary_location,
    primary_phone,
    read_rows,
    services_of,
)

# --- Checking rows ---------------------------------------------------------------------------------------------


@dataclass
class PlaceOfService:
    address_1: str
    postal_code: str
    city: str
    municipality: Municipality
    province: str
    confidential: bool


@dataclass
class ServiceRow:
    """A checked row: what the service should look like. Only the facts whose column is in the file are set."""

    row: int
    service: Service | None
    version: int | None
    organization: Organization
    fields: dict = field(default_factory=dict)
    terms: dict[str, set[TaxonomyTerm]] = field(default_factory=dict)
    languages: dict[str, str] | None = None
    place: PlaceOfService | None = None
    phone: str = ""


class RowChecker:
    """Checks rows against the vocabularies and what the actor may change, with lookups cached per file."""

    def __init__(self, actor: Actor, keys: list[str | None], rows: list[tuple[int, dict[str, str]]]):
        self.actor = actor
        self.present = {key for key in keys if key}
        self.organizations = list(importable_organizations(actor))
        wanted_ids = {values.get("service_id", "") for _row, values in rows}
        wanted_ids = [text for text in wanted_ids if UUID.match(text)]
        self.services = {str(service.pk): service for service in services_of(actor).filter(pk__in=wanted_ids)}
        self.terms = {}
        for term in TaxonomyTerm.objects.select_related("taxonomy"):
            self.terms[term.taxonomy.name, fold(term.name)] = term
            self.terms[term.taxonomy.name, fold(term.code)] = term
        self.languages = {}
        for code, name in COLUMN_BY_KEY["languages"].choices:
            self.languages[fold(code)] = self.languages[fold(name)] = (code, name)
        self.places: dict[str, tuple[Municipality | None, str]] = {}
        self.seen_ids: set[str] = set()

    def check(self, row: int, values: dict[str, str]) -> tuple[ServiceRow | None, list[RowError]]:
        errors: list[RowError] = []

        def fail(key: str, message) -> None:
            errors.append(RowError(sheet=SHEET, row=row, column=COLUMN_BY_KEY[key].header, message=str(message)))

        service, version = self._existing(values, fail)
        organization = self._organization(values.get("organization", ""), service, fail)
        checked = ServiceRow(row=row, service=service, version=version, organization=organization)
        for key in SERVICE_FIELDS:
            if key in self.present:
                try:
                    checked.fields[key] = self._field(key, values.get(key, ""))
                except ValidationError as error:
                    fail(key, " ".join(error.messages))
        self._check_bands(checked.fields, fail)
        for column in COLUMNS:
            if column.vocabulary and column.key in self.present:
                checked.terms[column.vocabulary] = self._terms(column, values.get(column.key, ""), fail)
        if service is None and not checked.terms.get(vocabularies.SERVICE_TYPE):
            fail("service_types", _("Vul ten minste één soort hulp in."))
        if "languages" in self.present:
            checked.languages = self._languages(values.get("languages", ""), fail)
        checked.place = self._place(values, fail)
        if phone := values.get("phone", ""):
            checked.phone = self._phone(phone, fail)
        return (None if errors else checked), errors

    def _existing(self, values, fail) -> tuple[Service | None, int | None]:
        service_id, version_text = values.get("service_id", ""), values.get("version", "")
        if not service_id:
            return None, None
        service_id = str(uuid.UUID(service_id)) if UUID.match(service_id) else service_id
        service = self.services.get(service_id)
        if service is None:
            fail("service_id", _("Onbekende dienst, of een dienst die uw organisatie niet beheert. Laat Keten-id "
                                 "leeg voor een nieuwe dienst."))
            return None, None
        if service_id in self.seen_ids:
            fail("service_id", _("Deze dienst staat al in een eerdere rij."))
        self.seen_ids.add(service_id)
        if not version_text.isdigit():
            fail("version", _("Vul de versie in zoals die in het sjabloon stond."))
            return service, None
        version = int(version_text)
        if version != service.version:
            fail("version", _("Deze dienst is gewijzigd nadat het sjabloon is gedownload (versie {old}, nu {new}). "
                              "Download een nieuw sjabloon en breng uw wijziging daarin aan.").format(
                old=version, new=service.version))
        return service, version

    def _organization(self, name: str, service: Service | None, fail) -> Organization | None:
        if service is not None:
            if name and fold(name) != fold(service.organization.name):
                fail("organization", _("Een bestaande dienst kan niet naar een andere organisatie. Laat de "
                                       "organisatie staan zoals die was."))
            return service.organization
        if not name:
            if len(self.organizations) == 1:
                return self.organizations[0]
            fail("organization", _("Vul de organisatie in die de dienst biedt.") if self.organizations else
                 _("Uw organisatie staat nog niet op de sociale kaart; importeer eerst een HSDS-datapakket of "
                   "vraag een landelijk beheerder."))
            return None
        matches = [o for o in self.organizations if fold(o.name) == fold(name)]
        if len(matches) != 1:
            fail("organization", _("Onbekende organisatie, of een organisatie die u niet beheert.") if not matches
                 else _("Er zijn meerdere organisaties met deze naam."))
            return None
        return matches[0]

    def _field(self, key: str, text: str):
        if key == "status":
            return self._choice(key, text) or ServiceStatus.ACTIVE
        if key == "capacity_unit":
            return self._choice(key, text)
        if column_range := COLUMN_BY_KEY[key].whole_number:
            return forms.IntegerField(min_value=column_range[0], max_value=column_range[1],
                                      required=False).clean(text)
        if key == "email":
            return forms.EmailField(required=False).clean(text)
        if key == "url":
            return forms.URLField(required=False, assume_scheme="https", max_length=200).clean(text)
        model_field = Service._meta.get_field(key)
        return forms.CharField(required=not model_field.blank, max_length=model_field.max_length).clean(text)

    def _choice(self, key: str, text: str) -> str:
        if not text:
            return ""
        for value, label in COLUMN_BY_KEY[key].choices:
            if fold(text) in (fold(value), fold(label)):
                return value
        raise ValidationError(_("Kies een waarde uit de lijst."))

    def _check_bands(self, fields: dict, fail) -> None:
        low, high = fields.get("minimum_age"), fields.get("maximum_age")
        if low is not None and high is not None and low > high:
            fail("maximum_age", _("De leeftijd tot is lager dan de leeftijd van."))
        total, available = fields.get("capacity_total"), fields.get("capacity_available")
        if total is not None and available is not None and available > total:
            fail("capacity_available", _("Er kunnen niet meer plekken vrij zijn dan er in totaal zijn."))

    def _terms(self, column: Column, text: str, fail) -> set[TaxonomyTerm]:
        parts = [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]
        if len(parts) > 1 and not column.multiple:
            fail(column.key, _("Kies één waarde."))
        terms = set()
        for part in parts:
            term = self.terms.get((column.vocabulary, fold(part)))
            if term is None:
                fail(column.key, _("‘{value}’ staat niet in de lijst. Kies uit: {values}.").format(
                    value=part[:60], values=", ".join(options(column))))
            else:
                terms.add(term)
        return terms

    def _languages(self, text: str, fail) -> dict[str, str]:
        found = {}
        for part in (p.strip() for p in re.split(r"[;,\n]", text) if p.strip()):
            if fold(part) in self.languages:
                code, name = self.languages[fold(part)]
                found[code] = name
            else:
                fail("languages", _("‘{value}’ is geen taal uit de lijst.").format(value=part[:40]))
        return found

    def _place(self, values: dict[str, str], fail) -> PlaceOfService | None:
        """The address where the service is offered; None (no change) when the address cells are empty."""
        address_1, postcode = values.get("address_1", ""), values.get("postal_code", "")
        if not (address_1 or postcode):
            return None
        if not address_1:
            fail("address_1", _("Vul straat en huisnummer in, of laat ook de postcode leeg."))
        match = POSTCODE.match(postcode)
        if not match:
            fail("postal_code", _("Vul een Nederlandse postcode in, zoals 1011 AB."))
            return None
        municipality, province = self._municipality(values.get("municipality", ""), match.group(1))
        if municipality is None:
            fail("municipality" if values.get("municipality") else "postal_code",
                 _("De gemeente is niet te bepalen; vul de naam of CBS-code van de gemeente in."))
            return None
        confidential = fold(values.get("confidential", ""))
        if confidential not in ("", YES, NO):
            fail("confidential", _("Vul ja of nee in."))
        if len(address_1) > Address._meta.get_field("address_1").max_length:
            fail("address_1", _("Het adres is te lang."))
        return PlaceOfService(address_1=address_1, postal_code=(match.group(1) + match.group(2)).upper(),
                              city=values.get("city", "")[:100] or municipality.name, municipality=municipality,
                              province=province, confidential=confidential == YES)

    def _municipality(self, text: str, pc4: str) -> tuple[Municipality | None, str]:
        key = text or pc4
        if key not in self.places:
            if text:
                place = resolve_place(text)
                municipality = place.municipality if place else None
            else:
                municipality = municipality_for_postcode(pc4)
            province = regions_for(municipality).get(LayerKind.PROVINCE) if municipality else None
            self.places[key] = (municipality, province.name if province else "")
        return self.places[key]

    def _phone(self, text: str, fail) -> str:
        try:
            valid = phonenumbers.is_possible_number(phonenumbers.parse(text, "NL"))
        except phonenumbers.NumberParseException:
            valid = False
        if not valid or len(text) > Phone._meta.get_field("number").max_length:
            fail("phone", _("Geen geldig telefoonnummer."))
        return text


def check(actor: Actor, content: bytes, progress: Progress) -> Checked:
    keys, rows = read_rows(content)
    progress.start(len(rows))
    checker = RowChecker(actor, keys, rows)
    checked = Checked(rows_total=len(rows), plan=[], partial=True)
    for row, values in rows:
        service_row, errors = checker.check(row, values)
        checked.errors += errors
        if service_row is not None:
            checked.plan.append(service_row)
        progress.step()
    return checked


# --- Importing checked rows ------------------------------------------------------------------------------------


def apply(checked: Checked, writer: Writer) -> None:
    """Write every checked row (the bad ones never made it into the plan)."""
    for row in checked.plan:
        if row.service is None:
            _create(row, writer)
        else:
            _update(row, writer)


def _create(row: ServiceRow, writer: Writer) -> None:
    moment = now()
    fields = {**row.fields, "status": row.fields.get("status") or ServiceStatus.ACTIVE}
    if any(fields.get(key) is not None for key in ("capacity_total", "capacity_available")):
        fields["capacity_updated_at"] = moment
    service = writer.create(Service, organization=row.organization, last_verified_at=moment,
                            last_verified_by=writer.actor.user, **fields)
    for terms in row.terms.values():
        for term in sorted(terms, key=lambda t: t.code):
            writer.create(ServiceAttribute, service=service, taxonomy_term=term)
    for code, name in sorted((row.languages or {}).items()):
        writer.create(Language, service=service, code=code, name=name)
    if row.place:
        writer.create(ServiceAtLocation, service=service, location=_location(row.organization, row.place, writer))
    if row.phone:
        writer.create(Phone, service=service, number=row.phone)


def _update(row: ServiceRow, writer: Writer) -> None:
    service = row.service
    attributes = {a.taxonomy_term_id: a for a in service.attributes.all()}
    term_changes = []  # (attribute to remove | None, term to add | None)
    for vocabulary, wanted in row.terms.items():
        current = {a.taxonomy_term for a in attributes.values() if a.taxonomy_term.taxonomy.name == vocabulary}
        term_changes += [(attributes[term.pk], None) for term in current - wanted]
        term_changes += [(None, term) for term in wanted - current]
    languages = {lang.code: lang for lang in service.languages.all()}
    language_changes = [] if row.languages is None else (
        [(languages[code], None) for code in languages.keys() - row.languages.keys()]
        + [(None, (code, row.languages[code])) for code in sorted(row.languages.keys() - languages.keys())])
    location = primary_location(service)
    move = row.place is not None and not _is_at(location, row.place)
    phone = primary_phone(service)
    phone_change = bool(row.phone) and (phone is None or phone.number != row.phone)
    fields_change = any(getattr(service, key) != value for key, value in row.fields.items())
    if not (fields_change or term_changes or language_changes or move or phone_change):
        return  # nothing differs: the service is left alone (and keeps its version)
    moment = now()
    values = {**row.fields, "last_verified_at": moment, "last_verified_by_id": writer.actor.user.pk}
    if any(key in row.fields and row.fields[key] != getattr(service, key)
           for key in ("capacity_total", "capacity_available")):
        values["capacity_updated_at"] = moment
    writer.update(service, values, expected_version=row.version)
    for attribute, term in term_changes:
        if attribute is not None:
            writer.delete(attribute)
        else:
            writer.create(ServiceAttribute, service=service, taxonomy_term=term)
    for language, new in language_changes:
        if language is not None:
            writer.delete(language)
        else:
            writer.create(Language, service=service, code=new[0], name=new[1])
    if move:
        _move(service, location, _location(service.organization, row.place, writer), writer)
    if phone_change:
        if phone is None:
            writer.create(Phone, service=service, number=row.phone)
        else:
            writer.update(phone, {"number": row.phone})


def _is_at(location: Location | None, place: PlaceOfService) -> bool:
    if location is None or location.is_confidential != place.confidential:
        return False
    return any(fold(a.address_1) == fold(place.address_1) and a.postal_code.upper() == place.postal_code
               for a in location.addresses.all())


def _location(organization: Organization, place: PlaceOfService, writer: Writer) -> Location:
    """The organisation's location at this address (with the same secrecy), made if it has none yet."""
    for location in Location.objects.filter(organization=organization, is_confidential=place.confidential,
                                            addresses__postal_code=place.postal_code).prefetch_related("addresses"):
        if _is_at(location, place):
            return location
    location = writer.create(Location, organization=organization, municipality=place.municipality,
                             name=f"{organization.name}, {place.city}", is_confidential=place.confidential)
    writer.create(Address, location=location, address_1=place.address_1, postal_code=place.postal_code,
                  city=place.city, state_province=place.province)
    return location


def _move(service: Service, old: Location | None, new: Location, writer: Writer) -> None:
    """Offer the service at `new` instead of its primary location (its other locations stay)."""
    links = list(service.service_at_locations.all())
    if any(link.location_id == new.pk for link in links):
        return
    current = next((link for link in links if old is not None and link.location_id == old.pk), None)
    if current is None:
        writer.create(ServiceAtLocation, service=service, location=new)
    else:
        writer.update(current, {"location_id": new.pk})
