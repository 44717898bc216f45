"""Clusters from accepted links, with a guard against chaining, and with people's decisions as constraints.

The rule (docs/adr/0009): links with probability >= `strong` form cores by transitivity. Two groups joined
only by weaker links merge when at least `density` of all record pairs between them are linked, best-linked
groups first. So a single weak link never pulls one person's records into another's: a record that resembles
one of five records a little stays apart, a record that resembles all of them joins. A person's "same" verdict
is a link of probability 1; a "not the same" verdict removes the link and forbids any merge that would put the
two records in one cluster."""

import heapq
from collections import defaultdict

import numpy as np


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components: each record's label is the smallest record index in its component."""
    label = np.arange(n, dtype=np.int64)
    if not len(a):
        return label
    while True:
        la, lb = label[a], label[b]
        if np.array_equal(la, lb):
            return label
        low = np.minimum(la, lb)
        np.minimum.at(label, la, low)
        np.minimum.at(label, lb, low)
        while True:  # pointer jumping until every record points at its root
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped


def cluster(n: int, a: np.ndarray, b: np.ndarray, probability: np.ndarray, *, strong: float = 0.99,
            density: float = 0.5, must: tuple = (), cannot: tuple = ()) -> np.ndarray:
    """A cluster label per record (the smallest record index in the cluster)."""
    a, b, probability = np.asarray(a, np.int64), np.asarray(b, np.int64), np.asarray(probability, np.float64)
    forbidden = {(min(x, y), max(x, y)) for x, y in cannot}
    if forbidden:
        key = a * n + b
        banned = np.array(sorted(x * n + y for x, y in forbidden), dtype=np.int64)
        keep = ~np.isin(key, banned)
        a, b, probability = a[keep], b[keep], probability[keep]
    if must:
        extra = np.array([(min(x, y), max(x, y)) for x, y in must], dtype=np.int64).reshape(-1, 2)
        a, b = np.r_[a, extra[:, 0]], np.r_[b, extra[:, 1]]
        probability = np.r_[probability, np.ones(len(extra))]
    component = components(n, a, b)
    is_strong = probability >= strong
    core = components(n, a[is_strong], b[is_strong])
    # Components that need the careful treatment: those with a weak link between two cores, or a forbidden pair.
    weak = ~is_strong & (core[a] != core[b])
    hard = set(np.unique(component[a[weak]]).tolist())
    hard.update(int(component[x]) for pair in forbidden for x in pair if component[pair[0]] == component[pair[1]])
    if not hard:
        return core
    label = core.copy()
    in_hard = np.isin(component[a], np.array(sorted(hard), dtype=np.int64))
    edges_by_component = defaultdict(list)
    for x, y, p in zip(a[in_hard].tolist(), b[in_hard].tolist(), probability[in_hard].tolist(), strict=True):
        edges_by_component[int(component[x])].append((x, y, p))
    members = defaultdict(list)
    hard_nodes = np.flatnonzero(np.isin(component, np.array(sorted(hard), dtype=np.int64)))
    for node in hard_nodes.tolist():
        members[int(component[node])].append(node)
    for root in sorted(hard):
        groups = _agglomerate(members[root], edges_by_component[root], core, strong, density, forbidden)
        for group in groups:
            smallest = min(group)
            for node in group:
                label[node] = smallest
    return label


def _agglomerate(nodes, edges, core, strong, density, forbidden):
    """Average-link agglomeration inside one component: start from the strong cores (or from single records
    where a forbidden pair sits inside a core), merge the pair of groups with the highest share of linked
    record pairs while that share is at least `density` and no forbidden pair would end up together."""
    node_set = set(nodes)
    split_cores = any(core[x] == core[y] for x, y in forbidden if x in node_set)
    group_of = {node: (node if split_cores else int(core[node])) for node in nodes}
    groups = defaultdict(set)
    for node in nodes:
        groups[group_of[node]].add(node)
    neighbours = defaultdict(lambda: defaultdict(int))
    for x, y, _p in edges:
        gx, gy = group_of[x], group_of[y]
        if gx != gy:
            neighbours[gx][gy] += 1
            neighbours[gy][gx] += 1
    forbidden_nodes = defaultdict(set)
    for x, y in forbidden:
        forbidden_nodes[x].add(y)
        forbidden_nodes[y].add(x)

    def share(gx, gy):
        return neighbours[gx][gy] / (len(groups[gx]) * len(groups[gy]))

    heap = [(-share(gx, gy), gx, gy) for gx in list(neighbours) for gy in list(neighbours[gx]) if gx < gy]
    heapq.heapify(heap)
    while heap:
        negative, gx, gy = heapq.heappop(heap)
        if gx not in groups or gy not in groups or gy not in neighbours[gx] or -negative != share(gx, gy):
            continue  # stale entry
        if -negative < density:
            break
        if any(other in groups[gy] for node in groups[gx] for other in forbidden_nodes.get(node, ())):
            continue
        keep, gone = min(gx, gy), max(gx, gy)
        for node in groups[gone]:
            group_of[node] = keep
        groups[keep] |= groups.pop(gone)
        for other, count in neighbours.pop(gone).items():
            del neighbours[other][gone]
            if other != keep:
                neighbours[keep][other] += count
                neighbours[other][keep] += count
        for other in neighbours[keep]:
            heapq.heappush(heap, (-share(keep, other), min(keep, other), max(keep, other)))
    return list(groups.values())
