"""People's verdicts on pairs of records: they win over the engine on every run, until a later verdict says
otherwise."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

SAME, DIFFERENT = "same", "different"


@dataclass(frozen=True)
class Decision:
    """"These two records are (not) the same": `same` for a confirmed link or a merge, `different` for a
    rejected link or a split. `at` orders verdicts on the same pair: the latest one counts."""

    a: str
    b: str
    verdict: str
    at: datetime | None = None

    def __post_init__(self):
        if self.verdict not in (SAME, DIFFERENT):
            raise ValueError(f"verdict must be {SAME!r} or {DIFFERENT!r}, not {self.verdict!r}")
        if self.a == self.b:
            raise ValueError("a decision needs two different records")


def merge(ids: Iterable[str], at: datetime | None = None) -> list[Decision]:
    """A person merges these records into one cluster."""
    ids = list(ids)
    return [Decision(ids[0], other, SAME, at) for other in ids[1:]]


def split(part: Iterable[str], rest: Iterable[str], at: datetime | None = None) -> list[Decision]:
    """A person splits a cluster: no record of `part` is the same as any record of `rest`."""
    rest = list(rest)
    return [Decision(x, y, DIFFERENT, at) for x in part for y in rest]


def constraints(decisions: Iterable[Decision], position: dict[str, int]) -> tuple[list, list, dict]:
    """Must-link and cannot-link pairs of record positions from the latest verdict per pair; verdicts on
    records not in this run are skipped. Also returns the verdict per pair, for the explanations."""
    latest: dict[tuple[int, int], Decision] = {}
    ordered = sorted(enumerate(decisions), key=lambda item: (item[1].at is not None, item[1].at or 0, item[0]))
    for _index, decision in ordered:
        if decision.a in position and decision.b in position:
            x, y = position[decision.a], position[decision.b]
            latest[min(x, y), max(x, y)] = decision
    must = [pair for pair, decision in latest.items() if decision.verdict == SAME]
    cannot = [pair for pair, decision in latest.items() if decision.verdict == DIFFERENT]
    return must, cannot, latest
