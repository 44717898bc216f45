"""Reads of the kennisbank. No personal data here: definitions, profiles and the chain per region are public.

The definitions are one list from three places: the kennisbank's own records, the forms of exploitation of the
intake catalogue and the legal bases of the privacy core; the last two are read where they are kept, never copied.
A region's page is computed from the region layers and the social map ("Wie bel ik?"), so it cannot contradict
them; only what neither holds comes from the region notes."""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from keten.intake.catalogue import exploitation_forms
from keten.intake.models import RoutingAction
from keten.intake.selectors import ThemeGroup, indicator_catalogue
from keten.knowledge.links import ROUTING_PROFILES
from keten.knowledge.models import Definition, OrganisationProfile, RegionNote, Reviewed, RoleProfile
from keten.policy.bases import LEGAL_BASES, LegalBasis
from keten.regions.models import LayerKind, Municipality, Region
from keten.regions.selectors import regions_for, sort_key
from keten.socialmap.models import Service, ServiceArea
from keten.socialmap.selectors import (
    CARE_COORDINATOR,
    COMENSHA,
    POLICE_AVIM,
    VEILIG_THUIS,
    ChainContact,
    SearchFilters,
    WhoToCall,
    capacity_text,
    care_coordinators,
    eligible_services,
    who_to_call,
)

ROLE_CODE = "zorgcoordinator"

# --- Definitions -----------------------------------------------------------------------------------------------


class TermKind:
    DEFINITION = "definition"  # the kennisbank's own record
    FORM = "form"              # a form of exploitation of the intake catalogue
    BASIS = "basis"            # a legal basis of the privacy core


@dataclass(frozen=True)
class Term:
    """A term as the kennisbank shows it, whichever place keeps it. `record` is the kennisbank's own record (with
    its review dates and history); None for a term read from the intake catalogue or the privacy core."""

    slug: str
    term: str
    summary: str
    body: str
    legal_reference: str
    source: str
    kind: str
    record: Definition | None = None

    @property
    def paragraphs(self) -> list[str]:
        return lines(self.body)


def lines(text: str) -> list[str]:
    """A stored text as its items or paragraphs: one per non-empty line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _own_term(definition: Definition) -> Term:
    return Term(slug=definition.slug, term=definition.text("term"), summary=definition.text("summary"),
                body=definition.text("body"), legal_reference=definition.legal_reference, source=definition.source,
                kind=TermKind.DEFINITION, record=definition)


def _form_terms() -> list[Term]:
    return [Term(slug=slugify(form.label_nl), term=(form.label_en if _english() else form.label_nl).capitalize(),
                 summary=form.definition, body="", legal_reference=form.legal_reference,
                 source=_("Indicatorencatalogus van Keten: vormen van uitbuiting (art. 273f Sr)"), kind=TermKind.FORM)
            for form in exploitation_forms().values()]


def basis_slug(code: str) -> str:
    return "grondslag-" + code.replace("_", "-")


def _basis_term(basis: LegalBasis) -> Term:
    return Term(slug=basis_slug(basis.code), term=str(basis.citation), summary=str(basis.explanation), body="",
                legal_reference=str(basis.citation), source=_("Privacykern van Keten: de grondslagen voor delen"),
                kind=TermKind.BASIS)


def _english() -> bool:
    return (get_language() or "nl").startswith("en")


def terms() -> list[Term]:
    """Every term, alphabetically as a Dutch reader expects."""
    found = [_own_term(d) for d in Definition.objects.all()] + _form_terms()
    found += [_basis_term(basis) for basis in LEGAL_BASES.values()]
    return sorted(found, key=lambda term: sort_key(term.term))


def term_by_slug(slug: str) -> Term | None:
    definition = Definition.objects.filter(slug=slug).first()
    if definition is not None:
        return _own_term(definition)
    return next((term for term in _form_terms() + [_basis_term(b) for b in LEGAL_BASES.values()]
                 if term.slug == slug), None)


def definition(slug: str) -> Definition | None:
    """The kennisbank's own record of a term: what forms show as help text and tooltip."""
    return Definition.objects.filter(slug=slug).first()


def indicator_groups() -> list[ThemeGroup]:
    """The indicator catalogue as the signal form offers it now (shown with the definition of "indicator")."""
    return indicator_catalogue()


def legal_bases(codes) -> list[LegalBasis]:
    return [LEGAL_BASES[code] for code in codes if code in LEGAL_BASES]


# --- Profiles --------------------------------------------------------------------------------------------------


def profiles() -> list[OrganisationProfile]:
    return list(OrganisationProfile.objects.all())


def profile_by_code(code: str) -> OrganisationProfile | None:
    return OrganisationProfile.objects.filter(code=code).first()


def routing_destinations() -> list[tuple[str, OrganisationProfile | None]]:
    """(label of the intake's routing destination, the profile that acts on it)."""
    found = {p.code: p for p in OrganisationProfile.objects.filter(code__in=ROUTING_PROFILES.values())}
    return [(str(action.label), found.get(ROUTING_PROFILES.get(action, ""))) for action in RoutingAction]


