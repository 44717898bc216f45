"""Disclosure control: the one rule every published figure of the monitor passes through (ADR 0012).

Pure Python, no Django: the caller passes the threshold and the rounding base (settings KETEN_MONITOR_MIN_CELL
and KETEN_MONITOR_ROUNDING). Three tools:

- `protect(counts, ...)`: a table of counts with its row totals, column totals and grand total → what may be
  published. Primary suppression hides every count from 1 to below the threshold (totals too); complementary
  suppression then hides as little as possible more, the smallest counts first, until no hidden count can be
  pinned to one value from the published figures, even by someone who knows the rule (a hidden count is at
  least 1, because zeros are published). Published counts are then rounded, each total on its own.
- `k_anonymise(records, ...)`: the yearly dataset: generalise the quasi-identifiers step by step, and only then
  drop the records still in a class smaller than k.

How complementary suppression is checked. Put the totals in an extra row and column, so the table has
(R+1)×(C+1) cells and every line (row or column) adds up. Perturbing the hidden counts without changing any
published figure is possible exactly along alternating cycles of hidden cells: +1, −1, +1, ... around a cycle of
cells that turns at each step between a row and a column (the totals' cells count with the opposite sign). A
hidden cell can move, so is not disclosed, when such a cycle through it exists on which every cell that would go
down is at least 2 (it stays ≥ 1). Cycles are directed paths in a bipartite graph of rows and columns, so
finding one, or the cheapest cells to add for one, is a shortest-path search.
"""

import heapq
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

Position = tuple[int, int]


@dataclass(frozen=True)
class ProtectedTable:
    """A table as it may be published: counts rounded, None where suppressed. Row totals, column totals and the
    grand total are rounded on their own, so a published total need not equal the sum of published cells."""

    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    total: int | None
    min_cell: int
    rounding: int

    @property
    def suppressed_count(self) -> int:
        every = [*(value for row in self.cells for value in row), *self.row_totals, *self.column_totals, self.total]
        return sum(value is None for value in every)


