"""The Zelfredzaamheid-Matrix (self-reliance matrix): its 13 domains and 5 levels, read once from the shipped
reference data (data/SOURCE.md), and what "self-reliant" means for closing a trajectory."""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language

DATA = Path(__file__).parent / "data"
LEVELS = range(1, 6)
#: Every domain at least this level counts as self-reliant (settings.KETEN_ZRM_SELF_RELIANT overrides).
DEFAULT_SELF_RELIANT = 3


@dataclass(frozen=True)
class Domain:
    code: str
    name_nl: str
    name_en: str

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl


@cache
def domains() -> tuple[Domain, ...]:
    with (DATA / "zrm_domains.csv").open(encoding="utf-8") as file:
        return tuple(Domain(row["code"], row["domain_nl"], row["domain_en"]) for row in csv.DictReader(file))


@cache
def level_labels() -> dict[int, str]:
    with (DATA / "zrm_scale.csv").open(encoding="utf-8") as file:
        return {int(row["level"]): row["label_nl"] for row in csv.DictReader(file)}


def codes() -> tuple[str, ...]:
    return tuple(domain.code for domain in domains())


def self_reliant_level() -> int:
    return getattr(settings, "KETEN_ZRM_SELF_RELIANT", DEFAULT_SELF_RELIANT)


def is_self_reliant(scores: dict[str, int]) -> bool:
    """Every domain scored, and each at least the self-reliant level."""
    threshold = self_reliant_level()
    return all(scores.get(code, 0) >= threshold for code in codes())
