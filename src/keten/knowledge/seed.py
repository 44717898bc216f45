"""The kennisbank's committed content (knowledge/data/*.toml), read and checked, and loaded into the database.

Loading only creates what is missing: a national functional administrator's edits in Keten are never overwritten,
and a record deleted from a file is not deleted from the database. Each created record gets its first revision,
written by nobody (the data file)."""

import calendar
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from keten.accounts.roles import OrganisationType
from keten.knowledge.models import Definition, Meldpunt, OrganisationProfile, Power, RegionNote, RoleProfile
from keten.knowledge.revisions import add_revision
from keten.policy.bases import LEGAL_BASES
from keten.regions.models import LayerKind, Region

DATA = Path(__file__).resolve().parent / "data"


class ContentError(ValueError):
    """A data file is broken; raised when it is read, so bad content never reaches the database."""


@dataclass
class LoadSummary:
    created: dict[str, int] = field(default_factory=dict)

    def __str__(self):
        parts = [f"{count} {kind}" for kind, count in self.created.items()]
        return "Kennisbank loaded: created " + (", ".join(parts) if parts else "nothing") + "."


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _read(name: str) -> dict:
    with (DATA / name).open("rb") as handle:
        return tomllib.load(handle)


def _review_dates(document: dict) -> dict:
    reviewed_on = document["reviewed_on"]
    return {"reviewed_on": reviewed_on, "review_due": add_months(reviewed_on, document["review_months"])}


def _require(name: str, row: dict, keys: tuple[str, ...]) -> None:
    missing = [key for key in keys if not str(row.get(key, "")).strip()]
    if missing:
        raise ContentError(f"{name}, {row.get('slug') or row.get('code') or '?'}: missing {', '.join(missing)}")


def read_definitions() -> list[dict]:
    document = _read("definitions.toml")
    rows = []
    for row in document["definition"]:
        _require("definitions.toml", row, ("slug", "term_nl", "summary_nl", "source"))
        rows.append({**row, **_review_dates(document)})
    _unique("definitions.toml", [row["slug"] for row in rows])
    return rows


def read_profiles() -> list[dict]:
    document = _read("profiles.toml")
    rows = []
    for position, row in enumerate(document["profile"], start=1):
        _require("profiles.toml", row, ("code", "name_nl", "summary_nl", "tasks_nl", "powers_nl", "ask_nl",
                                        "sharing_nl", "source"))
        unknown = [*(set(row["powers_kinds"]) - set(Power.values)), *(set(row["legal_bases"]) - set(LEGAL_BASES))]
        if row["organisation_type"] and row["organisation_type"] not in OrganisationType.values:
            unknown.append(row["organisation_type"])
        if unknown:
            raise ContentError(f"profiles.toml, {row['code']}: unknown codes {', '.join(sorted(unknown))}")
        values = {key: value for key, value in row.items() if key != "powers_kinds"}
        rows.append({**values, "powers": row["powers_kinds"], "position": position * 10, **_review_dates(document)})
    _unique("profiles.toml", [row["code"] for row in rows])
    return rows


def read_roles() -> list[dict]:
    document = _read("roles.toml")
    rows = []
    for row in document["role"]:
        _require("roles.toml", row, ("code", "title_nl", "summary_nl", "steps_nl", "arranges_nl", "availability_nl",
                                     "source"))
        rows.append({**row, **_review_dates(document)})
    return rows


def read_region_notes(name: str = "region_notes.toml") -> list[dict]:
    document = _read(name)
    rows = []
    for row in document.get("note", []):
        _require(name, row, ("layer", "code", "source"))
        if row["layer"] not in LayerKind.values or row.get("meldpunt", "") not in Meldpunt.values:
            raise ContentError(f"{name}, {row['code']}: unknown layer or meldpunt")
        rows.append({**row, **_review_dates(document)})
    return rows


def _unique(name: str, keys: list[str]) -> None:
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ContentError(f"{name}: duplicate {', '.join(duplicates)}")


def _create_missing(model, key: str, rows: list[dict]) -> int:
    existing = set(model.objects.values_list(key, flat=True))
    created = 0
    for row in rows:
        if row[key] in existing:
            continue
        record = model.objects.create(**row)
        add_revision(record, written_by=None)
        created += 1
    return created


def _demo_notes() -> list[dict]:
    """A fictitious ketenregisseur per care-coordination region and meeting rhythm per Signaaltafel region."""
    document = _read("demo_region_notes.toml")
    common = {"source": document["source"], **_review_dates(document)}
    rows = []
    for region in Region.objects.filter(layer__kind=LayerKind.CARE_COORDINATION):
        name = region.name.removeprefix("Zorgcoördinatie ")
        rows.append({"layer": LayerKind.CARE_COORDINATION, "code": region.code,
                     "ketenregisseur": document["ketenregisseur"].format(name=name), **common})
    for region in Region.objects.filter(layer__kind=LayerKind.SIGNAL_TABLE):
        rows.append({"layer": LayerKind.SIGNAL_TABLE, "code": region.code, "meeting_nl": document["meeting_nl"],
                     "meeting_en": document["meeting_en"], **common})
    return rows


def _create_missing_notes(rows: list[dict]) -> int:
    regions = {(region.layer.kind, region.code): region for region in Region.objects.select_related("layer")}
    noted = set(RegionNote.objects.values_list("region_id", flat=True))
    created = 0
    for row in rows:
        region = regions.get((row["layer"], row["code"]))
        if region is None or region.pk in noted:  # a region the division does not have (any more): nothing to note
            continue
        values = {key: value for key, value in row.items() if key not in ("layer", "code")}
        record = RegionNote.objects.create(region=region, **values)
        add_revision(record, written_by=None)
        noted.add(region.pk)
        created += 1
    return created


@transaction.atomic
def load_knowledge(*, demo: bool = False) -> LoadSummary:
    """Create the definitions, profiles, role profiles and region notes of the data files that are missing; with
    `demo`, also the demo's fictitious region notes (for regions that have none)."""
    summary = LoadSummary()
    summary.created["definitions"] = _create_missing(Definition, "slug", read_definitions())
    summary.created["profiles"] = _create_missing(OrganisationProfile, "code", read_profiles())
    summary.created["role profiles"] = _create_missing(RoleProfile, "code", read_roles())
    notes = read_region_notes() + (_demo_notes() if demo else [])
    summary.created["region notes"] = _create_missing_notes(notes)
    summary.created = {kind: count for kind, count in summary.created.items() if count}
    return summary
