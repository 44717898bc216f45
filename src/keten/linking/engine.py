"""Batch linking: block, compare, estimate, score, cluster, all records at once; the result explains itself."""

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from keten.linking import blocking
from keten.linking.cluster import cluster
from keten.linking.compare import FIELDS, NameSimilarity, compare, jaro_winkler
from keten.linking.decisions import Decision, constraints
from keten.linking.explain import Explanation, explain_pair
from keten.linking.model import Frequencies, Model, probability, train
from keten.linking.records import MAX_VALUES, STRONG_KINDS, Record, Table, build_table

#: Candidate pairs are compared and scored in chunks of this size, which bounds the memory of a run.
CHUNK = 1_000_000


@dataclass(frozen=True)
class Settings:
    """threshold: a link is accepted from this match probability on; strong: links from here form cores
    (see cluster.py); density: the share of linked pairs two groups joined by weaker links need;
    block_cap: blocking keys shared by more records are not used; common_cap: an agreeing value held by more
    records does not count; workers: threads for string comparison."""

    threshold: float = 0.5
    strong: float = 0.99
    density: float = 0.5
    block_cap: int = blocking.DEFAULT_CAP
    common_cap: int = 50
    workers: int = 1
    train_sample: int = 400_000


@dataclass(frozen=True)
class Bundle:
    """Records that share one value of a strong identifier (or an address): the Signaaltafel's bundle "around
    the same phone, place, vehicle, company or account". `holders` is how many records hold the value."""

    kind: str
    ids: tuple[str, ...]
    holders: int


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    probability: float


Progress = Callable[[str, float], None]
DEFAULT_SETTINGS = Settings()


@dataclass
class LinkResult:
    """The outcome of a run: the accepted links (pairs of row positions with their probability), a cluster
    label per record, the model it used, and what it took."""

    table: Table
    model: Model
    frequencies: Frequencies
    similarity: NameSimilarity
    a: np.ndarray
    b: np.ndarray
    probability: np.ndarray
    labels: np.ndarray
    candidate_pairs: int
    seconds: dict[str, float] = field(default_factory=dict)
    verdicts: dict = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)

    def clusters(self, min_size: int = 1) -> list[list[str]]:
        """Clusters as lists of record ids, each sorted, largest first then by first id (deterministic)."""
        order = np.argsort(self.labels, kind="stable")
        labels = self.labels[order]
        starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
        ids = self.table.ids
        groups = [sorted(ids[i] for i in chunk) for chunk in np.split(order, starts[1:]) if len(chunk) >= min_size]
        return sorted(groups, key=lambda group: (-len(group), group[0]))

    def bundles(self, cap: int = 25, kinds=(*STRONG_KINDS, "address")) -> list[Bundle]:
        """Per value of an identifier held by 2..`cap` records, those records. A value held by more (a
        shelter's phone, a big employer's address) makes no bundle: it would glue unrelated records together."""
        found = []
        rows = np.arange(len(self.table), dtype=np.int64)
        for kind in kinds:
            column = self.table.address[:, None] if kind == "address" else self.table.strong[kind]
            record = np.repeat(rows, column.shape[1])
            code = column.ravel().astype(np.int64)
            keep = code >= 0
            record, code = record[keep], code[keep]
            order = np.lexsort((record, code))
            record, code = record[order], code[order]
            if not len(code):
                continue
            starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
            ends = np.r_[starts[1:], len(code)]
            fitting = (ends - starts >= 2) & (ends - starts <= cap * MAX_VALUES)
            for start, end in zip(starts[fitting].tolist(), ends[fitting].tolist(), strict=True):
                members = sorted({self.table.ids[i] for i in record[start:end].tolist()})
                if 2 <= len(members) <= cap:
                    found.append(Bundle(kind, tuple(members), len(members)))
        return sorted(found, key=lambda bundle: (bundle.kind, bundle.ids))

    def cluster_of(self, record_id: str) -> list[str]:
        label = self.labels[self.position[record_id]]
        return sorted(self.table.ids[i] for i in np.flatnonzero(self.labels == label))

    def links(self) -> list[Link]:
        ids = self.table.ids
        return [Link(ids[x], ids[y], float(p)) for x, y, p in zip(self.a.tolist(), self.b.tolist(),
                                                                   self.probability.tolist(), strict=True)]

    def explain(self, a: str, b: str) -> Explanation:
        """Why `a` and `b` are (or are not) linked, field by field; a person's verdict is named."""
        x, y = self.position[a], self.position[b]
        verdict = self.verdicts.get((min(x, y), max(x, y)))
        return explain_pair(self.table, self.table, x, y, self.model, self.frequencies, self.similarity,
                            decision=verdict.verdict if verdict else "")

    def explain_links(self, x: np.ndarray, y: np.ndarray, *, chunk: int = 50_000
                      ) -> Iterator[tuple[float, list[dict]]]:
        """The batch form of explain() for storing with a run: per pair of positions (x[k], y[k]) the total weight in
        bits (prior included) and, for each field known on both sides, {field, level, weight}. Never a value.
        Vectorised per chunk with the run's own comparison and weights."""
        common = self.frequencies.common(self.model.common_cap)
        prior = float(self.model.prior_bits)
        for start in range(0, len(x), chunk):
            part = slice(start, start + chunk)
            comparison = compare(self.table, self.table, x[part], y[part], self.similarity, common)
            bits = self.model.field_bits(comparison, self.frequencies)
            parts: list[list[dict]] = [[] for _ in range(len(comparison))]
            for spec in FIELDS:
                levels = comparison.levels[spec.name]
                known = np.flatnonzero(levels >= 0)  # unknown on one side: counts neither way, and is not shown
                for row, level, weight in zip(known.tolist(), levels[known].tolist(),
                                              np.round(bits[spec.name][known], 3).tolist(), strict=True):
                    parts[row].append({"field": spec.name, "level": spec.levels[level], "weight": weight})
            totals = np.full(len(comparison), prior)
            for weights in bits.values():
                totals += weights
            yield from zip(totals.tolist(), parts, strict=True)

    def summary(self) -> dict:
        sizes = Counter(self.labels.tolist())
        return {"records": len(self.table), "candidate_pairs": self.candidate_pairs, "links": len(self.a),
                "clusters": len(sizes), "clusters_of_two_or_more": sum(1 for s in sizes.values() if s > 1),
                "largest_cluster": max(sizes.values(), default=0), "seconds": round(sum(self.seconds.values()), 2),
                "invalid_values": dict(self.table.invalid)}