def round_to(value: int, base: int, *, floor: int = 0) -> int:
    """`value` rounded to the nearest multiple of `base` (halves up). A count that was large enough to publish
    never comes out below `floor`: with an odd base, 10 would otherwise read as 9, a number that is never shown."""
    if base <= 1 or value == 0:
        return value
    return max((value + base // 2) // base * base, floor if value >= floor else 0)


class Unprotectable(Exception):
    """With its row totals kept published, the table cannot protect the small counts of these rows: e.g. eleven
    ones in a row of eleven, which the total gives away whatever else is hidden."""

    def __init__(self, rows: set[int]):
        self.rows = rows
        super().__init__(f"Rows {sorted(rows)} cannot be protected with their totals published.")


def protect(counts: Sequence[Sequence[int]], *, min_cell: int, rounding: int = 1,
            keep_row_totals: bool = False) -> ProtectedTable:
    """The publishable form of a table of counts (rows × columns of non-negative integers). With
    `keep_row_totals` the row totals and the grand total are published as they are and no protection leans on
    them (they are shared with other tables of the query: protect_together); Unprotectable when that cannot be."""
    grid = _Extended(counts, fixed_rows=keep_row_totals)
    hidden = grid.complete(grid.primary(min_cell))

    def published(row: int, column: int) -> int | None:
        return None if (row, column) in hidden else round_to(grid.value(row, column), rounding, floor=min_cell)

    return ProtectedTable(
        cells=tuple(tuple(published(row, column) for column in range(grid.columns)) for row in range(grid.rows)),
        row_totals=tuple(published(row, grid.columns) for row in range(grid.rows)),
        column_totals=tuple(published(grid.rows, column) for column in range(grid.columns)),
        total=published(grid.rows, grid.columns), min_cell=min_cell, rounding=rounding)


@dataclass(frozen=True)
class LinkedTables:
    """Tables of one query, protected together. `groups` says which of the given rows each published row holds:
    rows too small to publish on their own are added up into one last row (the caller names it "other")."""

    tables: tuple[ProtectedTable, ...]
    groups: tuple[tuple[int, ...], ...]

    @property
    def has_rest(self) -> bool:
        return any(len(group) > 1 for group in self.groups)


def protect_together(tables: Sequence[Sequence[Sequence[int]]], *, min_cell: int,
                     rounding: int = 1) -> LinkedTables:
    """Tables over the same rows that each add up to the same row totals (e.g. signals per region by month and by
    form). A row total hidden in one table and published in another would undo the first table's protection, and
    tables protected one by one can lean on each other's totals in ways neither checks. So the shared totals are
    all published, and no table's protection leans on them: rows with a total under the threshold are added up
    into one rest row (with the smallest other row while the rest is still too small), as are rows whose small
    counts cannot be protected with their total published. When even the grand total is too small, everything
    is hidden."""
    row_count = len(tables[0]) if tables else 0
    if any(len(table) != row_count for table in tables):
        raise ValueError("Tables protected together need the same rows.")
    totals = [sum(row) for row in tables[0]] if tables else []
    if any([sum(row) for row in table] != totals for table in tables):
        raise ValueError("Tables protected together need the same row totals.")
    if 0 < sum(totals) < min_cell:
        return LinkedTables(tables=tuple(_all_hidden(table, min_cell, rounding) for table in tables),
                            groups=tuple((row,) for row in range(row_count)))
    rest: set[int] = set()
    while True:
        rest = _grown_rest(rest, totals, min_cell)
        groups = [(row,) for row in range(row_count) if row not in rest] + ([tuple(sorted(rest))] if rest else [])
        merged = [[[sum(table[row][column] for row in group) for column in range(len(table[0]) if table else 0)]
                   for group in groups] for table in tables]
        try:
            protected = [protect(counts, min_cell=min_cell, rounding=rounding, keep_row_totals=True)
                         for counts in merged]
        except Unprotectable as problem:
            grown = rest | {row for index in problem.rows for row in groups[index]}
            if grown == rest:  # the rest itself: it takes in the smallest row still on its own
                grown |= {min(((totals[row], row) for row in range(row_count) if row not in rest and totals[row]),
                              default=(0, None))[1]} - {None}
            if grown == rest:
                return LinkedTables(tables=tuple(_all_hidden(counts, min_cell, rounding) for counts in merged),
                                    groups=tuple(groups))
            rest = grown
            continue
        return LinkedTables(tables=tuple(protected), groups=tuple(groups))


def _grown_rest(rest: set[int], totals: Sequence[int], min_cell: int) -> set[int]:
    """The rest row: every row under the threshold, then the smallest others until the rest reaches it."""
    rest = rest | {row for row, total in enumerate(totals) if 0 < total < min_cell}
    others = sorted((total, row) for row, total in enumerate(totals) if row not in rest and total > 0)
    while rest and 0 < sum(totals[row] for row in rest) < min_cell and others:
        rest.add(others.pop(0)[1])
    return rest


def _all_hidden(counts: Sequence[Sequence[int]], min_cell: int, rounding: int) -> ProtectedTable:
    """Every non-zero figure hidden: nothing of the table can be pinned, as all of it may be larger."""
    def shown(value: int) -> int | None:
        return None if value else 0

    columns = len(counts[0]) if counts else 0
    return ProtectedTable(
        cells=tuple(tuple(shown(value) for value in row) for row in counts),
        row_totals=tuple(shown(sum(row)) for row in counts),
        column_totals=tuple(shown(sum(row[column] for row in counts)) for column in range(columns)),
        total=shown(sum(map(sum, counts))), min_cell=min_cell, rounding=rounding)


def statistic_publishable(count: int, *, min_cell: int) -> bool:
    """Whether a statistic (a median, a percentage) over `count` people or signals may be shown: over fewer than
    the threshold, a median or share says too much about the few it is about."""
    return count >= min_cell


class _Extended:
    """The table with its totals as an extra row (index `rows`) and column (index `columns`)."""

    def __init__(self, counts: Sequence[Sequence[int]], *, fixed_rows: bool = False):
        self.fixed_rows = fixed_rows
        self.rows = len(counts)
        self.columns = len(counts[0]) if counts else 0
        if any(len(row) != self.columns for row in counts):
            raise ValueError("Every row of the table needs the same number of columns.")
        if any(value < 0 for row in counts for value in row):
            raise ValueError("Counts cannot be negative.")
        self.values = [[*row, sum(row)] for row in counts]
        self.values.append([*(sum(row[column] for row in counts) for column in range(self.columns)),
                            sum(sum(row) for row in counts)])

    def value(self, row: int, column: int) -> int:
        return self.values[row][column]

    def positions(self) -> Iterable[Position]:
        return ((row, column) for row in range(self.rows + 1) for column in range(self.columns + 1))

    def primary(self, min_cell: int) -> set[Position]:
        found = {position for position in self.positions() if 0 < self.value(*position) < min_cell}
        if self.fixed_rows and any(self._is_fixed(position) for position in found):
            raise Unprotectable({row for row, column in found if self._is_fixed((row, column))} - {self.rows})
        return found

    def _is_fixed(self, position: Position) -> bool:
        """A row total or the grand total, published as it is because other tables share it."""
        return self.fixed_rows and position[1] == self.columns

    def sign(self, row: int, column: int) -> int:
        """A total moves against the cells it adds up: −1 for a row or column total, +1 for cells and the grand
        total (which adds up the totals)."""
        return -1 if (row == self.rows) != (column == self.columns) else 1

    def complete(self, hidden: set[Position]) -> set[Position]:
        """`hidden` grown until every hidden cell lies on a cycle that lets it move (module docstring)."""
        hidden = set(hidden)
        arcs = self._all_arcs()
        hidden_arcs: dict[int, list[tuple[Position, int]]] = {node: [] for node in arcs}
        for node, steps in arcs.items():
            hidden_arcs[node] = [(position, target) for position, target, _value in steps if position in hidden]
        safe: set[Position] = set()
        unprotectable: set[int] = set()
        # Cells hidden along the way lie on the cycle that hid them, so only the cells hidden at the start can
        # still be unsafe: smallest first.
        for cell in sorted(hidden, key=lambda position: (self.value(*position), position)):
            if cell in safe:
                continue
            # Most cells lie on a cycle of cells already hidden: a plain search among those finds it quickly.
            cycle = self._cycle_through(cell, partial(_path_among, hidden_arcs))
            if cycle is None:
                cycle = self._cycle_through(cell, partial(_cheapest_path, arcs, hidden))
            if cycle is None:
                # Without fixed totals this cannot happen: a cell always moves up with its row, column and grand
                # total. With them, the row must go into the rest (protect_together).
                unprotectable.add(cell[0])
                continue
            for position in cycle - hidden:
                row, column = position
                for forward, (node, target) in ((True, (row, self._column_node(column))),
                                                (False, (self._column_node(column), row))):
                    if self._may_move(position, forward):
                        hidden_arcs[node].append((position, target))
            hidden |= cycle
            safe |= cycle
        if unprotectable:
            raise Unprotectable(unprotectable - {self.rows})
        return hidden

    def _cycle_through(self, cell: Position, search) -> set[Position] | None:
        """The cells of the cheapest cycle through `cell` that `search(start, goal, cell)` finds in either
        direction; the search returns (cost, cells of the path without `cell`) or None."""
        row, column = cell
        best = None
        for forward in (True, False):
            if not self._may_move(cell, forward):
                continue
            start, goal = (self._column_node(column), row) if forward else (row, self._column_node(column))
            found = search(start, goal, cell)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        return None if best is None else {cell, *best[1]}

    def _may_move(self, position: Position, forward: bool) -> bool:
        """Walking a cell from its row to its column (forward) raises it by its sign; backwards lowers it. A
        cell may go down only when it stays at least 1."""
        change = self.sign(*position) * (1 if forward else -1)
        return change > 0 or self.value(*position) >= 2

    def _column_node(self, column: int) -> int:
        return self.rows + 1 + column

    def _usable(self, position: Position) -> bool:
        return self.value(*position) > 0 and not self._is_fixed(position)

    def _all_arcs(self) -> dict[int, list[tuple[Position, int, int]]]:
        """Per node, (cell, next node, count) for each step: out of a row node forward through one of its cells,
        out of a column node backwards. Zero cells are left out (published, never hidden), and so are
        totals shared with other tables."""
        arcs: dict[int, list[tuple[Position, int, int]]] = {}
        for row in range(self.rows + 1):
            arcs[row] = [((row, column), self._column_node(column), self.value(row, column))
                         for column in range(self.columns + 1)
                         if self._usable((row, column)) and self._may_move((row, column), forward=True)]
        for column in range(self.columns + 1):
            arcs[self._column_node(column)] = [((row, column), row, self.value(row, column))
                                               for row in range(self.rows + 1)
                                               if self._usable((row, column))
                                               and self._may_move((row, column), forward=False)]
        return arcs


def _path_among(arcs: Mapping[int, list[tuple[Position, int]]], start: int, goal: int,
                excluded: Position) -> tuple[tuple[int, int], list[Position]] | None:
    """Breadth-first from `start` to `goal` over hidden cells only, without `excluded`: costs nothing."""
    came_from: dict[int, tuple[int, Position]] = {start: (start, excluded)}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for position, target in arcs[node]:
                if position == excluded or target in came_from:
                    continue
                came_from[target] = (node, position)
                if target == goal:
                    return (0, 0), _walk_back(came_from, start, goal)
                following.append(target)
        frontier = following
    return None


def _cheapest_path(arcs: Mapping[int, list[tuple[Position, int, int]]], hidden: set[Position], start: int,
                   goal: int, excluded: Position) -> tuple[tuple[int, int], list[Position]] | None:
    """Dijkstra from `start` to `goal` without `excluded`; the cost of a path is (sum of the counts it newly
    hides, number of cells it newly hides): the smallest counts are hidden first."""
    queue: list[tuple[tuple[int, int], int]] = [((0, 0), start)]
    settled: set[int] = set()
    came_from: dict[int, tuple[int, Position]] = {}
    best: dict[int, tuple[int, int]] = {start: (0, 0)}
    while queue:
        cost, node = heapq.heappop(queue)
        if node in settled:
            continue
        settled.add(node)
        if node == goal:
            return cost, _walk_back(came_from, start, goal)
        for position, target, value in arcs[node]:
            if position == excluded or target in settled:
                continue
            total = cost if position in hidden else (cost[0] + value, cost[1] + 1)
            if target not in best or total < best[target]:
                best[target] = total
                came_from[target] = (node, position)
                heapq.heappush(queue, (total, target))
    return None


def _walk_back(came_from: Mapping[int, tuple[int, Position]], start: int, goal: int) -> list[Position]:
    path, node = [], goal
    while node != start:
        node, position = came_from[node]
        path.append(position)
    return path


# --- k-anonymity for record-level data ------------------------------------------------------------------------


#: Per quasi-identifier, the steps of generalisation after the value itself, each a function of the original
#: value: e.g. for a region [its province, "Nederland"], for a month [its year].
Generalisations = Mapping[str, Sequence[Callable[[Any], Hashable]]]


@dataclass(frozen=True)
class AnonymisationReport:
    """What k_anonymise did: the level each quasi-identifier ended at (0: as given), and how many records it left
    out because their class stayed smaller than k."""

    k: int
    levels: dict[str, int]
    records_in: int
    suppressed: int
    steps: tuple[str, ...] = field(default=())

    @property
    def records_out(self) -> int:
        return self.records_in - self.suppressed


def k_anonymise(records: Sequence[Mapping[str, Any]], quasi_identifiers: Sequence[str], k: int,
                generalisations: Generalisations, *,
                max_suppressed_share: float = 0.05) -> tuple[list[dict[str, Any]], AnonymisationReport]:
    """The records with every combination of quasi-identifiers shared by at least `k` of them.

    Generalises first, one step of one quasi-identifier at a time (the step that leaves the fewest records in
    too small a class), until at most `max_suppressed_share` of the records would have to go; then leaves those
    out. When nothing can be generalised any further, whatever is still too rare is left out."""
    if k < 1:
        raise ValueError("k must be at least 1.")
    levels = dict.fromkeys(quasi_identifiers, 0)
    steps: list[str] = []
    columns: dict[tuple[str, int], list[Hashable]] = {}

    def column(name: str, level: int) -> list[Hashable]:
        """The values of one quasi-identifier at one level of generalisation, for every record (kept: the search
        asks for the same ones again and again)."""
        if (name, level) not in columns:
            step = generalisations[name][level - 1] if level else None
            columns[name, level] = [step(record[name]) if step else record[name] for record in records]
        return columns[name, level]

    def keys(chosen: Mapping[str, int]) -> list[tuple]:
        if not quasi_identifiers:
            return [()] * len(records)
        return list(zip(*(column(name, chosen[name]) for name in quasi_identifiers), strict=True))

    def too_rare(chosen: Mapping[str, int]) -> int:
        return sum(size for size in Counter(keys(chosen)).values() if size < k)

    allowed = int(len(records) * max_suppressed_share)
    rare = too_rare(levels)
    while rare > allowed:
        options = [name for name in quasi_identifiers if levels[name] < len(generalisations.get(name, ()))]
        if not options:
            break
        rare, name = min((too_rare({**levels, name: levels[name] + 1}), name) for name in options)
        levels[name] += 1
        steps.append(name)
    final = keys(levels)
    sizes = Counter(final)
    kept = [{**record, **dict(zip(quasi_identifiers, key, strict=True))}
            for record, key in zip(records, final, strict=True) if sizes[key] >= k]
    return kept, AnonymisationReport(k=k, levels=levels, records_in=len(records),
                                     suppressed=len(records) - len(kept), steps=tuple(steps))