def role_profile(code: str = ROLE_CODE) -> RoleProfile | None:
    return RoleProfile.objects.filter(code=code).first()


# --- The chain per region --------------------------------------------------------------------------------------


def care_coordination_regions() -> list[Region]:
    return sorted(Region.objects.filter(layer__kind=LayerKind.CARE_COORDINATION).select_related("layer"),
                  key=lambda region: sort_key(region.name))


def care_coordination_region(code: str) -> Region | None:
    return (Region.objects.filter(layer__kind=LayerKind.CARE_COORDINATION, code=code)
            .select_related("layer").first())


def region_of(municipality: Municipality) -> Region | None:
    """The care-coordination region a municipality lies in."""
    return regions_for(municipality).get(LayerKind.CARE_COORDINATION)


@dataclass(frozen=True)
class ChainPart:
    """One region of another layer that the care-coordination region overlaps, with its note and the contacts the
    social map gives for it. `partly`: names of the municipalities it shares, when it does not share them all."""

    region: Region
    note: RegionNote | None
    contacts: tuple[ChainContact, ...] = ()
    partly: tuple[str, ...] = ()


@dataclass(frozen=True)
class NationalShelter:
    name: str
    organization_name: str
    kind: str
    capacity: str


@dataclass
class RegionChain:
    region: Region
    note: RegionNote | None
    municipalities: list[Municipality]
    coordinators: tuple[ChainContact, ...]
    uncovered: tuple[Municipality, ...]
    comensha: tuple[ChainContact, ...]
    police_units: tuple[ChainPart, ...]
    veilig_thuis: tuple[ChainPart, ...]
    signal_tables: tuple[ChainPart, ...]
    centrumgemeenten: tuple[Municipality, ...]
    shelters: tuple[NationalShelter, ...]
    notes: list[Reviewed] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return any(note.is_overdue for note in self.notes)


_PART_LAYERS = (LayerKind.POLICE_UNIT, LayerKind.VEILIG_THUIS, LayerKind.SIGNAL_TABLE)


def _notes_of(region_ids) -> dict:
    return {note.region_id: note for note in RegionNote.objects.filter(region_id__in=region_ids)}


class _Asker:
    """who_to_call per municipality, asked once: a group of municipalities reuses one already asked."""

    def __init__(self, members: list[Municipality]):
        self.by_code = {m.code: m for m in members}
        self.asked: dict[str, WhoToCall] = {}

    def who(self, group: list[str]) -> WhoToCall:
        code = next((c for c in group if c in self.asked), group[0])
        if code not in self.asked:
            self.asked[code] = who_to_call(self.by_code[code])
        return self.asked[code]


def _coordinators(members: list[Municipality], asker: _Asker) -> tuple[tuple[ChainContact, ...], tuple]:
    """The care coordinators "Wie bel ik?" names for any of the municipalities, and the municipalities none covers
    (by the rule of the coverage page: a national coordinator covers all)."""
    codes = [m.code for m in members]
    if not codes:
        return (), ()
    coordinators = care_coordinators()
    covering: dict[object, list[str]] = defaultdict(list)
    for municipality_id, service_id in ServiceArea.objects.filter(
            municipality_id__in=codes, service__in=coordinators).values_list("municipality_id", "service_id"):
        covering[service_id].append(municipality_id)
    covered = {code for group in covering.values() for code in group}
    national = coordinators.filter(~Exists(ServiceArea.objects.filter(service=OuterRef("pk")))).exists()
    contacts: dict[tuple, ChainContact] = {}
    for group in [*covering.values(), codes[:1]]:
        for contact in asker.who(group).contacts_for(CARE_COORDINATOR):
            contacts.setdefault((contact.organization_name, contact.service_name), contact)
    uncovered = () if national else tuple(m for m in members if m.code not in covered)
    return tuple(sorted(contacts.values(), key=lambda c: sort_key(c.service_name))), uncovered


def _members(region: Region) -> list[Municipality]:
    return sorted(region.municipalities.all(), key=lambda m: sort_key(m.name))


