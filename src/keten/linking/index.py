"""The incremental index: link one new record against everything known, while the intake form is being filled in.

Built once from a batch run (its model, frequencies and clusters). Per blocking rule it keeps the keys sorted, so
the candidates of a new record are a few binary searches away; comparing and scoring them reuses the batch code
on a handful of pairs. Records added later wait in a small side table, compared in full, and are folded into
the sorted keys when it fills up."""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from keten.linking import blocking
from keten.linking.compare import compare
from keten.linking.engine import DEFAULT_SETTINGS, LinkResult, Settings
from keten.linking.explain import Explanation, explain_pair
from keten.linking.model import Frequencies, probability
from keten.linking.records import STRONG_KINDS, Table, build_table, concat

#: Records added after the build wait in the side table until there are this many.
PENDING_LIMIT = 2_000


@dataclass(frozen=True)
class Candidate:
    """A known record the new one links to, its probability, its cluster and why."""

    id: str
    probability: float
    cluster: str
    explanation: Explanation | None = None


@dataclass(frozen=True)
class Occurrence:
    """How often a strong identifier of the new record is already known: in how many records and sources
    (signals), in total and in the given region. Whether this may be shown is the caller's (policy's) call."""

    kind: str
    records: int
    sources: int
    sources_in_region: int


@dataclass
class Match:
    links: list[Candidate] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    candidates: int = 0


class LinkIndex:
    """Everything known, ready for `match(record)`; `add(record)` makes a record known."""

    def __init__(self, result: LinkResult, settings: Settings = DEFAULT_SETTINGS,
                 encode: Callable[[list], Table] | None = None):
        self.settings = settings
        self.model = result.model
        self.similarity = result.similarity
        self.table = result.table
        self.frequencies = result.frequencies
        self._encode = encode or (lambda records: build_table(records, vocab=self.table.vocab))
        self.cluster_of = [self.table.ids[label] for label in result.labels.tolist()]
        self.pending: Table | None = None
        self.common = self.frequencies.common(self.model.common_cap)
        self._index_keys()

    def _index_keys(self) -> None:
        self.rules = {}
        for name, record, key in blocking.keys(self.table):
            keep = key >= 0
            record, key = record[keep], key[keep]
            order = np.lexsort((record, key))
            self.rules[name] = (key[order], record[order])

    def _table_of(self, record) -> Table:
        table = self._encode([record])
        self.table.refresh_letters()
        table.name_initial, table.name_is_initial = self.table.name_initial, self.table.name_is_initial
        return table

    def _candidates(self, new: Table) -> np.ndarray:
        found = []
        for name, _record, key in blocking.keys(new):
            sorted_keys, records = self.rules[name]
            for value in key[key >= 0].tolist():
                low, high = np.searchsorted(sorted_keys, value, "left"), np.searchsorted(sorted_keys, value, "right")
                if 0 < high - low <= min(self.settings.block_cap, blocking.RULE_CAPS.get(name, high)):
                    found.append(records[low:high])
        return np.unique(np.concatenate(found)) if found else np.empty(0, np.int64)

    def match(self, record, *, region: str = "", explain: int = 5) -> Match:
        """The known records `record` links to (probability >= threshold, best first, the best `explain` with
        their explanation) and how often its strong identifiers occur already."""
        new = self._table_of(record)
        match = Match()
        found = []
        for table, candidates in ((self.table, self._candidates(new)), (self.pending, None)):
            if table is None:
                continue
            if candidates is None:
                candidates = np.arange(len(table))
            match.candidates += len(candidates)
            if not len(candidates):
                continue
            zeros = np.zeros(len(candidates), np.int64)
            comparison = compare(new, table, zeros, candidates, self.similarity, self.common)
            p = probability(self.model.score(comparison, self.frequencies))
            for position in np.flatnonzero(p >= self.settings.threshold).tolist():
                found.append((-float(p[position]), table.ids[int(candidates[position])], table,
                              int(candidates[position])))
        found.sort(key=lambda item: item[:2])
        for rank, (negative, record_id, table, row) in enumerate(found):
            explanation = explain_pair(new, table, 0, row, self.model, self.frequencies, self.similarity) if (
                rank < explain) else None
            offset = 0 if table is self.table else len(self.table)
            match.links.append(Candidate(record_id, -negative, self.cluster_of[offset + row], explanation))
        match.occurrences = self.occurrences(new, region)
        return match

    def occurrences(self, new: Table, region: str = "") -> list[Occurrence]:
        found = []
        for kind in STRONG_KINDS:
            sorted_keys, records = self.rules[kind]
            for value in new.strong[kind][0][new.strong[kind][0] >= 0].tolist():
                low, high = np.searchsorted(sorted_keys, value, "left"), np.searchsorted(sorted_keys, value, "right")
                rows = records[low:high].tolist()
                pending = [] if self.pending is None else [
                    i for i in range(len(self.pending)) if value in self.pending.strong[kind][i].tolist()]
                sources = {(self.table.source[i] or self.table.ids[i], self.table.region[i]) for i in rows}
                sources |= {(self.pending.source[i] or self.pending.ids[i], self.pending.region[i]) for i in pending}
                if sources:
                    found.append(Occurrence(kind, len(rows) + len(pending), len(sources),
                                            sum(1 for _source, where in sources if region and where == region)))
        return found

    def add(self, record) -> Match:
        """Link `record` and make it known to later matches."""
        match = self.match(record)
        new = self._table_of(record)
        self.pending = new if self.pending is None else concat(self.pending, new)
        self.cluster_of.append(match.links[0].cluster if match.links else new.ids[0])
        if len(self.pending) >= PENDING_LIMIT:
            self.table = concat(self.table, self.pending)
            self.pending = None
            self.frequencies = Frequencies.of(self.table)
            self.common = self.frequencies.common(self.model.common_cap)
            self._index_keys()
        return match