def link(records: Iterable[Record] | Table, *, decisions: Iterable[Decision] = (),
         settings: Settings = DEFAULT_SETTINGS, model: Model | None = None,
         similarity: NameSimilarity | None = None, progress: Progress | None = None) -> LinkResult:
    """Link all records: the batch run. `model` reuses parameters (otherwise they are estimated from the
    data); `decisions` are people's verdicts, which win over the engine."""
    report = progress or (lambda stage, fraction: None)
    seconds = {}
    clock = time.perf_counter()
    table = records if isinstance(records, Table) else build_table(records)
    seconds["normalise"] = time.perf_counter() - clock
    report("normalise", 1.0)

    clock = time.perf_counter()
    a, b = blocking.candidate_pairs(table, settings.block_cap)
    seconds["block"] = time.perf_counter() - clock
    report("block", 1.0)

    similarity_given = similarity is not None
    similarity = similarity or jaro_winkler(table, settings.workers)
    frequencies = Frequencies.of(table)
    common = frequencies.common(settings.common_cap)
    clock = time.perf_counter()
    if model is None:
        rng = np.random.default_rng(7)
        sample = np.sort(rng.choice(len(a), size=min(settings.train_sample, len(a)), replace=False))
        model = train(compare(table, table, a[sample], b[sample], similarity, common), sample=settings.train_sample,
                      common_cap=settings.common_cap)
    seconds["train"] = time.perf_counter() - clock
    report("train", 1.0)

    clock = time.perf_counter()

    def score(start: int):
        chunk_a, chunk_b = a[start:start + CHUNK], b[start:start + CHUNK]
        p = probability(model.score(compare(table, table, chunk_a, chunk_b, chunk_similarity, common), frequencies))
        accepted = p >= settings.threshold
        return chunk_a[accepted], chunk_b[accepted], p[accepted]

    # Chunks are scored on `workers` threads (numpy and rapidfuzz release the GIL), each comparing names on one
    # thread; the results are joined in chunk order, so the outcome does not depend on the thread count.
    chunk_similarity = similarity if settings.workers == 1 or similarity_given else jaro_winkler(table, 1)
    kept_a, kept_b, kept_p = [], [], []
    with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
        for done, (chunk_a, chunk_b, p) in enumerate(pool.map(score, range(0, len(a), CHUNK)), 1):
            kept_a.append(chunk_a)
            kept_b.append(chunk_b)
            kept_p.append(p)
            report("score", min(1.0, done * CHUNK / max(len(a), 1)))
    link_a = np.concatenate(kept_a) if kept_a else np.empty(0, np.int64)
    link_b = np.concatenate(kept_b) if kept_b else np.empty(0, np.int64)
    link_p = np.concatenate(kept_p) if kept_p else np.empty(0)
    seconds["score"] = time.perf_counter() - clock

    clock = time.perf_counter()
    position = {record_id: index for index, record_id in enumerate(table.ids)}
    must, cannot, verdicts = constraints(decisions, position)
    labels = cluster(len(table), link_a, link_b, link_p, strong=settings.strong, density=settings.density,
                     must=tuple(must), cannot=tuple(cannot))
    if must or cannot:
        link_a, link_b, link_p = _with_verdicts(link_a, link_b, link_p, must, cannot, len(table))
    seconds["cluster"] = time.perf_counter() - clock
    report("cluster", 1.0)
    return LinkResult(table, model, frequencies, similarity, link_a, link_b, link_p, labels, len(a), seconds,
                      verdicts, position)


def _with_verdicts(a, b, p, must, cannot, n):
    """The links as people decided: rejected ones dropped, confirmed ones present with probability 1."""
    key = a * n + b
    drop = np.isin(key, np.array([x * n + y for x, y in must + cannot], dtype=np.int64))
    a, b, p = a[~drop], b[~drop], p[~drop]
    if must:
        extra = np.array(must, dtype=np.int64).reshape(-1, 2)
        a, b, p = np.r_[a, extra[:, 0]], np.r_[b, extra[:, 1]], np.r_[p, np.ones(len(extra))]
    return a, b, p