def region_chain(region: Region) -> RegionChain:
    """The chain of one care-coordination region: its coordinator(s) and the other layers' regions it overlaps,
    with the contacts that "Wie bel ik?" gives for their municipalities (asked once per group of municipalities)."""
    members = _members(region)
    codes = [m.code for m in members]
    asker = _Asker(members)
    parts: dict[str, dict[Region, list[str]]] = {kind: defaultdict(list) for kind in _PART_LAYERS}
    links = Region.municipalities.through.objects.filter(
        municipality_id__in=codes, region__layer__kind__in=_PART_LAYERS).select_related("region__layer")
    for link in links:
        parts[link.region.layer.kind][link.region].append(link.municipality_id)
    notes = _notes_of([region.pk, *(r.pk for kind in _PART_LAYERS for r in parts[kind])])

    def chain_parts(kind: str, role: str | None) -> tuple[ChainPart, ...]:
        found = []
        for part, group in sorted(parts[kind].items(), key=lambda item: sort_key(item[0].name)):
            partly = () if len(group) == len(codes) else tuple(
                sorted((asker.by_code[c].name for c in group), key=sort_key))
            found.append(ChainPart(region=part, note=notes.get(part.pk), partly=partly,
                                   contacts=asker.who(group).contacts_for(role) if role else ()))
        return tuple(found)

    note = notes.get(region.pk)
    coordinators, uncovered = _coordinators(members, asker)
    centrumgemeenten = tuple(sorted(Municipality.objects.filter(code__in=note.centrumgemeenten),
                                    key=lambda m: sort_key(m.name))) if note else ()
    return RegionChain(
        region=region, note=note, municipalities=members, coordinators=coordinators, uncovered=uncovered,
        comensha=asker.who(codes).contacts_for(COMENSHA) if codes else (),
        police_units=chain_parts(LayerKind.POLICE_UNIT, POLICE_AVIM),
        veilig_thuis=chain_parts(LayerKind.VEILIG_THUIS, VEILIG_THUIS),
        signal_tables=chain_parts(LayerKind.SIGNAL_TABLE, None),
        centrumgemeenten=centrumgemeenten, shelters=national_shelters(), notes=list(notes.values()),
    )


#: The national shelters a region page lists, by service type of the social map.
NATIONAL_SHELTER_TYPES = {"shelter_cosm": "COSM", "shelter_omm": "OMM"}


def national_shelters() -> tuple[NationalShelter, ...]:
    """The active COSM and OMM services of the social map with their capacity; no location: shelter addresses are
    secret, and these places are national (COSM placement only through CoMensha)."""
    found = []
    for code, kind in NATIONAL_SHELTER_TYPES.items():
        services = eligible_services(SearchFilters(service_types=(code,)), Service.objects.select_related(
            "organization")).order_by("name")
        found += [NationalShelter(name=s.name, organization_name=s.organization.name, kind=kind,
                                  capacity=capacity_text(unit=s.capacity_unit, available=s.capacity_available,
                                                         total=s.capacity_total, updated_at=s.capacity_updated_at))
                  for s in services]
    return tuple(found)


@dataclass(frozen=True)
class CoordinatorRow:
    region: Region
    coordinators: tuple[ChainContact, ...]


def coordinators_per_region() -> list[CoordinatorRow]:
    """Each care-coordination region with its actual coordinator(s) from the social map: for the role profile."""
    rows = []
    for region in care_coordination_regions():
        members = _members(region)
        coordinators, _uncovered = _coordinators(members, _Asker(members))
        rows.append(CoordinatorRow(region=region, coordinators=coordinators))
    return rows


# --- Review and search ------------------------------------------------------------------------------------------


def all_content() -> list[Reviewed]:
    """Every editable record, the most urgent review first (overdue first, then by due date)."""
    records: list[Reviewed] = [*Definition.objects.all(), *OrganisationProfile.objects.all(),
                               *RoleProfile.objects.all(), *RegionNote.objects.select_related("region__layer")]
    return sorted(records, key=lambda record: record.review_due)


def _fold(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(ascii_text.casefold().split())


@dataclass(frozen=True)
class SearchHit:
    kind: str
    title: str
    summary: str
    url_name: str
    key: str


MAX_QUERY_CHARS = 100


def search(query: str) -> list[SearchHit]:
    """Definitions, profiles and region pages whose text holds every word of the query (without case or accents);
    a municipality's name finds the page of its region. Titles that match come first."""
    words = _fold(query).split()[:10]
    if not words:
        return []
    candidates: list[tuple[SearchHit, str]] = []
    for term in terms():
        candidates.append((SearchHit("term", term.term, term.summary, "knowledge:term", term.slug),
                           " ".join([term.term, term.summary, term.body, term.legal_reference])))
    for profile in profiles():
        candidates.append((SearchHit("profile", profile.text("name"), profile.text("summary"), "knowledge:profile",
                                     profile.code),
                           " ".join([profile.text(name) for name in OrganisationProfile.TEXTS])))
    regions = care_coordination_regions()
    members: dict[int, list[str]] = defaultdict(list)
    for region_id, name in Region.municipalities.through.objects.filter(
            region__in=regions).values_list("region_id", "municipality__name"):
        members[region_id].append(name)
    for region in regions:
        candidates.append((SearchHit("region", region.name, _("De keten in de regio, met {count} gemeenten.").format(
            count=len(members[region.pk])), "knowledge:region", region.code),
            " ".join([region.name, *members[region.pk]])))
    hits = [(hit, all(word in _fold(hit.title) for word in words))
            for hit, text in candidates if all(word in _fold(text) for word in words)]
    return [hit for hit, _in_title in sorted(hits, key=lambda item: not item[1])]
